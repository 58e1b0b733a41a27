// docs/architecture.md describes the tree as it is: its table names every folder of the program
// and every module at the top of components/ and stacks/, names nothing that is gone, and its
// layer picture draws the layers in their order.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { LAYERS } from "./support/layers";

const root = path.join(__dirname, "..");
const doc = fs.readFileSync(path.join(root, "docs", "architecture.md"), "utf8");

/** The table's rows: first-column path → the row's text. */
function rows(markdown: string): Map<string, string> {
    const found = new Map<string, string>();
    for (const m of markdown.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)) found.set(m[1], m[2]);
    return found;
}

/** Folders of the program that hold TypeScript, and the modules directly in components/ and stacks/. */
function programParts(): { folders: string[]; modules: string[] } {
    const folders: string[] = [];
    const walk = (dir: string) => {
        const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
        if (entries.some((e) => e.isFile() && e.name.endsWith(".ts"))) folders.push(`${dir}/`);
        for (const e of entries) if (e.isDirectory()) walk(path.posix.join(dir, e.name));
    };
    for (const layer of LAYERS) walk(layer);
    const modules = ["components", "stacks"].flatMap((dir) =>
        fs
            .readdirSync(path.join(root, dir))
            .filter((f) => f.endsWith(".ts"))
            .map((f) => `${dir}/${f}`),
    );
    return { folders, modules };
}

describe("docs/architecture.md", () => {
    const table = rows(doc);

    it("names every folder of the program (in its own row, as `name/` in its parent's, or module by module) and every top-level module of components/ and stacks/", () => {
        const { folders, modules } = programParts();
        const named = (folder: string) => {
            if (table.has(folder)) return true;
            const own = fs.readdirSync(path.join(root, folder)).filter((f) => f.endsWith(".ts"));
            if (own.every((f) => table.has(`${folder}${f}`))) return true;
            const parent = `${path.posix.dirname(folder.slice(0, -1))}/`;
            return table.get(parent)?.includes(`\`${path.posix.basename(folder)}/\``) ?? false;
        };
        expect(folders.filter((f) => !named(f))).to.deep.equal([]);
        expect(modules.filter((m) => !table.has(m))).to.deep.equal([]);
    });

    it("names nothing that does not exist", () => {
        expect([...table.keys()].filter((p) => !fs.existsSync(path.join(root, p)))).to.deep.equal([]);
    });

    it("draws the layers top down in the order the layer test enforces", () => {
        const picture = /```\n([\s\S]*?)```/.exec(doc)![1];
        const lineOf = (layer: string) => picture.split("\n").findIndex((l) => new RegExp(`(^|\\s)${layer}/\\s`).test(l));
        const lines = LAYERS.map(lineOf);
        expect(
            lines.every((l) => l >= 0),
            `every layer drawn: ${LAYERS.join(", ")}`,
        ).to.equal(true);
        // facts at the bottom, stacks at the top; config and renderers on one line, between them.
        const [facts, config, renderers, components, stacks] = lines;
        expect(stacks).to.be.below(components);
        expect(components).to.be.below(renderers);
        expect(config).to.equal(renderers);
        expect(renderers).to.be.below(facts);
    });

    it("is linked from the README", () => {
        expect(fs.readFileSync(path.join(root, "README.md"), "utf8")).to.include("(docs/architecture.md)");
    });
});
