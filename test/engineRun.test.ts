// `npm run test:engine` without an engine: its mocha run (the command line of scripts/engine/test.sh,
// run as it is there) fails under CI and skips elsewhere, and either way ends with the count CI reads.
// The script itself would start an engine on a machine that can (root, dockerd installed); the
// engine tests' own run (docs/engine-tests.md) shows the other side.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.join(__dirname, "..");

/** The mocha line of scripts/engine/test.sh, as the script runs it. */
function mochaLine(): string {
    const line = fs
        .readFileSync(path.join(REPO, "scripts", "engine", "test.sh"), "utf8")
        .split("\n")
        .find((l) => l.startsWith("npx mocha "));
    expect(line, "scripts/engine/test.sh runs mocha").to.be.a("string");
    return line!.replace(/ "\$@"$/, "");
}

function runWithoutEngine(ci: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-engine-"));
    const env: NodeJS.ProcessEnv = { ...process.env, MINIMARKET_ENGINE_DIR: dir, MINIMARKET_ENGINE_HOST: `unix://${dir}/run/docker.sock` };
    delete env.CI;
    delete env.DOCKER_HOST;
    if (ci) env.CI = "true";
    try {
        return spawnSync("bash", ["-c", mochaLine()], { cwd: REPO, env, encoding: "utf8", timeout: 240_000 });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("npm run test:engine without an engine", function () {
    this.timeout(300_000);

    it("fails under CI, naming the missing engine, and prints the count", () => {
        const r = runWithoutEngine(true);
        expect(r.status, r.stdout + r.stderr).to.equal(1);
        expect(r.stdout).to.include("no Docker Engine at unix://");
        expect(r.stdout).to.include("required because CI is set");
        expect(r.stdout).to.match(/\nengine: 0 passed, 1 failed, 0 skipped\n/);
    });

    it("skips every engine test elsewhere, and prints the count", () => {
        const r = runWithoutEngine(false);
        expect(r.status, r.stdout + r.stderr).to.equal(0);
        const count = /\nengine: 0 passed, 0 failed, (\d+) skipped\n/.exec(r.stdout);
        expect(count, r.stdout).to.not.equal(null);
        expect(Number(count![1])).to.be.greaterThan(10);
    });
});
