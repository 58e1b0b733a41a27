import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PASSWORD_SPECIALS, secretCatalog, SecretName, secretNames } from "../facts/secrets";

export interface StackSecretsArgs {
    /** Values supplied with `pulumi config set --secret <key>`; they win over generated ones. */
    overrides: Partial<Record<SecretName, string>>;
    /** Bumping a counter generates a new value for that secret on the next `pulumi up`. */
    rotations: Record<SecretName, number>;
}

/**
 * Every credential of the stack, generated with @pulumi/random and kept encrypted in stack state.
 * Each value is a secret Output wherever it flows.
 */
export class StackSecrets extends pulumi.ComponentResource {
    readonly values: Record<SecretName, pulumi.Output<string>>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:secrets:StackSecrets", name, {}, opts);
        const values = {} as Record<SecretName, pulumi.Output<string>>;
        for (const key of secretNames) {
            const override = args.overrides[key];
            values[key] = override !== undefined ? pulumi.secret(override) : this.generate(key, args.rotations[key]);
        }
        this.values = values;
        this.registerOutputs({});
    }

    private generate(key: SecretName, rotation: number): pulumi.Output<string> {
        // Punctuation that broke the old `source .env` deploys is in every password on purpose.
        const isPassword = secretCatalog[key].password;
        const password = new random.RandomPassword(
            key,
            {
                length: secretCatalog[key].length,
                special: isPassword,
                overrideSpecial: isPassword ? PASSWORD_SPECIALS : undefined,
                minLower: 2,
                minUpper: 2,
                minNumeric: 2,
                minSpecial: isPassword ? 2 : 0,
                // Changing a keeper replaces the password: that is the rotation.
                keepers: { rotation: String(rotation) },
            },
            { parent: this, additionalSecretOutputs: ["result"] },
        );
        return pulumi.secret(password.result);
    }
}
