import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./support/processes";

const { staleReason } = require("../scripts/ensure-deps.js") as { staleReason(root: string): string | undefined };

describe("npm test on a fresh clone (pretest: scripts/ensure-deps.js)", () => {
    it("installs when node_modules is missing, or older than package-lock.json, and not otherwise", () => {
        const root = makeTempDir("ensure-deps");
        fs.writeFileSync(path.join(root, "package-lock.json"), "{}");
        expect(staleReason(root)).to.match(/node_modules is missing/);

        fs.mkdirSync(path.join(root, "node_modules"));
        const installed = path.join(root, "node_modules", ".package-lock.json");
        fs.writeFileSync(installed, "{}");
        const now = Date.now() / 1000;
        fs.utimesSync(path.join(root, "package-lock.json"), now - 60, now - 60);
        fs.utimesSync(installed, now, now);
        expect(staleReason(root)).to.equal(undefined);

        fs.utimesSync(path.join(root, "package-lock.json"), now + 60, now + 60);
        expect(staleReason(root)).to.match(/package-lock.json changed/);
    });

    it("runs before the tests", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
        expect(pkg.scripts.pretest).to.equal("node scripts/ensure-deps.js");
    });
});
