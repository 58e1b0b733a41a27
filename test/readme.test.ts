// The README is the operator's manual: it must list every config key and secret the program
// reads, and every dashboard panel people will see.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { dashboards, listPanels } from "../renderers/observability";
import { topLevelKeys } from "../config";
import { configTable, withConfigTable } from "../config/table";
import { secretNames } from "../facts/secrets";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
    it("opens with the two commands: deploy staging, run the tests", () => {
        const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1].trim().split("\n");
        expect(firstBlock[0]).to.match(/^bash scripts\/up-staging\.sh\b/);
        expect(firstBlock[1]).to.match(/^npm test\b/);
        expect(fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8")).to.match(/^npm test$/m);
    });

    it("shows the config table generated from the schema (`npm run config-table` rewrites it)", () => {
        expect(readme).to.include(configTable());
        expect(withConfigTable(readme)).to.equal(readme);
    });

    it("documents every config key", () => {
        const undocumented = [...topLevelKeys].filter((k) => !secretNames.includes(k as never) && !readme.includes(`\`${k}`));
        expect(undocumented).to.deep.equal([]);
    });

    it("documents every generated secret", () => {
        const undocumented = secretNames.filter((k) => !readme.includes(k));
        expect(undocumented).to.deep.equal([]);
    });

    it("lists every dashboard and panel", () => {
        for (const d of dashboards()) {
            expect(readme, d.uid).to.include(`(\`${d.uid}\`)`);
            for (const p of listPanels(d.model)) expect(readme, `${d.uid}: ${p.title}`).to.include(`| ${p.title} |`);
        }
    });
});
