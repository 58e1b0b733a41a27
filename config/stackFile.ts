// Reads a committed Pulumi.<stack>.yaml the way the Pulumi CLI hands it to the program: every
// value a string, structured values as JSON. Encrypted values (`secure:`) cannot be read without
// the stack's secrets provider; they are replaced by a visible placeholder and reported as secret.

import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { isPlainObject } from "./fields";
import { ConfigError, RawConfig } from "./parse";
import { NAMESPACE } from "./schema";

/**
 * Stands in for an encrypted value. No whitespace: it must pass every rule a real value passes
 * (postgresMonitorPassword refuses whitespace), or `npm run render` fails on a stack that sets it.
 */
export const SECRET_PLACEHOLDER = "<secret:set-with-pulumi-config-set--secret,not-shown-here>";

export interface StackFile {
    /** Full keys (`minimarket:services`, `gcp:project`) to CLI-style string values. */
    values: Record<string, string>;
    /** Full keys holding an encrypted value, at the top or anywhere inside. */
    secretKeys: string[];
}

export function stackFilePath(stack: string, projectDir: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The stack file as YAML; a syntax error names the file, line and column, never the text there (it may be a secret). */
function parseStackYaml(file: string): Record<string, unknown> {
    let doc: unknown;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        if (!(e instanceof YAMLParseError)) throw e;
        // The message goes on with the offending lines after ":\n"; only its first sentence is kept.
        const what = e.message.split(/:?\n/)[0];
        throw new ConfigError([
            `${file}: is not valid YAML: ${what} (the text there is not shown: it may hold a secret); fix the file, or set values with \`pulumi config set\``,
        ]);
    }
    if (doc === null || doc === undefined) return {};
    const config = isPlainObject(doc) ? doc.config : undefined;
    if (!isPlainObject(doc) || (config !== undefined && config !== null && !isPlainObject(config))) {
        throw new ConfigError([`${file}: expected a YAML mapping with a \`config:\` mapping of <namespace>:<key>: value, as \`pulumi config set\` writes it`]);
    }
    return (config ?? {}) as Record<string, unknown>;
}

export function readStackFile(file: string, placeholders: Record<string, string> = {}): StackFile {
    const config = parseStackYaml(file);
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(config)) {
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
