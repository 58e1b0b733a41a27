// Can this machine's passphrase decrypt a committed Pulumi.<stack>.yaml? Checked before any
// pulumi command runs (scripts/lib/staging-env.sh), so a wrong or freshly generated passphrase is
// reported instead of failing half-way or re-encrypting the team's secrets with a key nobody else has.
// Plain JavaScript on purpose: it runs on every call of scripts/stack.sh, and ts-node would add
// seconds to each.
//
// Pulumi's passphrase secrets provider, as of pulumi/pulumi v3.248.0:
// - pkg/secrets/passphrase/manager.go: `encryptionsalt` is "v1:<base64 salt>:" followed by the
//   word "pulumi" encrypted with the derived key; a passphrase that does not decrypt it is
//   ErrIncorrectPassphrase. readPassphrase takes PULUMI_CONFIG_PASSPHRASE when it is set (even
//   empty), else the file named by a non-empty PULUMI_CONFIG_PASSPHRASE_FILE, whitespace-trimmed.
// - sdk/go/common/resource/config/crypt.go: the key is PBKDF2-SHA256(passphrase, salt, 1,000,000
//   iterations, 32 bytes); a value is "v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext+tag>".
"use strict";
const crypto = require("crypto");
const fs = require("fs");

const ITERATIONS = 1_000_000;
const B64 = "[A-Za-z0-9+/]+=*";
const VALUE = new RegExp(`^v1:(${B64}):(${B64})$`);

/** The passphrase Pulumi would use, or undefined when none is set (Pulumi would prompt). */
function passphraseFromEnv(env) {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim();
    return undefined;
}

/**
 * The encryption salt and every `secure:` value of a stack file, each with the top-level key it
 * belongs to. Pulumi writes these files itself (two-space indent, one `namespace:key` per entry).
 */
function stackFileSecrets(text) {
    const salt = /^encryptionsalt:\s*(\S+)\s*$/m.exec(text)?.[1];
    const secure = [];
    let key = "";
    for (const line of text.split("\n")) {
        const top = /^ {2}([^\s#:][^\s:]*:[^\s:]+):/.exec(line);
        if (top) key = top[1];
        const value = /(?:^|\s)secure:\s*(\S+)/.exec(line);
        if (value) secure.push({ key, value: value[1] });
    }
    return { salt, secure };
}

function decrypt(key, value) {
    const m = VALUE.exec(value);
    if (!m) return undefined;
    const nonce = Buffer.from(m[1], "base64");
    const sealed = Buffer.from(m[2], "base64");
    if (nonce.length !== 12 || sealed.length < 16) return undefined;
    try {
        const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce);
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
    } catch {
        return undefined;
    }
}

/**
 * "ok" (or "no-salt": nothing to check against), "wrong-passphrase" when the passphrase does not
 * open the salt, "unreadable-values" (with the keys) when it does but some secure values were
 * encrypted with another key, e.g. committed from a stack made with another passphrase.
 */
function checkStackFile(text, passphrase) {
    const { salt, secure } = stackFileSecrets(text);
    if (salt === undefined) return { result: "no-salt", keys: [] };
    const m = /^v1:([^:]+):(v1:.*)$/.exec(salt);
    if (!m) return { result: "wrong-passphrase", keys: [] };
    const key = crypto.pbkdf2Sync(Buffer.from(passphrase, "utf8"), Buffer.from(m[1], "base64"), ITERATIONS, 32, "sha256");
    if (decrypt(key, m[2]) !== "pulumi") return { result: "wrong-passphrase", keys: [] };
    const unreadable = [...new Set(secure.filter((s) => decrypt(key, s.value) === undefined).map((s) => s.key))];
    return unreadable.length ? { result: "unreadable-values", keys: unreadable } : { result: "ok", keys: [] };
}

module.exports = { passphraseFromEnv, stackFileSecrets, checkStackFile };

// node scripts/lib/stack-secrets.js <stack file>: exit 0 when the environment's passphrase opens
// it (or it has no salt), 3 wrong passphrase, 4 values it cannot decrypt (their keys on stdout),
// 5 no passphrase set. Prints no secret.
if (require.main === module) {
    const file = process.argv[2];
    if (!file || !fs.existsSync(file)) process.exit(0);
    const passphrase = passphraseFromEnv(process.env);
    if (passphrase === undefined) process.exit(5);
    const { result, keys } = checkStackFile(fs.readFileSync(file, "utf8"), passphrase);
    if (keys.length) console.log(keys.join(", "));
    process.exit({ ok: 0, "no-salt": 0, "wrong-passphrase": 3, "unreadable-values": 4 }[result]);
}
