// No message repeats a value that is or may be secret. Each case puts a recognisable canary where
// a secret could end up, checks that the config IS refused under the expected key (so the test
// cannot pass vacuously), and that the canary appears nowhere in the error.
import { expect } from "chai";
import { ConfigError, parseConfig, parseGcpConfig } from "../../config";
import { prodValues, raw } from "./support";

const CANARY = "CANARY0sekr3t9x";
const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${CANARY}AAAAAAAAAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n`;
const gcp = prodValues().gcp as Record<string, unknown>;

function errorOf(values: Record<string, unknown>, secretKeys: string[] = [], stack = "staging"): ConfigError {
    try {
        parseConfig(raw(values, secretKeys), stack);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return e as ConfigError;
    }
    expect.fail("the config must be refused");
}

const cases: Array<[string, Record<string, unknown>, string[], string, string?]> = [
    ["a private key pasted as gcp.sshPublicKey", prodValues({ gcp: { ...gcp, sshPublicKey: privateKey } }), [], "minimarket:gcp.sshPublicKey:", "prod"],
    ["a private key pasted as the whole of gcp", prodValues({ gcp: privateKey }), [], "minimarket:gcp:", "prod"],
    [
        "a public key line where the domain belongs",
        prodValues({ gcp: { ...gcp, domain: `ssh-ed25519 AAAA${CANARY} me@laptop` } }),
        [],
        "minimarket:gcp.domain:",
        "prod",
    ],
    [
        "a secretEnv value of the wrong type",
        { secretEnv: { dashboard: { OPENAI_API_KEY: { key: CANARY } } } },
        ["secretEnv"],
        "minimarket:secretEnv.dashboard.OPENAI_API_KEY:",
    ],
    ["a secret override of the wrong shape", { redisPassword: [CANARY] }, ["redisPassword"], "minimarket:redisPassword:"],
    ["a slack webhook that is not https", { slackWebhookUrl: `http://hooks.slack.com/services/${CANARY}` }, ["slackWebhookUrl"], "minimarket:slackWebhookUrl:"],
    [
        "a slack webhook given as an object",
        { slackWebhookUrl: { url: `https://hooks.slack.com/services/${CANARY}` } },
        ["slackWebhookUrl"],
        "minimarket:slackWebhookUrl:",
    ],
    [
        "a credential-named plain variable of the wrong type",
        { services: { dashboard: { env: { GOOGLE_API_KEY: { v: CANARY } } } } },
        [],
        "minimarket:services.dashboard.env.GOOGLE_API_KEY:",
    ],
    ["a short hand-set secret", { jwtSecretMl: `x${CANARY}` }, [], "minimarket:jwtSecretMl:"],
    ["a public key given as a list", prodValues({ gcp: { ...gcp, sshPublicKey: [privateKey] } }), [], "minimarket:gcp.sshPublicKey:", "prod"],
    ["a setting stored with --secret, which the schema upper-cases before complaining", { logLevel: CANARY }, ["logLevel"], "minimarket:logLevel:"],
    ["a registry password given as a list", { registryPassword: [CANARY] }, ["registryPassword"], "minimarket:registryPassword:"],
];

describe("config messages never repeat a secret", () => {
    for (const [what, values, secretKeys, key, stack] of cases) {
        it(what, () => {
            const e = errorOf(values, secretKeys, stack);
            expect(
                e.problems.some((p) => p.startsWith(key)),
                `a problem under ${key} in:\n${e.message}`,
            ).to.equal(true);
            // In any letter case: a schema may change it before it complains.
            expect(e.message.toLowerCase()).not.to.include(CANARY.toLowerCase());
            expect(e.message).not.to.include("PRIVATE KEY");
        });
    }

    it("parseGcpConfig alone does not repeat a pasted private key either", () => {
        const { problems } = parseGcpConfig({ ...gcp, sshPublicKey: privateKey }, { required: true });
        expect(problems.some((p) => p.startsWith("minimarket:gcp.sshPublicKey:"))).to.equal(true);
        expect(problems.join("\n").toLowerCase()).not.to.include(CANARY.toLowerCase());
    });

    it("still shows values that are not secret (the net does not hide everything)", () => {
        expect(errorOf({ timezone: "Mars/Olympus" }).message).to.include('"Mars/Olympus"');
    });
});

describe("fix commands never put a secret value on a command line", () => {
    // Every message a person may copy: a `--secret` command ends at its key, and pulumi prompts
    // for the value (or reads standard input). Read from the sources, so a new message is held too.
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const root = path.join(__dirname, "..", "..");
    const sources = ["config", "stacks", "components", "scripts"].flatMap((dir) =>
        (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).filter((f) => /\.(ts|sh)$/.test(f)).map((f) => path.join(dir, f)),
    );
    const withValue = /set --secret (?:--path )?'?[\w<${][\w.<>${}-]*'? +[^\s`'"#|)(]/g;

    it("finds a value after `--secret KEY` (the check can fail)", () => {
        expect("run `{config} set --secret dockerHubToken <access token>`".match(withValue)).to.have.length(1);
        expect("`{config} set --secret --path 'secretEnv.a.B' <value>`".match(withValue)).to.have.length(1);
        expect("run `{config} set --secret dockerHubToken` (it prompts)".match(withValue)).to.equal(null);
    });

    it("in every message of config/, stacks/, components/ and scripts/", () => {
        const offending = sources.flatMap((f) => (fs.readFileSync(path.join(root, f), "utf8").match(withValue) ?? []).map((m) => `${f}: ${m}`));
        expect(offending).to.deep.equal([]);
    });

    it("in the messages a refused config prints", () => {
        const e = errorOf({ dockerHubUsername: "ana", slackWebhookUrl: "https://hooks.slack.com/x", secretEnv: { dashboard: { X: "plain" } } });
        expect(e.message).to.include("`scripts/stack.sh --stack staging config set --secret dockerHubToken`");
        expect(e.message).to.include("`scripts/stack.sh --stack staging config set --secret slackWebhookUrl`");
        expect(e.message.match(withValue)).to.equal(null);
    });
});
