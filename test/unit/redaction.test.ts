// The last guard of "no message repeats a secret" (config/redact.ts): which values count as
// secret, and how a message is cut so none of them shows while ordinary words stay readable.

import { expect } from "chai";
import { NOT_SHOWN, redact, sensitiveValues } from "../../config/redact";

const none = new Set<string>();

describe("unit: redaction of config messages", () => {
    it("treats every value of a key that is secret by meaning as secret, even when stored in plain text", () => {
        for (const key of ["redisPassword", "grafanaAdminPassword", "secretEnv", "registryPassword", "backupOffsiteCredentials", "slackWebhookUrl"]) {
            expect(sensitiveValues({ [key]: "hunter2-value", logLevel: "INFO" }, none), key).to.deep.equal(["hunter2-value"]);
        }
        // Numbers too (a PIN given as a JSON number), at any depth.
        expect(sensitiveValues({ secretEnv: { dashboard: { PIN: 123456, LIST: ["a-b", 7] } } }, none)).to.deep.equal(["123456", "a-b", "7"]);
        // A key stored with --secret, whatever it is.
        expect(sensitiveValues({ dockerHost: "ssh://deploy@10.0.0.5" }, new Set(["dockerHost"]))).to.deep.equal(["ssh://deploy@10.0.0.5"]);
        // Nothing else: not a plain key, not an empty value (redacting "" would hide every `""`).
        expect(sensitiveValues({ dockerHost: "ssh://deploy@10.0.0.5", timezone: "UTC", registryPassword: "" }, none)).to.deep.equal([]);
    });

    it("treats gcp.sshPublicKey as secret whatever it holds (people paste the private key there)", () => {
        expect(sensitiveValues({ gcp: { project: "minimarket-prod-1", sshPublicKey: "not even a key" } }, none)).to.deep.equal(["not even a key"]);
    });

    it("treats credential-named variables of services.<s>.env as secret, and other variables as plain", () => {
        const services = { dashboard: { env: { API_TOKEN: "tok-123", FEATURE_FLAGS: "beta" } }, "ml-service": "not an object" };
        expect(sensitiveValues({ services }, none)).to.deep.equal(["tok-123"]);
    });

    it("finds key material under any key: PEM blocks and OpenSSH key lines, not look-alikes", () => {
        const material = [
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host",
            "my key: ssh-rsa AAAAB3NzaC1yc2E me@host",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNh me@host",
            "sk-ssh-ed25519@openssh.com AAAAGnNr me@host",
            "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNr me@host",
        ];
        for (const m of material) expect(sensitiveValues({ dockerSshOpts: ["-v", m] }, none), m).to.deep.equal([m]);
        for (const plain of ["xssh-rsa AAAA", "ecdsa-sha2-nistp AAAA", "sk-ssh- AAAA", "ssh-ed25519", "-o StrictHostKeyChecking=yes"]) {
            expect(sensitiveValues({ dockerSshOpts: [plain] }, none), plain).to.deep.equal([]);
        }
    });

    it("replaces a secret in place, keeping the message's quotes, in any letter case", () => {
        const secret = "Sup3r-Secret-Value";
        expect(redact([`minimarket:x: got "${secret}", expected a number`, `minimarket:y: ${secret.toUpperCase()} is not a URL`], [secret])).to.deep.equal([
            `minimarket:x: got "${NOT_SHOWN}", expected a number`,
            `minimarket:y: ${NOT_SHOWN} is not a URL`,
        ]);
        expect(NOT_SHOWN).to.equal("<not shown: may be secret>");
    });

    it("cuts a bare value from 12 characters on, a shorter one only where quoted (so words survive)", () => {
        expect(redact(["abcdefghijkl and abcdefghijk"], ["abcdefghijkl", "abcdefghijk"])).to.deep.equal([`${NOT_SHOWN} and abcdefghijk`]);
        expect(redact(['the word "INFO" and INFO'], ["info"])).to.deep.equal([`the word "${NOT_SHOWN}" and INFO`]);
    });

    it("cuts the JSON-escaped form of a value too (as it shows inside a longer quoted text)", () => {
        const secret = 'pa"ss\\word-long';
        expect(redact([`got {"k":${JSON.stringify(secret)}} and [${JSON.stringify(secret).slice(1, -1)}]`], [secret])).to.deep.equal([
            `got {"k":"${NOT_SHOWN}"} and [${NOT_SHOWN}]`,
        ]);
        // A bare match that merely ends with a quote stays bare.
        expect(redact(['x abcdefghijkl" y'], ['abcdefghijkl"'])).to.deep.equal([`x ${NOT_SHOWN} y`]);
    });

    it("cuts the longer of two overlapping secrets whole, whichever order they come in", () => {
        const short = "abcdefghijklm";
        const long = "abcdefghijklmnopq";
        for (const order of [
            [short, long],
            [long, short],
        ]) {
            expect(redact([`x ${long} y ${short} z`], order), order.join(",")).to.deep.equal([`x ${NOT_SHOWN} y ${NOT_SHOWN} z`]);
        }
    });
});
