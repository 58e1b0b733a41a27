// Golden tests of the whole comment. Expected Markdown is committed in test/preview/golden/;
// regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GITHUB_LIMIT } from "../../scripts/preview/comment";
import { fingerprinter } from "../../scripts/preview/envDiff";
import { buildReport, StackFiles } from "../../scripts/preview/report";
import { CANARIES, FIXTURES, generateLarge, TEST_KEY } from "./fixtures";

const GOLDEN = path.join(__dirname, "golden");
const REPO = path.join(__dirname, "..", "..");

export function buildCase(root: string, name: string, stack = "staging"): { body: string; hasChanges: boolean } {
    const dir = path.join(root, name);
    const file = (f: string) => (fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : undefined);
    const stacks: StackFiles[] = [
        { stack, preview: path.join(dir, `${stack}.preview.json`), state: file(`${stack}.state.json`), plan: file(`${stack}.plan.json`) },
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

    it("one image bump: the container is replaced because of its image", () => {
        const { body } = buildCase(FIXTURES, "image-bump");
        checkGolden("image-bump", body);
        expect(body).to.match(/\| staging \| 1 \| 0 \| 2 \| 1 \|/);
        expect(body).to.include("**replace** `agente-deposito` <sub>docker:index/container:Container</sub>: `image` (forces replacement)");
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
        expect(body).to.include("> - staging: **replace** `postgres-data` <sub>docker:index/volume:Volume</sub>: `name` (forces replacement)");
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
            expect(body).to.include("| prod | 0 | 400 | 0 | 0 |");
            expect(body).to.match(/trimmed to fit GitHub's comment size limit: \d+ more lines/);
            // Every opened block is closed.
            expect(body.split("<details>").length).to.equal(body.split("</details>").length);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("no canary secret value appears in any golden comment", () => {
        for (const f of fs.readdirSync(GOLDEN)) {
            const text = fs.readFileSync(path.join(GOLDEN, f), "utf8");
            for (const c of Object.values(CANARIES)) expect(text, `${f} holds ${c.slice(0, 10)}…`).not.to.include(c);
            expect(text).not.to.include("CANARY");
        }
    });
});
