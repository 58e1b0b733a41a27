// Bad input to the comment builder is an error that says what is wrong and how to fix it, before
// anything is written: no base, a file that is not a preview, a stack named twice, and the rest.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkBase, parseArgs } from "../../scripts/preview-comment";
import { parsePreview } from "../../scripts/preview/previewJson";
import { parsePolicyEvents } from "../../scripts/preview/policyEvents";
import { FIXTURES } from "./fixtures";

const REPO = path.join(__dirname, "..", "..");
const preview = path.join(FIXTURES, "image-bump", "staging.preview.json");

describe("preview comment: bad input is an error", () => {
    it("--base is required (it said 'No changes' for a real change without it)", () => {
        expect(() => parseArgs(["--stack", "staging", "--preview", preview])).to.throw(
            /--base is required: the git revision the pull request is compared with/,
        );
    });

    it("a stack named twice", () => {
        expect(() => parseArgs(["--base", "main", "--stack", "staging", "--preview", preview, "--stack", "staging", "--preview", preview])).to.throw(
            /stack staging is named twice/,
        );
    });

    it("a stack without a preview, with both a preview and a failure, a failure without its log, files before any --stack", () => {
        expect(() => parseArgs(["--base", "main", "--stack", "staging"])).to.throw(/stack staging has no --preview \(or --failed <step> --log <file>\)/);
        expect(() => parseArgs(["--base", "main", "--stack", "staging", "--preview", preview, "--failed", "pulumi preview", "--log", "x"])).to.throw(
            /both --preview and --failed/,
        );
        expect(() => parseArgs(["--base", "main", "--stack", "prod", "--failed", "pulumi preview"])).to.throw(/--failed needs --log/);
        expect(() => parseArgs(["--base", "main", "--stack", "prod", "--preview", preview, "--log", "x"])).to.throw(/--log belongs to --failed/);
        expect(() => parseArgs(["--preview", preview, "--stack", "staging", "--base", "main"])).to.throw(/--preview must follow --stack/);
        expect(() => parseArgs(["--base", "main"])).to.throw(/no --stack given/);
        expect(() => parseArgs(["--base"])).to.throw(/--base needs a value/);
        expect(() => parseArgs(["--base", "main", "--stack", "staging", "--preview", preview, "--verbose", "1"])).to.throw(/unknown argument --verbose/);
    });

    it("a preview file that is not `pulumi preview --json` output: {}, text, another stack's preview", () => {
        const file = { stack: "staging", file: "staging.preview.json" };
        expect(() => parsePreview("{}", file)).to.throw(
            /staging\.preview\.json is not the output of `pulumi preview --json`: it has no step for the stack itself/,
        );
        expect(() => parsePreview('{"steps": [], "changeSummary": {}}', file)).to.throw(/no step for the stack itself \(pulumi:pulumi:Stack\)/);
        expect(() => parsePreview("Previewing update (staging):\n  + 3 to create", file)).to.throw(
            /is not JSON .*; it must be the output of `pulumi preview --json`/,
        );
        expect(() => parsePreview("[]", file)).to.throw(/must be a JSON object/);
        const text = fs.readFileSync(preview, "utf8");
        expect(() => parsePreview(text.replace('"changeSummary"', '"summary"'), file)).to.throw(/it has no changeSummary/);
        expect(() => parsePreview(text, { stack: "prod", file: "prod.preview.json" })).to.throw(/prod\.preview\.json is a preview of stack staging, not prod/);
        expect(() => parsePreview(text, file)).not.to.throw();
    });

    it("a base that is not a commit, and an event log that is not one", () => {
        expect(() => checkBase(REPO, "no-such-revision-0000")).to.throw(/--base no-such-revision-0000 is not a commit of .*; fetch it first/);
        expect(() => checkBase(REPO, "HEAD")).not.to.throw();
        expect(() => parsePolicyEvents('{"sequence": 0}\nnot json\n', "events.jsonl")).to.throw(/events\.jsonl:2 is not an engine event/);
    });

    it("the CLI stops with the message and writes nothing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-input-"));
        try {
            fs.writeFileSync(path.join(dir, "empty.json"), "{}");
            const res = spawnSync(
                path.join(REPO, "node_modules", ".bin", "ts-node"),
                [
                    "--transpile-only",
                    path.join(REPO, "scripts", "preview-comment.ts"),
                    "--base",
                    "HEAD",
                    "--stack",
                    "staging",
                    "--preview",
                    path.join(dir, "empty.json"),
                    "--out",
                    path.join(dir, "out"),
                ],
                { cwd: REPO, encoding: "utf8" },
            );
            expect(res.status).to.equal(1);
            expect(res.stderr).to.match(/^preview-comment: .*empty\.json is not the output of `pulumi preview --json`/m);
            expect(fs.existsSync(path.join(dir, "out"))).to.equal(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
