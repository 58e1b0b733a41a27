// The real Pulumi CLI, at the SDK's version, on a local file backend: what needs no provider plugin
// (docs/upstream-tools.md says why nothing else can run here). Creating a stack, `config set` plain,
// `--secret` and `--path` as the program then receives them (which is what the mocks' harness,
// test/support/program.ts `cliConfig`, must hand over), the config commands the docs give, a
// passphrase that cannot decrypt a committed stack file, and how a config error prints.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseConfig, rawConfigOf } from "../config";
import { cliConfig } from "./support/program";
import { PulumiCli } from "./support/pulumiCli";
import { requireBinaries } from "./support/tools";

const REPO = path.join(__dirname, "..");
const PASSPHRASE = "correct horse battery staple 0123";

/** A program that only writes down the config it was given (keys as the SDK cleans them) and which keys are secret. */
const PROBE = `const pulumi = require("@pulumi/pulumi");
require("fs").writeFileSync(process.env.PROBE_OUT, JSON.stringify({
    values: pulumi.runtime.allConfig(),
    secretKeys: JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]"),
}));
`;

interface Received {
    values: Record<string, string>;
    secretKeys: string[];
}

/** Splits a documented command line the way a shell would (quotes only; no expansions appear). */
function words(line: string): string[] {
    return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

describe("the real Pulumi CLI on a local backend", function () {
    this.timeout(10 * 60_000);
    let cli: PulumiCli;
    let project = 0;

    before(function () {
        const bins = requireBinaries(this, ["pulumi", "pulumi-language-nodejs"]);
        cli = new PulumiCli({ pulumi: bins.pulumi, "pulumi-language-nodejs": bins["pulumi-language-nodejs"] });
    });
    after(() => cli?.remove());

    /** A fresh project named like ours whose program is the probe, with `files` (committed stack files) in it. */
    function probeProject(files: Record<string, string> = {}): { dir: string; out: string } {
        const name = `probe-${++project}`;
        const dir = cli.project(name, {
            "Pulumi.yaml": "name: minimarket\nruntime: nodejs\nmain: probe.js\n",
            "package.json": '{ "name": "probe", "main": "probe.js" }\n',
            "probe.js": PROBE,
            ...files,
        });
        return { dir, out: path.join(cli.root, `${name}.json`) };
    }

    function ok(dir: string, args: string[], stdin?: string) {
        const r = cli.run(dir, args, { passphrase: PASSPHRASE, stdin });
        expect(r.status, `pulumi ${args.join(" ")}\n${r.output}`).to.equal(0);
        return r;
    }

    /** Where the probe of this project writes. */
    function previewEnv(p: { out: string }) {
        return { PROBE_OUT: p.out };
    }

    /** What the probe program receives from `pulumi preview` of `stack`. */
    function receivedWith(p: { dir: string; out: string }, stack: string): Received {
        const r = cli.run(p.dir, ["preview", "--stack", stack], { passphrase: PASSPHRASE, env: previewEnv(p) });
        expect(r.status, r.output).to.equal(0);
        return JSON.parse(fs.readFileSync(p.out, "utf8"));
    }

    it("stack init creates the stack in the file backend, its secrets encrypted with the passphrase", () => {
        const p = probeProject();
        const r = ok(p.dir, ["stack", "init", "staging"]);
        expect(r.output).to.include("Created stack 'staging'");
        expect(fs.readFileSync(path.join(p.dir, "Pulumi.staging.yaml"), "utf8")).to.match(/^encryptionsalt: v1:\S+$/m);
        expect(fs.existsSync(path.join(cli.state(p.dir), ".pulumi", "stacks", "minimarket", "staging.json"))).to.equal(true);
    });

    it("config set plain, --secret (from stdin) and --path reach the program as the mocks' harness hands them over", () => {
        const p = probeProject();
        ok(p.dir, ["stack", "init", "dev"]);
        const password = `Gf&pa$$?w!rd )#%/:@ <b> ü-${Date.now()}`;
        const apiKey = "sk-live-0123456789abcdef";
        ok(p.dir, ["config", "set", "logLevel", "DEBUG"]);
        ok(p.dir, ["config", "set", "--secret", "grafanaAdminPassword"], password);
        ok(p.dir, ["config", "set", "--path", "services.dashboard.image", "registry.example.com/minimarket/dashboard:1.9.3"]);
        ok(p.dir, ["config", "set", "--path", "services.dashboard.memoryMb", "1024"]);
        ok(p.dir, ["config", "set", "--path", "services.dashboard.cpus", "0.5"]);
        ok(p.dir, ["config", "set", "--path", "corsOrigins[0]", "https://b.example.com"]);
        ok(p.dir, ["config", "set", "--path", "corsOrigins[1]", "https://a.example.com"]);
        ok(p.dir, ["config", "set", "--path", "services.dashboard.env.BANNER", "<b>Tom & Jerry</b>"]);
        ok(p.dir, ["config", "set", "--path", "backup.intervalHours", "6"]);
        ok(p.dir, ["config", "set", "--secret", "--path", "secretEnv.dashboard.OPENAI_API_KEY"], apiKey);

        const stored = fs.readFileSync(path.join(p.dir, "Pulumi.dev.yaml"), "utf8");
        for (const secret of [password, apiKey]) expect(stored, "a secret in the stack file").not.to.include(secret);
        expect(stored).to.match(/minimarket:grafanaAdminPassword:\n\s+secure: v1:/);

        const got = receivedWith(p, "dev");
        // --path keeps "true"/"false" and integers typed, everything else (0.5 too) a string; maps and
        // lists arrive as JSON with sorted keys. The harness, given the same, hands over the same.
        const expected = cliConfig({
            useStackFile: false,
            config: {
                logLevel: "DEBUG",
                grafanaAdminPassword: password,
                services: {
                    dashboard: { image: "registry.example.com/minimarket/dashboard:1.9.3", memoryMb: 1024, cpus: "0.5", env: { BANNER: "<b>Tom & Jerry</b>" } },
                },
                corsOrigins: ["https://b.example.com", "https://a.example.com"],
                backup: { intervalHours: 6 },
                secretEnv: { dashboard: { OPENAI_API_KEY: apiKey } },
            },
            secretKeys: ["grafanaAdminPassword", "secretEnv"],
        });
        expect(got.values).to.deep.equal(expected.values);
        expect(Object.keys(JSON.parse(got.values["minimarket:services"]).dashboard), "key order").to.deep.equal(["cpus", "env", "image", "memoryMb"]);
        expect(got.values["minimarket:services"], "escaped as Go escapes it").to.include("\\u003cb\\u003eTom \\u0026 Jerry\\u003c/b\\u003e");
        expect(got.secretKeys.sort()).to.deep.equal(expected.secretKeys.sort());
        // And the program's schema takes it as the CLI gives it.
        parseConfig(rawConfigOf(got), "staging");
    });

    for (const stack of ["staging", "prod"]) {
        it(`hands the committed Pulumi.${stack}.yaml to the program as the harness reads it`, () => {
            const committed = fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8");
            const p = probeProject({ [`Pulumi.${stack}.yaml`]: committed });
            ok(p.dir, ["stack", "init", stack]);
            const got = receivedWith(p, stack);
            const expected = cliConfig({ stack });
            expect(got.values).to.deep.equal(expected.values);
            expect(got.secretKeys).to.deep.equal(expected.secretKeys);
        });
    }

    it("runs every `pulumi config set` the docs give, with no secret on a command line", () => {
        const docs = fs
            .readdirSync(path.join(REPO, "docs"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".md"))
            .map((f) => path.join("docs", f));
        const commands = docs.flatMap((doc) =>
            [
                ...fs
                    .readFileSync(path.join(REPO, doc), "utf8")
                    .matchAll(/(?:pulumi|scripts\/stack\.sh(?: --stack \S+)?|scripts\/pulumi-staging\.sh) config set ([^`\n]*)/g),
            ].map((m) => ({
                doc,
                args: words(m[1].replace(/\s+#.*$/, "")),
            })),
        );
        expect(commands.length, "documented config commands").to.be.greaterThan(5);
        const p = probeProject();
        ok(p.dir, ["stack", "init", "docs"]);
        for (const { doc, args } of commands) {
            const stackAt = args.indexOf("--stack");
            if (stackAt >= 0) args.splice(stackAt, 2);
            const positional = args.filter((a) => !a.startsWith("--"));
            if (args.includes("--secret"))
                expect(positional, `${doc}: pulumi config set ${args.join(" ")} puts the secret on the command line`).to.have.length(1);
            const r = cli.run(p.dir, ["config", "set", ...args], { passphrase: PASSPHRASE, stdin: "a-secret-value-from-stdin-0123456789" });
            expect(r.status, `${doc}: pulumi config set ${args.join(" ")}\n${r.output}`).to.equal(0);
        }
    });

    describe("a passphrase that cannot decrypt the committed stack file", () => {
        const secret = "hooks-slack-secret-value-0123456789";
        let p: { dir: string; out: string };
        let stackFile: string;

        before(() => {
            // Someone created the stack and set a secret; the stack file (its salt and the secret) is committed.
            const first = probeProject();
            ok(first.dir, ["stack", "init", "staging"]);
            ok(first.dir, ["config", "set", "--secret", "slackWebhookUrl"], secret);
            stackFile = fs.readFileSync(path.join(first.dir, "Pulumi.staging.yaml"), "utf8");
            cli.run(first.dir, ["stack", "rm", "--yes", "--force", "staging"], { passphrase: PASSPHRASE });
            p = probeProject({ "Pulumi.staging.yaml": stackFile });
        });

        it("stops stack init, preview and reading the secret, naming the passphrase and never the secret", () => {
            const init = cli.run(p.dir, ["stack", "init", "staging"], { passphrase: "not the one" });
            expect(init.status).to.equal(1);
            expect(init.stderr).to.include("error: could not create secrets manager for new stack: incorrect passphrase");

            ok(p.dir, ["stack", "init", "staging"]);
            const preview = cli.run(p.dir, ["preview"], { passphrase: "not the one", env: previewEnv(p) });
            expect(preview.status).to.equal(1);
            expect(preview.stderr).to.include("error: getting stack configuration: get stack secrets manager: incorrect passphrase");
            expect(fs.existsSync(p.out), "the program never ran").to.equal(false);

            const get = cli.run(p.dir, ["config", "get", "slackWebhookUrl"], { passphrase: "not the one" });
            expect(get.status).to.equal(1);
            expect(get.stderr).to.include("error: incorrect passphrase");

            const none = cli.run(p.dir, ["preview"], { env: previewEnv(p) });
            expect(none.status).to.equal(1);
            expect(none.stderr).to.include("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");

            for (const r of [init, preview, get, none]) expect(r.output).not.to.include(secret);
            // The right passphrase still reads it: the file was not rewritten by the failed attempts.
            expect(ok(p.dir, ["config", "get", "slackWebhookUrl"]).stdout.trim()).to.equal(secret);
        });

        it("lets a plain `config list` through, showing the secret as [secret]", () => {
            const list = cli.run(p.dir, ["config"], { passphrase: "not the one" });
            expect(list.status).to.equal(0);
            expect(list.stdout).to.match(/slackWebhookUrl\s+\[secret\]/);
        });
    });

    describe("a config error, through `pulumi preview` of the program", () => {
        const secret = "monitor password-0123456789abcdef";
        let preview: ReturnType<PulumiCli["run"]>;

        before(() => {
            // The program as committed (index.ts and its layers), in a project of its own.
            const files: Record<string, string> = {};
            for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "package.json", "tsconfig.json", "index.ts"])
                files[f] = fs.readFileSync(path.join(REPO, f), "utf8");
            const dir = cli.project("program", files);
            for (const layer of ["facts", "config", "renderers", "components", "stacks"])
                fs.cpSync(path.join(REPO, layer), path.join(dir, layer), { recursive: true });
            ok(dir, ["stack", "init", "staging"]);
            ok(dir, ["config", "set", "logLevel", "LOUD"]);
            ok(dir, ["config", "set", "--secret", "postgresMonitorPassword"], secret);
            preview = cli.run(dir, ["preview"], { passphrase: PASSPHRASE, timeoutMs: 8 * 60_000 });
        });

        it("fails before any resource, naming each key and the fix, never the secret", () => {
            expect(preview.status, preview.output).to.equal(1);
            expect(preview.output).to.include("Invalid stack configuration (2 problems); nothing was changed:");
            expect(preview.output).to.include('minimarket:logLevel: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"');
            expect(preview.output).to.match(
                /minimarket:postgresMonitorPassword: contains whitespace; .*`scripts\/stack\.sh --stack staging config rm postgresMonitorPassword`/,
            );
            expect(preview.output).not.to.include(secret);
            expect(preview.output).not.to.match(/^\s+\+\s+(docker|command|random):/m);
        });

        it("prints as the program's error: once, without a stack trace or an unhandled exception", () => {
            // Config errors are pulumi.RunError (index.ts): the language host prints the message alone.
            expect(preview.output).not.to.include("unhandled exception");
            expect(preview.output).not.to.match(/^\s+at \S+ \(.*\.ts:\d+:\d+\)$/m);
            expect(preview.output.split("minimarket:logLevel: must be one of").length - 1).to.equal(1);
        });
    });
});
