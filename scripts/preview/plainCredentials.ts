// Credentials outside pulumi.secret: what a policy cannot see (the engine hands policies secrets
// decrypted and unmarked, policy/secrets.ts), the engine's own output shows. `pulumi preview --json`
// prints an input marked secret as "[secret]" and any other input as it is, which is also how the
// state stores it (unencrypted); the mocks record a marked input wrapped in the secret signature.
// So a container's `envs` or a command's `environment` that is not masked, yet holds a credential,
// is a credential stored in plain text.

import { isCredentialVar, looksLikeCredential } from "../../facts/credentials";

export const CONTAINER = "docker:index/container:Container";
export const COMMAND = "command:local:Command";
/** The property that carries a resource's credentials, by type. */
export const CREDENTIAL_PROPERTY: Record<string, string> = { [CONTAINER]: "envs", [COMMAND]: "environment" };

/** The name of the check where it is listed beside the pack's policies. */
export const MARKING_CHECK = "credentials-marked-secret";

function pairs(value: unknown): Array<[string, unknown]> {
    if (Array.isArray(value)) {
        return value
            .filter((x): x is string => typeof x === "string")
            .map((x) => (x.includes("=") ? [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)] : [x, ""]));
    }
    return typeof value === "object" && value !== null ? Object.entries(value) : [];
}

/**
 * The variables of `value` (docker `envs` as NAME=value strings, or a command's `environment` map)
 * that hold a credential in plain text; `isMasked` says whether a value is marked secret.
 */
export function plainCredentialNames(value: unknown, isMasked: (v: unknown) => boolean): string[] {
    if (value === undefined || value === null || isMasked(value)) return [];
    return pairs(value)
        .filter(([name, v]) => !isMasked(v) && typeof v === "string" && ((isCredentialVar(name) && v !== "") || looksLikeCredential(v)))
        .map(([name]) => name)
        .sort();
}

export function markingMessage(resource: string, property: string, names: string[]): string {
    return (
        `\`${resource}\` passes ${names.map((n) => `\`${n}\``).join(", ")} in plain text: its \`${property}\` are not marked secret. ` +
        "Why: the state stores them unencrypted and every preview prints them. " +
        "Fix: wrap the whole list in pulumi.secret (UpstreamService `secretEnv`, `pulumi.secret(envList(...))` as components/data/postgres.ts does)."
    );
}
