// Canary secrets through the whole path: preview JSON, state export and plan with --show-secrets
// plaintext, the real render of base and head, the env diff, the CLI's files and its log.

import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containerEnvChanges, fingerprinter } from "../../scripts/preview/envDiff";
import { parsePreview, resourceChanges } from "../../scripts/preview/previewJson";
import { assertNoSecrets, SecretClassifier } from "../../scripts/preview/secretNames";
import { StackValues } from "../../scripts/preview/secretValues";
import { requireBinaries, which } from "../support/tools";
import { CANARIES, FIXTURES, TEST_KEY } from "./fixtures";

const REPO = path.join(__dirname, "..", "..");

function expectNoCanary(what: string, text: string): void {
    for (const c of Object.values(CANARIES)) expect(text.includes(c), `${what} holds a canary secret`).to.equal(false);
}

describe("preview comment: no secret leaks", function () {
    this.timeout(300_000);
    let clone: string;
    let work: string;

    before(function () {
        const gitBin = requireBinaries(this, ["git"]).git;
        // A clone of the committed HEAD, so the base worktree is added there, not in this checkout.
        work = fs.mkdtempSync(path.join(os.tmpdir(), "preview-leak-"));
        clone = path.join(work, "repo");
        execFileSync(gitBin, ["clone", "--quiet", "--no-hardlinks", REPO, clone]);
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(clone, "node_modules"), "dir");
        // The head lowers an alert threshold in the renderer's code: only the base's own code renders 0.05.
        const rules = path.join(clone, "renderers", "observability", "alertDefinitions.ts");
        fs.writeFileSync(rules, fs.readFileSync(rules, "utf8").replace("errorRatio} > 0.05", "errorRatio} > 0.03"));
        const git = (...a: string[]) => execFileSync(gitBin, ["-C", clone, "-c", "user.name=t", "-c", "user.email=t@t", ...a]);
        git("commit", "--quiet", "-am", "lower the error-rate threshold");
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("the CLI (preview + state + plan + events + real render of base and head, and a failed preview's log) prints and writes no canary", () => {
        const out = path.join(work, "out");
        const f = (c: string, n: string) => path.join(FIXTURES, c, n);
        const args = [
            "--stack",
            "staging",
            "--preview",
            f("secret-rotation", "staging.preview.json"),
            "--state",
            f("secret-rotation", "staging.state.json"),
            "--plan",
            f("secret-rotation", "staging.plan.json"),
            "--events",
            f("policy-violation", "staging.events.jsonl"),
            // prod's preview failed: its log repeats secrets, some known from its state export, some not.
            "--stack",
            "prod",
            "--failed",
            "pulumi preview",
            "--log",
            f("failed-preview", "prod.stderr.txt"),
            "--state",
            f("failed-preview", "prod.state.json"),
            "--base",
            "HEAD~1",
            "--repo",
            clone,
            "--out",
            out,
        ];
        const res = spawnSync(
            path.join(REPO, "node_modules", ".bin", "ts-node"),
            ["--transpile-only", path.join(REPO, "scripts", "preview-comment.ts"), ...args],
            {
                cwd: clone,
                encoding: "utf8",
                env: { ...process.env, PREVIEW_FINGERPRINT_KEY: TEST_KEY },
            },
        );
        expect(res.status, res.stderr).to.equal(0);
        const body = fs.readFileSync(path.join(out, "comment.md"), "utf8");
        expect(body).to.include("`DASHBOARD_API_KEY` | secret changed");
        expect(body).to.include("#### Generated config files");
        expect(body).to.include("-        expr: service:http_errors:ratio_rate5m > 0.05");
        expect(body).to.include("+        expr: service:http_errors:ratio_rate5m > 0.03");
        expect(body).to.include("**prod: the preview failed** at <code>pulumi preview</code>");
        expect(body).to.include("POSTGRES_PASSWORD=[secret] was refused");
        expect(body).to.include("`data-services-publish-no-host-port`");
        expect(JSON.parse(fs.readFileSync(path.join(out, "comment.json"), "utf8"))).to.deep.equal({ hasChanges: true, failed: true, violations: 3 });
        for (const [what, text] of [
            ["comment", body],
            ["comment.json", fs.readFileSync(path.join(out, "comment.json"), "utf8")],
            ["stdout", res.stdout],
            ["stderr", res.stderr],
        ]) {
            expectNoCanary(what, text);
        }
        // The base worktree is gone again.
        expect(
            execFileSync(which("git") ?? "git", ["-C", clone, "worktree", "list"], { encoding: "utf8" })
                .trim()
                .split("\n"),
        ).to.have.length(1);
    });

    it("hides a plain-named variable whose value repeats a secret, and a URL with credentials", () => {
        const digest = parsePreview(fs.readFileSync(path.join(FIXTURES, "secret-rotation", "staging.preview.json"), "utf8"));
        const changes = resourceChanges(digest);
        const urn = changes[0].urn;
        const env = (extra: string[]) => ({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            plaintext: JSON.stringify([`DASHBOARD_API_KEY=${CANARIES.apiKeyNew}`, ...extra]),
        });
        const values = new StackValues(
            { deployment: { resources: [{ urn, type: "docker:index/container:Container", inputs: { envs: env(["NOTE=a", "UPSTREAM=http://x"]) } }] } },
            {
                resourcePlans: {
                    [urn]: {
                        goal: { inputDiff: { updates: { envs: env([`NOTE=${CANARIES.apiKeyNew}`, `UPSTREAM=https://bob:${CANARIES.weak}@example.com`]) } } },
                    },
                },
            },
        );
        const result = containerEnvChanges(changes, values, new SecretClassifier([], []), fingerprinter(TEST_KEY));
        const text = JSON.stringify(result);
        expectNoCanary("env diff", text);
        expect(text).to.include('"name":"NOTE","change":"changed","secret":true');
        expect(text).to.include('"name":"UPSTREAM","change":"changed","secret":true');
    });

    it("refuses to write a comment that contains a known secret", () => {
        expect(() => assertNoSecrets(`rendered: ${CANARIES.pgAdmin}`, [CANARIES.pgAdmin])).to.throw(/refusing to write the comment/);
        expect(() => assertNoSecrets("nothing here", [CANARIES.pgAdmin])).not.to.throw();
    });

    it("fingerprints are keyed: not a plain hash, different under another key, short keys refused", () => {
        const fp = fingerprinter(TEST_KEY)(CANARIES.weak);
        expect(fp).to.match(/^[0-9a-f]{12}$/);
        expect(createHash("sha256").update(CANARIES.weak).digest("hex")).not.to.include(fp);
        expect(fingerprinter("another-key-of-sufficient-length-0000")(CANARIES.weak)).not.to.equal(fp);
        expect(() => fingerprinter("short")).to.throw(/at least 32/);
    });
});
