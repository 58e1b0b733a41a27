// Reads the `minimarket:*` config of the running stack exactly as the CLI passed it, and
// validates it before any resource is declared.

import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { parseConfig, RawConfig } from "./parse";
import { NAMESPACE } from "./schema";
import { StackConfig } from "./stackConfig";

export function readRawConfig(): RawConfig {
    // isConfigSecret is not in the type declarations, but it is how the SDK itself decides.
    const isSecret = (runtimeConfig as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    if (typeof isSecret !== "function") throw new Error("@pulumi/pulumi no longer exposes isConfigSecret; update config/load.ts");
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const otherKeys: string[] = [];
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const i = fullKey.indexOf(":");
        if (i < 0 || fullKey.slice(0, i) !== NAMESPACE) {
            // Other namespaces belong to providers, unless one is a typo of ours (parseConfig checks).
            otherKeys.push(fullKey);
            continue;
        }
        const key = fullKey.slice(i + 1);
        values[key] = value;
        if (isSecret(fullKey)) secretKeys.add(key);
    }
    return { values, secretKeys, otherKeys };
}

/** The validated config of the running stack; throws ConfigError before any resource exists. */
export function loadStackConfig(): StackConfig {
    return parseConfig(readRawConfig(), pulumi.getStack());
}
