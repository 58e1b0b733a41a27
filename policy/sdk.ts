// @pulumi/policy 1.21.0 exports `UnknownValueError` and `unknownCheckingProxy` from its entry point
// at runtime (index.js, added by pulumi/pulumi-policy#442 "so policy-pack test helpers can mirror
// real runtime semantics"), but its proxy.d.ts is emitted with stripInternal and declares neither;
// these typed names stand in for the missing declarations.

const sdk = require("@pulumi/policy") as {
    UnknownValueError: new (...args: any[]) => Error;
    unknownCheckingProxy<T>(props: T): T;
};

/** Thrown by a property read during a preview when the value is not known yet. */
export const UnknownValueError = sdk.UnknownValueError;

/** Wraps properties so that reading an unknown value throws UnknownValueError, as the engine's do. */
export const unknownCheckingProxy = sdk.unknownCheckingProxy;
