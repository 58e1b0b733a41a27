// The last guard of "no message repeats a secret": whatever a message says, any value that is or
// may be secret is cut out of it before it is shown. Secret are: everything under a key stored
// with `--secret` or meant to be secret (generated-secret overrides, secretEnv, credentials), plain
// variables named like credentials, and anything that looks like key material wherever it was
// put (a private key pasted as gcp.sshPublicKey, or as the whole of `gcp`).

import { secretNames } from "../facts/secrets";
import { isCredentialVar } from "../facts/credentials";
import { isPlainObject } from "./fields";

const SECRET_BY_MEANING = new Set<string>([...secretNames, "secretEnv", "registryPassword", "backupOffsiteCredentials", "slackWebhookUrl"]);
/** PEM blocks, private keys, and OpenSSH key lines (public ones too: people paste the wrong file). */
const KEY_MATERIAL = /-----BEGIN|PRIVATE KEY|(^|\s)(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(ssh|ecdsa)-\S+) /;
export const NOT_SHOWN = "<not shown: may be secret>";

function leaves(v: unknown, out: string[] = []): string[] {
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number") out.push(String(v));
    else if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
    else if (isPlainObject(v)) Object.values(v).forEach((x) => leaves(x, out));
    return out;
}

/** The values of `values` (decoded top-level keys) that no message may repeat. */
export function sensitiveValues(values: Record<string, unknown>, secretKeys: ReadonlySet<string>): string[] {
    const found = new Set<string>();
    for (const [key, value] of Object.entries(values)) {
        const all = leaves(value);
        if (secretKeys.has(key) || SECRET_BY_MEANING.has(key)) all.forEach((x) => found.add(x));
        else all.filter((x) => KEY_MATERIAL.test(x)).forEach((x) => found.add(x));
    }
    const gcp = values.gcp;
    if (isPlainObject(gcp)) leaves(gcp.sshPublicKey).forEach((x) => found.add(x));
    const services = values.services;
    // Stryker disable next-line ArrayDeclaration: any non-object item is skipped by the isPlainObject check below
    for (const s of isPlainObject(services) ? Object.values(services) : []) {
        const env = isPlainObject(s) ? s.env : undefined;
        if (!isPlainObject(env)) continue;
        for (const [name, v] of Object.entries(env)) if (isCredentialVar(name)) leaves(v).forEach((x) => found.add(x));
    }
    return [...found].filter((x) => x !== "");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `lines` with every appearance of a sensitive value replaced, in any letter case (a schema may
 * have changed the case before it complained). Short values only where quoted, so words survive.
 */
export function redact(lines: readonly string[], sensitive: readonly string[]): string[] {
    const patterns = [...sensitive]
        .sort((a, b) => b.length - a.length)
        .map((s) => {
            const quoted = JSON.stringify(s);
            const forms = s.length >= 12 ? [quoted, s, quoted.slice(1, -1)] : [quoted];
            return new RegExp(forms.map(escape).join("|"), "gi");
        });
    return lines.map((line) => patterns.reduce((out, re) => out.replace(re, (m) => (m.startsWith('"') ? `"${NOT_SHOWN}"` : NOT_SHOWN)), line));
}
