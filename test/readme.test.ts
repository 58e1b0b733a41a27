// The README is the operator's manual: short (at most 300 lines), with a table of contents, the two
// commands first, and links that resolve. The reference it links to must be complete: every config
// key and secret the program reads (docs/configuration.md, its table generated from the schema),
// and every dashboard panel people will see (docs/observability.md).

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { dashboards, listPanels } from "../renderers/observability";
import { topLevelKeys } from "../config";
import { configTable, TABLE_PAGE, withConfigTable } from "../config/table";
import { secretNames } from "../facts/secrets";
import { updateConfigTable } from "../scripts/config-table";
import { makeTempDir } from "./support/processes";

const root = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const configuration = fs.readFileSync(path.join(root, TABLE_PAGE), "utf8");
const observability = fs.readFileSync(path.join(root, "docs", "observability.md"), "utf8");

/** Every page under docs/, as `docs/<path>.md`. */
const docsPages = (): string[] =>
    (fs.readdirSync(path.join(root, "docs"), { recursive: true }) as string[]).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchor = (heading: string) =>
    heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");

describe("README", () => {
    it("opens with the two commands: deploy staging, run the tests", () => {
        const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1].trim().split("\n");
        expect(firstBlock[0]).to.match(/^bash scripts\/up-staging\.sh\b/);
        expect(firstBlock[1]).to.match(/^npm test\b/);
        expect(fs.readFileSync(path.join(root, ".ci", "run"), "utf8")).to.match(/^npm test$/m);
    });

    it("is at most 300 lines, with a table of contents that links every section", () => {
        expect(readme.trimEnd().split("\n").length).to.be.at.most(300);
        const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]).filter((h) => h !== "Contents");
        expect(sections.length).to.be.greaterThan(5);
        const contents = /^## Contents\n([\s\S]*?)\n## /m.exec(readme)?.[1] ?? "";
        for (const h of sections) expect(contents, h).to.include(`(#${anchor(h)})`);
    });

    it("links only to files that exist, and to every docs page", () => {
        const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
        expect(links.filter((l) => !fs.existsSync(path.join(root, l)))).to.deep.equal([]);
        const pages = fs
            .readdirSync(path.join(root, "docs"))
            .filter((f) => f.endsWith(".md"))
            .map((f) => `docs/${f}`);
        expect(pages.filter((p) => !links.includes(p))).to.deep.equal([]);
    });

    it("never puts a secret value on a command line: `--secret KEY` is the end of the line", () => {
        for (const [file, text] of [["README.md", readme], ...docsPages().map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")])]) {
            const offending = [...text.matchAll(/config set --secret (?:--path )?'?[\w<][\w.<>-]*'? +[^\s`#|)(]/g)].map((m) => m[0]);
            expect(offending, file).to.deep.equal([]);
        }
    });
});

describe("the operator's pages", () => {
    // CI's pages describe what the workflows run on their own stacks; research and contributor
    // pages quote commands as found.
    const notForOperators =
        /^docs\/(?:research\/|ci\.md|ci-integration\.md|testing\.md|mutation\.md|architecture\.md|upstream-tools\.md|engine-tests\.md|renovate\.md)/;

    it("give every command on a stack through scripts/stack.sh, never a bare `pulumi` without its context", () => {
        const bare: string[] = [];
        for (const file of ["README.md", ...docsPages().filter((f) => !notForOperators.test(f))]) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            // A block that sets the backend itself (the removal of an old local stack) has its context.
            const blocks = [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => !/PULUMI_BACKEND_URL=/.test(b));
            const spans = [...text.replace(/```[\s\S]*?```/g, "").matchAll(/`(pulumi [^`]+)`/g)].map((m) => m[1]);
            const lines = blocks.flatMap((b) => b.split("\n")).map((l) => l.trim());
            // `pulumi up` alone names the operation; with arguments it is a command to type.
            for (const cmd of [...spans, ...lines]) if (/^pulumi [a-z-]+ \S/.test(cmd)) bare.push(`${file}: ${cmd}`);
        }
        expect(bare).to.deep.equal([]);
    });
});

describe("docs/configuration.md", () => {
    it("shows the config table generated from the schema (`npm run config-table` rewrites it)", () => {
        expect(configuration).to.include(configTable());
        expect(withConfigTable(configuration)).to.equal(configuration);
    });

    it("`npm run config-table` says whether it changed anything", () => {
        const file = path.join(makeTempDir("config-table"), "configuration.md");
        fs.writeFileSync(file, configuration.replace(configTable(), configTable().replace("| `platform` |", "| `platfrom` |")));
        expect(updateConfigTable(file)).to.equal("updated");
        expect(fs.readFileSync(file, "utf8")).to.equal(configuration);
        expect(updateConfigTable(file)).to.equal("unchanged");
    });

    it("documents every config key", () => {
        const undocumented = [...topLevelKeys].filter((k) => !secretNames.includes(k as never) && !configuration.includes(`\`${k}`));
        expect(undocumented).to.deep.equal([]);
    });

    it("documents every generated secret", () => {
        const undocumented = secretNames.filter((k) => !configuration.includes(k));
        expect(undocumented).to.deep.equal([]);
    });
});

describe("docs/observability.md", () => {
    it("lists every dashboard and panel", () => {
        for (const d of dashboards()) {
            expect(observability, d.uid).to.include(`(\`${d.uid}\`)`);
            for (const p of listPanels(d.model)) expect(observability, `${d.uid}: ${p.title}`).to.include(`| ${p.title} |`);
        }
    });
});
