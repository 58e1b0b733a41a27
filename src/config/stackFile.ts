// Reads a committed Pulumi.<stack>.yaml the way the Pulumi CLI hands it to the program: every
// value a string, structured values as JSON. Encrypted values (`secure:`) cannot be read without
// the stack's secrets provider; they are replaced by a visible placeholder and reported as secret.

import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { RawConfig } from "./parse";
import { NAMESPACE } from "./schema";

export const SECRET_PLACEHOLDER = "<secret: set with pulumi config set --secret, not shown here>";

export interface StackFile {
    /** Full keys (`minimarket:services`, `gcp:project`) to CLI-style string values. */
    values: Record<string, string>;
    /** Full keys holding an encrypted value, at the top or anywhere inside. */
    secretKeys: string[];
}

export function stackFilePath(stack: string, projectDir: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string, placeholders: Record<string, string> = {}): StackFile {
    const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        let secret = false;
        const placeholder = placeholders[key] ?? SECRET_PLACEHOLDER;
        const replaced = replaceSecure(value, () => {
            secret = true;
            return placeholder;
        });
        if (secret) secretKeys.push(key);
        values[key] = typeof replaced === "string" ? replaced : JSON.stringify(replaced);
    }
    return { values, secretKeys };
}

function replaceSecure(value: unknown, onSecure: () => string): unknown {
    if (Array.isArray(value)) return value.map((v) => replaceSecure(v, onSecure));
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value);
        if (entries.length === 1 && entries[0][0] === "secure") return onSecure();
        return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, onSecure)]));
    }
    return value;
}

/** The `minimarket:*` part of a stack file, as parseConfig reads it. */
export function rawConfigOf(file: StackFile): RawConfig {
    const prefix = `${NAMESPACE}:`;
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(file.values)) {
        if (!key.startsWith(prefix)) continue;
        values[key.slice(prefix.length)] = value;
        if (file.secretKeys.includes(key)) secretKeys.add(key.slice(prefix.length));
    }
    return { values, secretKeys };
}
