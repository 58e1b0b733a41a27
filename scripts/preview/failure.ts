// A stack whose preview failed still gets its part of the comment: the step that failed and the
// error lines of its log, with every secret cut out first. Secrets known to the builder (the state
// export's secret values, generated passwords, secret variables) are replaced by [secret]; so are
// what looks like one whatever it is (a URL's password, NAME=value for a credential name, a
// private key). The comment's final check (secretNames.ts assertNoSecrets) still runs after this.

import * as fs from "fs";
import { isCredentialVar } from "../../facts/credentials";

export interface StackFailure {
    /** The workflow step that failed, e.g. `pulumi preview`. */
    step: string;
    lines: string[];
}

/** Lines kept from the log at most, and characters per line. */
const MAX_LINES = 40;
const MAX_LINE = 400;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]+@/gi;
const ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g;
const JSON_FIELD = /("([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*)"[^"]*"/g;
const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** `text` with known secrets and credential-looking values replaced by [secret]. */
export function redact(text: string, secrets: string[]): string {
    let out = text;
    // Longest first, so a secret that contains another is cut whole.
    for (const s of [...secrets].filter((x) => x.length >= 8).sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
    out = out.replace(PEM_BLOCK, "[secret private key]");
    out = out.replace(URL_PASSWORD, "$1[secret]@");
    out = out.replace(ASSIGNMENT, (m, name: string) => (isCredentialVar(name.toUpperCase()) ? `${name}=[secret]` : m));
    return out.replace(JSON_FIELD, (m, head: string, name: string) => (isCredentialVar(name.toUpperCase()) ? `${head}"[secret]"` : m));
}

/**
 * The lines that say what went wrong: from the first line mentioning an error to the end, or the
 * last lines when none does; bounded, without colour codes, every secret cut out.
 */
export function errorLines(log: string, secrets: string[]): string[] {
    const lines = redact(log.replace(ANSI, ""), secrets)
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== "");
    const first = lines.findIndex((l) => /\berror\b/i.test(l));
    const kept = first >= 0 ? lines.slice(first) : lines;
    const shown = kept.length > MAX_LINES ? [...kept.slice(0, MAX_LINES - 1), `… ${kept.length - MAX_LINES + 1} more lines in the workflow's log`] : kept;
    return shown.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
}

export function readFailure(step: string, logFile: string, secrets: string[]): StackFailure {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : `(no log: ${logFile} is missing)`;
    return { step, lines: errorLines(log, secrets) };
}
