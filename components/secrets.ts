import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { generatedSecretNames, generatedSecrets, GeneratedSecretName } from "../stacks/config";

export interface StackSecretsArgs {
    /** Values supplied with `pulumi config set --secret <key>`; they win over generated ones. */
    overrides: Partial<Record<GeneratedSecretName, string>>;
    /** Bumping a counter generates a new value for that secret on the next `pulumi up`. */
    rotations: Record<GeneratedSecretName, number>;
}

// Punctuation that broke the old `source .env` deploys; generated passwords include it on
// purpose so every path that carries them is exercised.
const PASSWORD_SPECIALS = "!&?)(*-_.~";
const PASSWORDS: ReadonlySet<GeneratedSecretName> = new Set(["postgresPassword", "postgresAdminPassword", "postgresMonitorPassword", "redisPassword", "grafanaAdminPassword"]);

/**
 * Every credential of the stack, generated with @pulumi/random and kept encrypted in stack state.
 * Each value is a secret Output wherever it flows.
 */
export class StackSecrets extends pulumi.ComponentResource {
    readonly values: Record<GeneratedSecretName, pulumi.Output<string>>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:secrets:StackSecrets", name, {}, opts);
        const values = {} as Record<GeneratedSecretName, pulumi.Output<string>>;
        for (const key of generatedSecretNames) {
            const override = args.overrides[key];
            values[key] = override !== undefined ? pulumi.secret(override) : this.generate(key, args.rotations[key]);
        }
        this.values = values;
        this.registerOutputs({});
    }

    private generate(key: GeneratedSecretName, rotation: number): pulumi.Output<string> {
        const isPassword = PASSWORDS.has(key);
        const password = new random.RandomPassword(
            key,
            {
                length: generatedSecrets[key].length,
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
