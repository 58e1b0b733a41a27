// Stand-in `pulumi` for the tests of scripts/stack.sh and scripts/up-staging.sh (installed on PATH
// under that name). It logs every call as one JSON line (arguments, backend, passphrase source,
// DOCKER_HOST), answers `config get` from the Pulumi.<stack>.yaml of the working directory as the
// real CLI would, and behaves like the passphrase secrets provider: a command on a stack whose
// file has an encryptionsalt fails as "incorrect passphrase" when the passphrase does not open it
// (logged as `decrypt-failed`), and `stack select --create` writes a new salt made with the
// passphrase it is given. Its crypto is written here on its own (PBKDF2-SHA256 1e6 + AES-256-GCM,
// as pulumi/pulumi v3.248.0 sdk/go/common/resource/config/crypt.go), not shared with the checker.
/* eslint-disable */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const YAML = require(process.env.FAKE_YAML_MODULE);

const env = process.env;
const args = process.argv.slice(2);
const passphrase =
    env.PULUMI_CONFIG_PASSPHRASE !== undefined
        ? env.PULUMI_CONFIG_PASSPHRASE
        : env.PULUMI_CONFIG_PASSPHRASE_FILE
          ? fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim()
          : undefined;

function log(extra) {
    const entry = {
        args,
        backend: env.PULUMI_BACKEND_URL || "",
        passfile: env.PULUMI_CONFIG_PASSPHRASE_FILE || "",
        passEnv: env.PULUMI_CONFIG_PASSPHRASE !== undefined,
        dockerHost: env.DOCKER_HOST || "",
        ...extra,
    };
    fs.appendFileSync(env.FAKE_LOG, JSON.stringify({ tool: "pulumi", ...entry }) + "\n");
}

const key = (salt) => crypto.pbkdf2Sync(passphrase ?? "", Buffer.from(salt, "base64"), 1000000, 32, "sha256");
function opens(state) {
    const [, salt, , nonce, sealed] = state.split(":");
    try {
        const ct = Buffer.from(sealed, "base64");
        const d = crypto.createDecipheriv("aes-256-gcm", key(salt), Buffer.from(nonce, "base64"));
        d.setAuthTag(ct.subarray(ct.length - 16));
        return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]).toString() === "pulumi";
    } catch {
        return false;
    }
}
function newSalt() {
    const salt = crypto.randomBytes(8);
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", key(salt.toString("base64")), nonce);
    const ct = Buffer.concat([c.update("pulumi"), c.final(), c.getAuthTag()]);
    return `v1:${salt.toString("base64")}:v1:${nonce.toString("base64")}:${ct.toString("base64")}`;
}

const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
};
const file = (stack) => `Pulumi.${stack}.yaml`;
const readDoc = (stack) => (fs.existsSync(file(stack)) ? (YAML.parse(fs.readFileSync(file(stack), "utf8")) ?? {}) : {});

const selecting = args[0] === "stack" && args[1] === "select";
const stack = selecting ? args.filter((a) => !a.startsWith("-") && a !== "passphrase")[2] : opt("--stack");
if (stack && passphrase !== undefined) {
    const salt = readDoc(stack).encryptionsalt;
    if (salt && !opens(salt)) {
        log({ decryptFailed: true });
        process.stderr.write("error: incorrect passphrase\n");
        process.exit(255);
    }
}
log({});

if (selecting) {
    if (args.includes("--create") && !readDoc(stack).encryptionsalt) {
        const rest = fs.existsSync(file(stack)) ? fs.readFileSync(file(stack), "utf8") : "";
        fs.writeFileSync(file(stack), `encryptionsalt: ${newSalt()}\n${rest}`);
    }
} else if (args[0] === "config" && args[1] === "get") {
    const value = (readDoc(stack).config ?? {})[`minimarket:${args[2]}`];
    if (value === undefined) {
        process.stderr.write(`error: configuration key 'minimarket:${args[2]}' not found for stack '${stack}'\n`);
        process.exit(255);
    }
    process.stdout.write((typeof value === "string" ? value : JSON.stringify(value)) + "\n");
} else if (args[0] === "stack" && args[1] === "history") {
    process.stdout.write(fs.readFileSync(env.FAKE_HISTORY, "utf8"));
} else if (args[0] === "version") {
    process.stdout.write(`${env.FAKE_PULUMI_VERSION || "v3.248.0"}\n`);
} else if (["up", "preview", "refresh", "destroy"].includes(args[0]) && (env.DOCKER_HOST || "").startsWith("ssh://")) {
    // The provider dials the daemon the way the docker CLI's connection helper does: `ssh` from PATH.
    require("child_process").spawnSync("ssh", ["-l", "deploy", "--", "host", "docker", "system", "dial-stdio"], { stdio: "ignore" });
}
