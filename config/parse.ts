// Runs the config schema over the raw values the Pulumi CLI hands the program and turns every
// issue into one line: the full key, what is wrong, and the command that fixes it.

import { z } from "zod";
import { GcpConfig, gcpSchema } from "./gcpSchema";
import { redact, sensitiveValues } from "./redact";
import { ParseContext } from "./rules";
import { NAMESPACE } from "./schema";
import { StackConfig, stackSchema } from "./stackConfig";

/** What the config reader sees: raw strings as the Pulumi CLI passes them, plus secretness. */
export interface RawConfig {
    /** Keys without the namespace prefix, e.g. `dockerHost`, `services`. */
    values: Record<string, string>;
    secretKeys: Set<string>;
}

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was changed:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Structured values (`pulumi config set --path …`) arrive as JSON text; everything else stays a string. */
export function decodeValues(values: Record<string, string>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(values).map(([k, v]) => {
            if (!/^\s*[[{]/.test(v)) return [k, v];
            try {
                return [k, JSON.parse(v)];
            } catch {
                return [k, v]; // a plain string where a structure was expected: the schema reports it
            }
        }),
    );
}

/** `services.dashboard.env.X`, `gcp.sshSourceRanges[1]`. */
export function keyOf(path: readonly PropertyKey[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** Every issue as `minimarket:<key>: <message>`, in a stable order, each once. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
    const lines = issues.map((issue) => {
        const key = keyOf([...prefix, ...issue.path]);
        const top = issue.path.length + prefix.length <= 1;
        const set = top ? `pulumi config set ${key}` : `pulumi config set --path '${key}'`;
        const rm = top ? `pulumi config rm ${key}` : `pulumi config rm --path '${key}'`;
        const message = issue.message.replaceAll("{key}", key).replaceAll("{set}", set).replaceAll("{rm}", rm);
        return key ? `${NAMESPACE}:${key}: ${message}` : `${NAMESPACE}: ${message}`;
    });
    return [...new Set(lines)];
}

/** Parses and validates the raw config of stack `stack`. Throws ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, stack: string): StackConfig {
    const ctx: ParseContext = { stack, secretKeys: raw.secretKeys };
    const values = decodeValues(raw.values);
    const result = stackSchema(ctx).safeParse(values);
    if (!result.success) throw new ConfigError(redact(formatIssues(result.error.issues), sensitiveValues(values, raw.secretKeys)));
    return result.data;
}

/** The `gcp` settings alone, as prod reads them (for tests and tools). */
export function parseGcpConfig(value: unknown, opts: { required: boolean }): { gcp?: GcpConfig; problems: string[] } {
    if (value === undefined) {
        return opts.required
            ? { problems: [`${NAMESPACE}:gcp: platform gcp needs the Google Cloud settings; start with \`pulumi config set --path gcp.project <project-id>\``] }
            : { gcp: undefined, problems: [] };
    }
    const decoded = typeof value === "string" ? decodeValues({ v: value }).v : value;
    const result = gcpSchema.safeParse(decoded);
    if (result.success) return { gcp: result.data, problems: [] };
    return { problems: redact(formatIssues(result.error.issues, ["gcp"]), sensitiveValues({ gcp: decoded }, new Set())) };
}
