// Golden tests of the whole comment. Expected Markdown is committed in test/preview/golden/;
// regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommentResult, GITHUB_LIMIT } from "../../scripts/preview/comment";
import { fingerprinter } from "../../scripts/preview/envDiff";
import { buildReport, StackFiles } from "../../scripts/preview/report";
import { CANARIES, FIXTURES, generateLarge, TEST_KEY } from "./fixtures";

const GOLDEN = path.join(__dirname, "golden");
const REPO = path.join(__dirname, "..", "..");

export function buildCase(root: string, name: string, stack = "staging"): CommentResult {
    const dir = path.join(root, name);
    const file = (f: string) => (fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : undefined);
    const failed = file(`${stack}.stderr.txt`);
    const stacks: StackFiles[] = [
        {
            stack,
            ...(failed ? { failed: { step: "pulumi preview", log: failed } } : { preview: path.join(dir, `${stack}.preview.json`) }),
            state: file(`${stack}.state.json`),
            plan: file(`${stack}.plan.json`),
            events: file(`${stack}.events.jsonl`),
        },
    ];
    return buildReport({
        stacks,
        repoDir: REPO,
        base: "0123abc",
        fingerprint: fingerprinter(TEST_KEY),
        trees: { [stack]: { base: path.join(dir, "base"), head: path.join(dir, "head") } },
    });
}

function checkGolden(name: string, body: string): void {
    const file = path.join(GOLDEN, `${name}.md`);
    if (process.env.UPDATE_GOLDEN === "1") {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, body);
    }
    expect(fs.existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 once and review it`).to.equal(true);
    expect(body).to.equal(fs.readFileSync(file, "utf8"));
}

describe("preview comment (golden)", () => {
    it("one secret rotated: name and fingerprint only, plain change old -> new", () => {
        const { body, hasChanges } = buildCase(FIXTURES, "secret-rotation");
        checkGolden("secret-rotation", body);
        expect(hasChanges).to.equal(true);
        expect(body).to.match(/`DASHBOARD_API_KEY` \| secret changed, new value fingerprint <code>[0-9a-f]{12}<\/code>/);
        expect(body).to.include("<code>INFO</code> → <code>DEBUG</code>");
        expect(body).not.to.include("DATABASE_URL"); // unchanged variables are not listed
    });

    it("one image bump: the container is replaced because of its image, which reads 1.4.2 → 1.5.0 outside any resource name", () => {
        const { body } = buildCase(FIXTURES, "image-bump");
        checkGolden("image-bump", body);
        expect(body).to.match(/\| staging \| 1 \| 0 \| 2 \| 1 \| all 20 pass \|/);
        expect(body).to.include(
            "**replace** `agente-deposito` <sub>docker:index/container:Container</sub>: `image` registry.example.com/minimarket/agente-deposito <code>1.4.2</code> → <code>1.5.0</code> (forces replacement), `memory` <code>512</code> → <code>768</code>",
        );
        // The versions appear in the generated resource names too; they must also appear elsewhere.
        const withoutNames = body.replace(/`[^`]*`/g, "");
        expect(withoutNames).to.include("1.4.2").and.include("1.5.0");
        expect(withoutNames.replace(/<[^>]+>/g, "")).to.include("agente-deposito 1.4.2 → 1.5.0");
        expect(body).to.include("`triggers` [0] <code>agente-deposito-c0ffee</code> → (known after deploy) (forces replacement)");
        expect(body).to.include("All 20 policies pass on staging.");
        expect(body).not.to.include("[!CAUTION]");
    });

    it("an alert threshold change: the rule file diff shows the old and new expression", () => {
        const { body } = buildCase(FIXTURES, "alert-threshold");
        checkGolden("alert-threshold", body);
        expect(body).to.include("-        expr: service:http_errors:ratio_rate5m > 0.05");
        expect(body).to.include("+        expr: service:http_errors:ratio_rate5m > 0.03");
        expect(body).to.include("<details><summary><code>prometheus/etc/prometheus/rules/alerts.yml</code> changed (+2 −2)</summary>");
    });

    it("PostgreSQL's volume replaced: flagged at the top", () => {
        const { body } = buildCase(FIXTURES, "postgres-volume");
        checkGolden("postgres-volume", body);
        const caution = body.indexOf("[!CAUTION]");
        expect(caution).to.be.greaterThan(0);
        expect(caution).to.be.lessThan(body.indexOf("### staging"));
        expect(body).to.include(
            "> - staging: **replace** `postgres-data` <sub>docker:index/volume:Volume</sub>: `name` <code>minimarket-staging-pgdata</code> → <code>minimarket-staging-pgdata2</code> (forces replacement)",
        );
        expect(body).to.include("> - staging: **replace** `postgres` <sub>docker:index/container:Container</sub>");
    });

    it("no change: says so and asks for no comment", () => {
        const { body, hasChanges } = buildCase(FIXTURES, "no-change");
        checkGolden("no-change", body);
        expect(hasChanges).to.equal(false);
        expect(body).to.include("No changes");
    });

    it("a large preview is trimmed under GitHub's limit, summary kept, with a visible note", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "preview-large-"));
        try {
            generateLarge(root);
            const { body } = buildCase(root, "large", "prod");
            checkGolden("large", body);
            expect(body.length).to.be.lessThan(GITHUB_LIMIT);
            expect(body).to.include("| prod | 0 | 400 | 0 | 0 | not run (no event log) |");
            expect(body).to.include("update in place `exporter-000` <sub>docker:index/container:Container</sub>: `memory` <code>128</code> → <code>256</code>");
            expect(body).to.match(/trimmed to fit GitHub's comment size limit: \d+ more lines/);
            // Every opened block is closed.
            expect(body.split("<details>").length).to.equal(body.split("</details>").length);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("policy findings: mandatory first, then advisory, with the credentials the preview shows unmarked; never their values", () => {
        const { body, violations } = buildCase(FIXTURES, "policy-violation");
        checkGolden("policy-violation", body);
        expect(violations).to.equal(4);
        expect(body).to.include("| staging | 1 | 1 | 0 | 0 | **3 mandatory**, 1 advisory |");
        const lines = body.split("\n").filter((l) => /^- (\*\*mandatory\*\*|advisory) · /.test(l));
        expect(lines.map((l) => l.split(" · ")[1])).to.deep.equal([
            "`data-services-publish-no-host-port`",
            "`only-people-ports-published`",
            "`credentials-marked-secret`",
            "`images-pinned-outside-prod`",
        ]);
        expect(lines[0]).to.include(
            "`postgres` <sub>docker:index/container:Container</sub>: `postgres` publishes 0.0.0.0:5432-&gt;5432/tcp on the Docker host. Why:",
        );
        expect(lines[2]).to.include("`debug-shell` passes `PGPASSWORD` in plain text");
        expect(body.indexOf("### Policies")).to.be.lessThan(body.indexOf("### staging"));
        expect(body).to.include("`ports` [0] (unset) → <code>0.0.0.0:5432→5432/tcp</code>");
        expect(body).not.to.include(CANARIES.pgAdmin);
    });

    it("a failed preview: the stack, the step and the error lines, with every secret cut out", () => {
        const { body, failed, hasChanges } = buildCase(FIXTURES, "failed-preview", "prod");
        checkGolden("failed-preview", body);
        expect([failed, hasChanges]).to.deep.equal([true, false]);
        expect(body).to.include("| prod | **preview failed** |");
        expect(body).to.include("> **prod: the preview failed** at <code>pulumi preview</code>");
        expect(body).to.include("error: docker:index/container:Container resource 'postgres': POSTGRES_PASSWORD=[secret] was refused");
        expect(body).to.include("error: preview failed");
        expect(body).not.to.include("Previewing update (prod):");
        expect(body).not.to.include("\u001b");
        for (const c of Object.values(CANARIES)) expect(body).not.to.include(c);
    });

    it("no canary secret value appears in any golden comment", () => {
        for (const f of fs.readdirSync(GOLDEN)) {
            const text = fs.readFileSync(path.join(GOLDEN, f), "utf8");
            for (const c of Object.values(CANARIES)) expect(text, `${f} holds ${c.slice(0, 10)}…`).not.to.include(c);
            expect(text).not.to.include("CANARY");
        }
    });
});
