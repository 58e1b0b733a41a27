// The day-two entry point, scripts/stack.sh, with stand-in `pulumi`, `docker`, `ssh` and `npm` on a
// clone whose committed Pulumi.staging.yaml is the team's (remote host, salt, secure value):
// every command runs with one stack, backend, passphrase and Docker host; the team's stack only
// with --stack, its backend and its passphrase; a passphrase that cannot decrypt the committed
// secrets is reported before any pulumi command runs; no secret travels on a command line.
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { clone, Clone, PERSONAL, TEAM_BACKEND, TEAM_HOST, TEAM_PASSPHRASE, teamStagingFile } from "./harness";

const { checkStackFile, stackFileSecrets } = require("../../scripts/lib/stack-secrets.js") as {
    checkStackFile(text: string, passphrase: string): { result: string; keys: string[] };
    stackFileSecrets(text: string): { salt?: string; secure: Array<{ key: string; value: string }> };
};

/** A team member's machine: the team's backend URL, and optionally a stored passphrase. */
function teamMachine(c: Clone, passphrase?: string) {
    fs.mkdirSync(c.mm, { recursive: true });
    fs.writeFileSync(path.join(c.mm, "team.backend"), `${TEAM_BACKEND}\n`);
    if (passphrase !== undefined) fs.writeFileSync(path.join(c.mm, "staging.passphrase"), passphrase, { mode: 0o600 });
}

/** A value encrypted the way Pulumi does, under another passphrase (as if set on another stack). */
function foreignSecureValue(): string {
    const key = crypto.pbkdf2Sync("someone else's", crypto.randomBytes(8), 1000000, 32, "sha256");
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv("aes-256-gcm", key, nonce);
    const sealed = Buffer.concat([c.update("https://hooks.example/x"), c.final(), c.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

describe("the entry point (scripts/stack.sh) on the team's stack", function () {
    this.timeout(300_000);

    it("reports a passphrase that cannot decrypt the committed secrets before any pulumi command, with what to do", () => {
        const c = clone();
        teamMachine(c, "a passphrase made on this laptop");
        for (const args of [
            ["--stack", "staging", "preview"],
            ["config", "set", "--secret", "dockerHubToken", "--stack", "staging"],
            ["--stack", "staging", "up", "--yes"],
        ]) {
            const r = c.run("stack.sh", args);
            expect(r.status, args.join(" ")).to.equal(1);
            expect(r.stderr).to.include(
                "the passphrase on this machine cannot decrypt Pulumi.staging.yaml (its encryptionsalt was made with another one); nothing was changed",
            );
            expect(r.stderr).to.include(
                "Get the team's passphrase from where the team keeps it and store it with `scripts/stack.sh --stack staging passphrase`",
            );
            expect(r.stderr).to.include("or drop --stack to work on your own stack");
        }
        expect(c.calls(), "nothing ran").to.deep.equal([]);
    });

    it("without the team's passphrase on this machine: says where to get it, generates none, runs nothing", () => {
        const c = clone();
        teamMachine(c);
        const r = c.run("stack.sh", ["--stack", "staging", "stack", "output"]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("no passphrase for the team's stack staging on this machine");
        expect(r.stderr).to.include("CI has it as the secret PULUMI_CONFIG_PASSPHRASE_STAGING");
        expect(fs.existsSync(path.join(c.mm, "staging.passphrase"))).to.equal(false);
        expect(c.calls()).to.deep.equal([]);
    });

    it("without the team's backend: refuses, rather than make a second state of the team's stack", () => {
        const c = clone();
        const r = c.run("stack.sh", ["--stack", "staging", "preview"]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("stack staging is the team's: its state lives in the team's backend only");
        fs.mkdirSync(c.mm, { recursive: true });
        fs.writeFileSync(path.join(c.mm, "team.backend"), `file://${c.mm}/state\n`);
        const local = c.run("stack.sh", ["--stack", "staging", "preview"]);
        expect(local.stderr).to.include("names your own local state directory");
        expect(c.calls()).to.deep.equal([]);
    });

    it("stores the team's passphrase from a prompt (never a command line), checked first, then runs with the team's backend and host", () => {
        const c = clone();
        teamMachine(c);
        const wrong = c.run("stack.sh", ["--stack", "staging", "passphrase"], { input: "not it\n" });
        expect(wrong.status).to.equal(1);
        expect(fs.existsSync(path.join(c.mm, "staging.passphrase")), "a wrong one is not kept").to.equal(false);

        const stored = c.run("stack.sh", ["--stack", "staging", "passphrase"], { input: `${TEAM_PASSPHRASE}\n` });
        expect(stored.status, stored.stderr).to.equal(0);
        const passfile = path.join(c.mm, "staging.passphrase");
        expect(fs.readFileSync(passfile, "utf8")).to.equal(TEAM_PASSPHRASE);
        expect(fs.statSync(passfile).mode & 0o777).to.equal(0o600);

        const r = c.run("stack.sh", ["--stack", "staging", "preview"]);
        expect(r.status, r.stderr).to.equal(0);
        const preview = c.pulumiCalls().pop()!;
        expect(preview.args).to.deep.equal(["preview", "--stack", "staging"]);
        expect(preview).to.deep.include({ backend: TEAM_BACKEND, passfile, dockerHost: TEAM_HOST });
        expect(c.pulumiCalls().some((p) => p.decryptFailed)).to.equal(false);
        // The team's stack is never created or selected by a script: it exists in the team's backend.
        expect(c.pulumiCalls().some((p) => p.args[0] === "stack" && p.args[1] === "select")).to.equal(false);
        expect(JSON.stringify(c.calls()), "the passphrase is on no command line").not.to.include(TEAM_PASSPHRASE);

        // The backup script, even called directly, reaches the team's backup container on the team's host.
        const backup = c.run("backup-staging.sh", ["--stack", "staging", "list"]);
        expect(backup.status, backup.stderr).to.equal(0);
        const exec = c.calls().filter((x) => x.tool === "docker" && x.args[0] === "exec");
        expect(exec.map((x) => [x.args[1], x.dockerHost])).to.deep.equal([["minimarket-staging-backup", TEAM_HOST]]);
    });

    it("names secure values this passphrase cannot decrypt (committed from another stack), before any pulumi command", () => {
        const committed = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.staging.yaml"), "utf8");
        const c = clone({ stagingFile: teamStagingFile(committed, { secure: foreignSecureValue() }) });
        teamMachine(c, TEAM_PASSPHRASE);
        const r = c.run("stack.sh", ["--stack", "staging", "preview"]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("opens Pulumi.staging.yaml but not its secure values of minimarket:slackWebhookUrl");
        expect(r.stderr).to.include("`scripts/stack.sh --stack staging config set --secret <key>` (it prompts)");
        expect(c.calls()).to.deep.equal([]);
    });

    it("CI's passphrase from the environment is checked the same way", () => {
        const c = clone();
        const env = { PULUMI_BACKEND_URL: TEAM_BACKEND, PULUMI_CONFIG_PASSPHRASE: "a stale CI secret" };
        const r = c.run("stack.sh", ["--stack", "staging", "up", "--yes"], { env });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("cannot decrypt Pulumi.staging.yaml");
        const ok = c.run("stack.sh", ["--stack", "staging", "preview"], { env: { ...env, PULUMI_CONFIG_PASSPHRASE: TEAM_PASSPHRASE } });
        expect(ok.status, ok.stderr).to.equal(0);
        expect(c.pulumiCalls().pop()).to.deep.include({ backend: TEAM_BACKEND, passEnv: true, dockerHost: TEAM_HOST });
    });
});

describe("the entry point on your own stack: every later command in the same context", function () {
    this.timeout(300_000);
    let c: Clone;
    let passfile: string;
    before(() => {
        c = clone();
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status, r.stderr).to.equal(0);
        passfile = path.join(c.mm, `${PERSONAL}.passphrase`);
    });
    const since = (n: number) => c.calls().slice(n);
    const own = { backend: "", passfile: "" };
    beforeEach(() => Object.assign(own, { backend: `file://${c.mm}/state`, passfile }));

    it("preview, outputs and config: pulumi with your stack, backend and passphrase; `config set --secret KEY` prompts", () => {
        const n = c.calls().length;
        expect(c.run("stack.sh", ["preview"]).status).to.equal(0);
        expect(c.run("stack.sh", ["stack", "output", "--show-secrets"]).status).to.equal(0);
        expect(c.run("stack.sh", ["config", "set", "--secret", "dockerHubToken"], { input: "dckr_pat_secret\n" }).status).to.equal(0);
        const calls = since(n).filter((x) => (x.tool === "pulumi" && x.args[0] !== "stack") || x.args[1] === "output");
        const pulumi = calls.filter((x) => !(x.args[0] === "config" && x.args[1] === "get"));
        expect(pulumi.map((p) => p.args.join(" "))).to.deep.equal([
            `preview --stack ${PERSONAL}`,
            `stack output --stack ${PERSONAL} --show-secrets`,
            `config set --stack ${PERSONAL} --secret dockerHubToken`,
        ]);
        for (const p of pulumi) expect(p).to.deep.include(own);
        expect(JSON.stringify(c.calls())).not.to.include("dckr_pat_secret");
    });

    it("smoke: the checks of your stack, with its backend, passphrase and daemon", () => {
        const n = c.calls().length;
        expect(c.run("stack.sh", ["smoke", "--timeout", "5"]).status).to.equal(0);
        const npm = since(n).find((x) => x.tool === "npm")!;
        expect(npm.args).to.deep.equal(["run", "--silent", "smoke", "--", "--stack", PERSONAL, "--timeout", "5"]);
        expect(npm).to.deep.include({ ...own, dockerHost: "unix:///var/run/docker.sock" });
    });

    it("backup and restore: the backup container of your stack's environment, on your stack's daemon, also when called directly", () => {
        const n = c.calls().length;
        expect(c.run("stack.sh", ["backup", "list"]).status).to.equal(0);
        expect(c.run("backup-staging.sh", ["list"]).status).to.equal(0);
        expect(c.run("restore-staging.sh", ["--list"]).status).to.equal(0);
        const execs = since(n).filter((x) => x.tool === "docker" && x.args[0] === "exec");
        expect(execs.map((e) => e.args.slice(0, 2))).to.deep.equal([
            ["exec", `minimarket-${PERSONAL}-backup`],
            ["exec", `minimarket-${PERSONAL}-backup`],
            ["exec", `minimarket-${PERSONAL}-backup`],
        ]);
        for (const e of execs) expect(e.dockerHost).to.equal("unix:///var/run/docker.sock");
    });

    it("maintenance on and off: the setting through config, then `up` (its preview shows the proxy change)", () => {
        const n = c.calls().length;
        expect(c.run("stack.sh", ["maintenance", "on", "--message", "Back at 14:00", "--yes"]).status).to.equal(0);
        expect(c.run("stack.sh", ["maintenance", "off", "--yes"]).status).to.equal(0);
        const changes = since(n)
            .filter((x) => x.tool === "pulumi" && (x.args[0] === "up" || (x.args[0] === "config" && x.args[1] === "set")))
            .map((x) => x.args.join(" "));
        expect(changes).to.deep.equal([
            `config set --path maintenance.message Back at 14:00 --stack ${PERSONAL}`,
            `config set --path maintenance.enabled true --stack ${PERSONAL}`,
            `up --stack ${PERSONAL} --yes`,
            `config set --path maintenance.enabled false --stack ${PERSONAL}`,
            `up --stack ${PERSONAL} --yes`,
        ]);
    });

    it("rollback: the image the service ran before, from the stack's history, set through config, then `up`", () => {
        const services = (image: string) => ({ value: JSON.stringify({ dashboard: { image } }), objectValue: { dashboard: { image } }, secret: false });
        const history = [
            {
                version: 4,
                kind: "update",
                result: "succeeded",
                startTime: "2026-11-20T10:00:00Z",
                config: { "minimarket:services": services("r.example/dashboard:1.9.3") },
            },
            { version: 3, kind: "update", result: "failed", config: { "minimarket:services": services("r.example/dashboard:1.9.9") } },
            { version: 2, kind: "refresh", result: "succeeded", config: { "minimarket:services": services("r.example/dashboard:0.1.0") } },
            {
                version: 1,
                kind: "update",
                result: "succeeded",
                startTime: "2026-11-19T09:00:00Z",
                config: { "minimarket:services": services("r.example/dashboard:1.9.2") },
            },
        ];
        const file = path.join(c.root, "..", "history.json");
        fs.writeFileSync(file, JSON.stringify(history));
        const n = c.calls().length;
        const r = c.run("stack.sh", ["rollback", "dashboard", "--yes"], { env: { FAKE_HISTORY: file } });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.include("rollback: dashboard: r.example/dashboard:1.9.3 → r.example/dashboard:1.9.2 (what update 1 of 2026-11-19T09:00:00Z ran)");
        const pulumi = since(n)
            .filter((x) => x.tool === "pulumi" && !(x.args[0] === "config" && x.args[1] === "get") && x.args[0] !== "version")
            .map((x) => x.args.join(" "));
        expect(pulumi).to.deep.equal([
            `stack select --create ${PERSONAL} --secrets-provider passphrase`,
            `stack history --json --page-size 100 --stack ${PERSONAL}`,
            `config set --path services.dashboard.image r.example/dashboard:1.9.2 --stack ${PERSONAL}`,
            `up --stack ${PERSONAL} --yes`,
        ]);

        const nothing = c.run("stack.sh", ["rollback", "ml-service"], { env: { FAKE_HISTORY: file } });
        expect(nothing.status).to.equal(1);
        expect(nothing.stderr).to.include(
            "ml-service has run its demo stand-in in every update of the history read (2); there is no earlier image; nothing was changed",
        );
    });

    it("context: says which stack, backend, passphrase file and daemon, and no secret", () => {
        const r = c.run("stack.sh", ["context"]);
        expect(r.status).to.equal(0);
        expect(r.stdout).to.include(`stack:      ${PERSONAL} (your own)`);
        expect(r.stdout).to.include(`backend:    file://${c.mm}/state`);
        expect(r.stdout).to.include(`passphrase: ${passfile}`);
        expect(r.stdout).not.to.include(fs.readFileSync(passfile, "utf8"));
    });
});

describe("the passphrase check (scripts/lib/stack-secrets.js) against Pulumi's own test vector", function () {
    this.timeout(60_000);
    const committed = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.staging.yaml"), "utf8");

    it("opens the salt and every secure value with the right passphrase, and names what another one cannot open", () => {
        const file = teamStagingFile(committed);
        expect(stackFileSecrets(file).secure.map((s) => s.key)).to.deep.equal(["minimarket:slackWebhookUrl"]);
        expect(checkStackFile(file, TEAM_PASSPHRASE)).to.deep.equal({ result: "ok", keys: [] });
        expect(checkStackFile(file, "TestConfigRoundtripComment")).to.deep.equal({ result: "wrong-passphrase", keys: [] });
        expect(checkStackFile(teamStagingFile(committed, { secure: foreignSecureValue() }), TEAM_PASSPHRASE)).to.deep.equal({
            result: "unreadable-values",
            keys: ["minimarket:slackWebhookUrl"],
        });
        // pkg/secrets/passphrase/manager_test.go: this state opens with "password".
        const other = "encryptionsalt: v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==\n";
        expect(checkStackFile(other, "password").result).to.equal("ok");
        expect(checkStackFile(committed, "anything").result, "nothing to check without a salt").to.equal("no-salt");
        expect(checkStackFile("encryptionsalt: v2:abc\n", TEAM_PASSPHRASE).result).to.equal("wrong-passphrase");
    });
});
