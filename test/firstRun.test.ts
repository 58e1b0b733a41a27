// The README's two commands on a clean copy of the repository (no node_modules), as a newcomer
// runs them: each must install the locked packages before anything else can stop it. `npm`,
// `docker` and `pulumi` are stand-ins on PATH that record their calls in order.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./support/processes";

const repo = path.join(__dirname, "..");
/** What a fresh clone does not have: installed packages, git metadata, local outputs. */
const NOT_IN_A_CLONE = new Set(["node_modules", ".git", "rendered", "reports", ".stryker-tmp"]);

function cleanCopy(): { root: string; bin: string; log: string } {
    const base = makeTempDir("first-run");
    const root = path.join(base, "minimarket");
    fs.cpSync(repo, root, { recursive: true, filter: (src) => !NOT_IN_A_CLONE.has(path.basename(src)) || path.dirname(src) !== repo });
    const bin = path.join(base, "bin");
    fs.mkdirSync(bin);
    const log = path.join(base, "calls.log");
    const stand = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`, { mode: 0o755 });
    // `npm ci` leaves what a real install leaves behind: node_modules/.package-lock.json.
    stand("npm", 'if [ "$1" = ci ]; then mkdir -p node_modules && echo "{}" > node_modules/.package-lock.json; fi\nexit 0');
    stand("docker", 'case "$1" in context) echo unix:///var/run/docker.sock ;; info) exit 1 ;; esac\nexit 0');
    stand("pulumi", "exit 0");
    return { root, bin, log };
}

function run(copy: { root: string; bin: string }, command: string) {
    const env = { PATH: `${copy.bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: path.join(copy.root, "..", "home") };
    return spawnSync("bash", ["-c", command], { cwd: copy.root, env, encoding: "utf8", timeout: 60_000 });
}

const calls = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);

describe("the README's two commands on a clean copy of the repository", () => {
    it("the deploy command installs the packages before it checks Docker and Pulumi (and stops there when Docker is down)", () => {
        const copy = cleanCopy();
        expect(fs.existsSync(path.join(copy.root, "node_modules"))).to.equal(false);
        const r = run(copy, "bash scripts/up-staging.sh --yes");
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stderr).to.contain("is not answering");
        const log = calls(copy.log);
        expect(log[0]).to.match(/^npm ci\b/);
        expect(log.slice(1).some((l) => l.startsWith("docker info"))).to.equal(true);
        expect(fs.existsSync(path.join(copy.root, "node_modules", ".package-lock.json"))).to.equal(true);
    });

    it("the test command's first step (npm's pretest) installs the packages, and only once", () => {
        const copy = cleanCopy();
        const pkg = JSON.parse(fs.readFileSync(path.join(copy.root, "package.json"), "utf8"));
        const first = run(copy, pkg.scripts.pretest);
        expect(first.status, first.stderr).to.equal(0);
        expect(calls(copy.log)).to.deep.equal(["npm ci --no-audit --no-fund"]);
        const again = run(copy, pkg.scripts.pretest);
        expect(again.status, again.stderr).to.equal(0);
        expect(calls(copy.log)).to.have.length(1);
    });
});
