// Runs the config schema over the raw values the Pulumi CLI hands the program and turns every
// issue into one line: the full key, what is wrong, and the command that fixes it. Fix commands
// name the entry point scripts/stack.sh with the stack, so they run with its backend and
// passphrase (docs/stacks.md), and never carry a secret value: `config set --secret KEY` prompts.

import { z } from "zod";
import { GcpConfig, gcpSchema } from "./gcpSchema";
import { editDistance } from "./fields";
import { redact, sensitiveValues } from "./redact";
import { ParseContext } from "./rules";
import { NAMESPACE } from "./schema";
import { StackConfig, stackSchema } from "./stackConfig";

/** What the config reader sees: raw strings as the Pulumi CLI passes them, plus secretness. */
export interface RawConfig {
    /** Keys without the namespace prefix, e.g. `dockerHost`, `services`. */
    values: Record<string, string>;
    secretKeys: Set<string>;
    /** Full keys of the other namespaces (`gcp:project`, `minimarkt:logLevel`): checked for typos of ours. */
    otherKeys?: string[];
}

/** The entry point of every command on one stack: it gives pulumi the stack's backend, passphrase and daemon. */
export function stackCommand(stack: string): string {
    return `scripts/stack.sh --stack ${stack}`;
}

/** `pulumi config` on one stack, through its entry point. */
export function configCommand(stack: string): string {
    return `${stackCommand(stack)} config`;
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

/**
 * Every issue as `minimarket:<key>: <message>`, in a stable order, each once. Messages name
 * `{key}`, `{set}`, `{rm}` and `{config}` (the config command of the stack) where they need them.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], stack: string, prefix: readonly PropertyKey[] = []): string[] {
    const config = configCommand(stack);
    const lines = issues.map((issue) => {
        const key = keyOf([...prefix, ...issue.path]);
        const top = issue.path.length + prefix.length <= 1;
        const set = top ? `${config} set ${key}` : `${config} set --path '${key}'`;
        const rm = top ? `${config} rm ${key}` : `${config} rm --path '${key}'`;
        const message = issue.message.replaceAll("{key}", key).replaceAll("{set}", set).replaceAll("{rm}", rm).replaceAll("{config}", config);
        return key ? `${NAMESPACE}:${key}: ${message}` : `${NAMESPACE}: ${message}`;
    });
    return [...new Set(lines)];
}

/**
 * Keys whose namespace looks like a typo of ours (`minimarkt:logLevel`): the CLI stores them, the
 * program would never read them, and the setting silently would not apply. Namespaces of the
 * providers the program uses (gcp, docker, …) are far enough from ours not to match.
 */
export function misspelledNamespaceProblems(otherKeys: readonly string[], stack: string): string[] {
    const config = configCommand(stack);
    return otherKeys.flatMap((full) => {
        // The CLI stores every key as <namespace>:<key>; anything else is nobody's typo.
        const namespace = full.split(":")[0];
        const key = full.slice(namespace.length + 1);
        if (!key || namespace === NAMESPACE || editDistance(namespace, NAMESPACE) > 2) return [];
        return [
            `${full}: the namespace "${namespace}" is not "${NAMESPACE}", so the program never reads this key; ` +
                `move it: \`${config} rm ${full}\`, then \`${config} set ${key} <value>\` (for a secret, \`${config} set --secret ${key}\`, which prompts)`,
        ];
    });
}

/** Parses and validates the raw config of stack `stack`. Throws ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, stack: string): StackConfig {
    const ctx: ParseContext = { stack, secretKeys: raw.secretKeys };
    const values = decodeValues(raw.values);
    const result = stackSchema(ctx).safeParse(values);
    // Stryker disable next-line ArrayDeclaration: a made-up key without a namespace is never reported.
    const typos = misspelledNamespaceProblems(raw.otherKeys ?? [], stack);
    const problems = result.success ? [] : redact(formatIssues(result.error.issues, stack), sensitiveValues(values, raw.secretKeys));
    if (!result.success || typos.length) throw new ConfigError([...typos, ...problems]);
    return result.data;
}

/** The `gcp` settings alone, as prod reads them (for tests and tools). */
export function parseGcpConfig(value: unknown, opts: { required: boolean; stack?: string }): { gcp?: GcpConfig; problems: string[] } {
    const stack = opts.stack ?? "prod";
    if (value === undefined) {
        return opts.required
            ? {
                  problems: [
                      `${NAMESPACE}:gcp: platform gcp needs the Google Cloud settings; start with \`${configCommand(stack)} set --path gcp.project <project-id>\``,
                  ],
              }
            : { gcp: undefined, problems: [] };
    }
    const decoded = typeof value === "string" ? decodeValues({ v: value }).v : value;
    const result = gcpSchema.safeParse(decoded);
    if (result.success) return { gcp: result.data, problems: [] };
    return { problems: redact(formatIssues(result.error.issues, stack, ["gcp"]), sensitiveValues({ gcp: decoded }, new Set())) };
}
