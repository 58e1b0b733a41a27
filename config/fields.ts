// Building blocks of the config schema. Values arrive as the Pulumi CLI stores them: top-level
// keys and everything set with `--path` are strings ("true", "30"), while YAML written by hand may
// hold real booleans and numbers, so every scalar accepts both. Messages may contain `{key}`: the
// formatter replaces it with the full key (`services.dashboard.cpus`), so each message can name the
// command that fixes it. No message built here repeats a value unless the caller says it may.

import { z } from "zod";

/** What the config table of docs/configuration.md shows for a key. */
export type FieldDoc = {
    description: string;
    /** Default as people read it, e.g. "`8080`" or "stack name". */
    default?: string;
};

/** An optional key with its documentation; meta must come last (zod copies drop it). */
export function documented<T extends z.ZodType>(schema: T, doc: FieldDoc) {
    return schema.optional().meta(doc);
}

export const show = (v: unknown): string => JSON.stringify(v);

/** Adds a problem at a path below the value being checked. */
export function problem(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
    // Stryker disable next-line StringLiteral: no reader of an issue looks at its code, only at path and message
    ctx.addIssue({ code: "custom", path, message });
}

/** Refinements that must run even when a sibling field already failed: every problem at once. */
export const always = { when: () => true } as const;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function boolean() {
    return z.preprocess(
        (v) => (v === "true" ? true : v === "false" ? false : v),
        z.boolean({ error: (iss) => `expected true or false, got ${show(iss.input)}; run \`{set} true\`` }),
    );
}

const WHOLE = /^-?\d+$/;

/** A time of day as HH:MM, 00:00 to 23:59 (the schedules of backups and Cloud SQL are in UTC). */
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A whole number in [min, max], from a number or its decimal text. */
export function integer(min: number, max: number) {
    return z.preprocess(
        (v) => (typeof v === "string" && WHOLE.test(v.trim()) ? Number(v) : v),
        z.number({ error: (iss) => `expected a whole number from ${min} to ${max}, got ${show(iss.input)}` }).check((ctx) => {
            const n = ctx.value;
            if (!Number.isInteger(n) || n < min || n > max) {
                // No message: zod takes the schema's own (above) for an issue without one, so both cases read alike.
                // Stryker disable next-line StringLiteral: no reader of an issue looks at its code, only at path and message
                ctx.issues.push({ code: "custom", input: n });
            }
        }),
    );
}

/** A string; `what` completes "… is not <what>" when `pattern` does not match. */
export function text(opts: { pattern?: RegExp; what?: string; message?: (value: string) => string } = {}) {
    let s = z.string({ error: (iss) => `expected a string, got ${show(iss.input)}` });
    if (opts.pattern) {
        const pattern = opts.pattern;
        const message = opts.message ?? ((v: string) => `${show(v)} is not ${opts.what}`);
        s = s.refine((v) => pattern.test(v), { error: (iss) => message(String(iss.input)) });
    }
    return s;
}

export function oneOf<T extends string>(values: readonly [T, ...T[]]) {
    return z.enum(values, { error: (iss) => `must be one of ${values.join(", ")}, got ${show(iss.input)}` });
}

/** A word as the shell passes it unchanged; a leading dash is not taken for an option. */
function shellWord(word: string): string {
    const quoted = /^[A-Za-z0-9@%_+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
    return word.startsWith("-") ? `-- ${quoted}` : quoted;
}

/**
 * How to set a list key that holds one string: the CLI stores a list only item by item, so the
 * string is removed first. The commands use the string's own items (split at commas and spaces).
 */
// Stryker disable next-line Regex: splitting at single separators leaves empty items, which the filter drops: the same items
export function listCommands(value: unknown, split: RegExp = /[\s,]+/): string {
    const items = typeof value === "string" ? value.split(split).filter((w) => w !== "") : [];
    const shown = (items.length > 0 ? items : ["<value>"]).slice(0, 4);
    const sets = shown.map((item, i) => `\`{config} set --path '{key}[${i}]' ${item === "<value>" ? item : shellWord(item)}\``);
    return `a list is set item by item: \`{rm}\`, then ${sets.join(", ")}${items.length > shown.length ? ", …" : ""}`;
}

/** A list of strings, as `{config} set --path 'key[0]' value` stores it. */
export function stringList() {
    return z.array(z.string(), { error: (iss) => `expected a list of strings, got ${show(iss.input)}; ${listCommands(iss.input)}` });
}

/**
 * An object whose unknown fields are reported one by one, each with its own message and the
 * nearest known field ("did you mean"), and
 * whose other problems are all reported too (a typo does not hide a bad value beside it).
 */
export function record<S extends z.ZodRawShape>(shape: S, unknownField: (field: string, known: string[], hint: string) => string) {
    const known = Object.keys(shape);
    return z
        .looseObject(shape, {
            error: (iss) => `expected an object, got ${show(iss.input)}; set its fields with \`{config} set --path '{key}.<field>' <value>\``,
        })
        .superRefine((obj, ctx) => {
            if (!isPlainObject(obj)) return;
            for (const field of Object.keys(obj)) {
                if (known.includes(field)) continue;
                // Every unknown field names the nearest known one, whether or not its message placed the hint.
                const hint = suggestion(field, known);
                const message = unknownField(field, known, hint);
                problem(ctx, [field], message.includes(hint) ? message : message + hint);
            }
        }, always);
}

/** Edit distance, to suggest the key someone meant. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

/** "; did you mean `x`?" when one known name is close to `name`. */
export function suggestion(name: string, known: readonly string[]): string {
    const scored = known.map((k) => ({ k, d: editDistance(name, k) })).sort((x, y) => x.d - y.d);
    const best = scored[0];
    if (!best || best.d > Math.max(2, Math.floor(name.length / 4))) return "";
    return `; did you mean \`${best.k}\`?`;
}
