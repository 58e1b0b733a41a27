// Reading a committed Pulumi.<stack>.yaml the way the CLI hands it to the program: strings,
// structures as JSON, and encrypted values replaced by a visible placeholder and marked secret.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { goJson, rawConfigOf, readStackFile, SECRET_PLACEHOLDER, stackFilePath } from "../../config/stackFile";

describe("unit: stack files", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function write(text: string): string {
        const file = path.join(dir, `Pulumi.t${Math.random().toString(36).slice(2)}.yaml`);
        fs.writeFileSync(file, text);
        return file;
    }

    it("names the file of a stack in the project directory", () => {
        expect(stackFilePath("staging", "/repo")).to.equal(path.join("/repo", "Pulumi.staging.yaml"));
    });

    it("returns strings as they are and structures as JSON", () => {
        const file = write(
            [
                "config:",
                "  minimarket:logLevel: DEBUG",
                "  minimarket:postgresMemoryMb: 2048",
                "  minimarket:hostPorts:",
                "    grafana: 3001",
                "  minimarket:corsOrigins: [a, b]",
                "  gcp:project: p",
            ].join("\n"),
        );
        expect(readStackFile(file)).to.deep.equal({
            values: {
                "minimarket:logLevel": "DEBUG",
                "minimarket:postgresMemoryMb": "2048",
                "minimarket:hostPorts": '{"grafana":3001}',
                "minimarket:corsOrigins": '["a","b"]',
                "gcp:project": "p",
            },
            secretKeys: [],
        });
    });

    it("writes structures as the CLI's Go json.Marshal does: keys sorted at every depth, <, >, &, U+2028 and U+2029 escaped", () => {
        // test/pulumiCli.test.ts shows the real CLI handing config over this way.
        const file = write(
            [
                "config:",
                "  minimarket:services:",
                "    web:",
                "      image: x",
                "      env: { Z: '<b>&</b>', A: \"line\\u2028sep\\u2029\" }",
                "    api: [{ b: 1, a: 2 }]",
            ].join("\n"),
        );
        expect(readStackFile(file).values["minimarket:services"]).to.equal(
            '{"api":[{"a":2,"b":1}],"web":{"env":{"A":"line\\u2028sep\\u2029","Z":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"},"image":"x"}}',
        );
        expect(goJson({ b: null, a: [3, "x"], c: 1.5 })).to.equal('{"a":[3,"x"],"b":null,"c":1.5}');
        expect(JSON.parse(goJson({ q: "a<b>&c\u2028" }))).to.deep.equal({ q: "a<b>&c\u2028" });
    });

    it("replaces encrypted values at any depth and reports their top-level keys as secret", () => {
        const file = write(
            [
                "config:",
                "  minimarket:slackWebhookUrl:",
                "    secure: AAAAbase64",
                "  minimarket:secretEnv:",
                "    dashboard:",
                "      OPENAI_API_KEY:",
                "        secure: BBBB",
                "      PLAIN: x",
                "  minimarket:list:",
                "    - secure: CCCC",
                "    - keep",
                "  minimarket:notSecret:",
                "    secure: a",
                "    other: b",
            ].join("\n"),
        );
        const read = readStackFile(file, { "minimarket:slackWebhookUrl": "https://hooks.slack.com/placeholder" });
        expect(read.values["minimarket:slackWebhookUrl"]).to.equal("https://hooks.slack.com/placeholder");
        expect(JSON.parse(read.values["minimarket:secretEnv"])).to.deep.equal({ dashboard: { OPENAI_API_KEY: SECRET_PLACEHOLDER, PLAIN: "x" } });
        expect(JSON.parse(read.values["minimarket:list"])).to.deep.equal([SECRET_PLACEHOLDER, "keep"]);
        expect(JSON.parse(read.values["minimarket:notSecret"])).to.deep.equal({ secure: "a", other: "b" });
        expect(read.secretKeys).to.deep.equal(["minimarket:slackWebhookUrl", "minimarket:secretEnv", "minimarket:list"]);
        expect(JSON.stringify(read)).not.to.match(/AAAA|BBBB|CCCC/);
    });

    it("reads an empty file or one without config as no values", () => {
        expect(readStackFile(write(""))).to.deep.equal({ values: {}, secretKeys: [] });
        expect(readStackFile(write("encryptionsalt: x\n"))).to.deep.equal({ values: {}, secretKeys: [] });
    });

    it("keeps the minimarket keys, without their prefix, for parseConfig", () => {
        const raw = rawConfigOf({
            values: { "minimarket:logLevel": "DEBUG", "minimarket:slackWebhookUrl": "x", "gcp:project": "p", "other:minimarket:x": "y" },
            secretKeys: ["minimarket:slackWebhookUrl", "gcp:project"],
        });
        expect(raw.values).to.deep.equal({ logLevel: "DEBUG", slackWebhookUrl: "x" });
        expect([...raw.secretKeys]).to.deep.equal(["slackWebhookUrl"]);
    });
});
