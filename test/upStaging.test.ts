// The README's first command, run with stand-in `docker` and `pulumi` executables that record
// how they are called: the script must reach `pulumi up --stack staging` with a local backend.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.join(__dirname, "..", "scripts", "up-staging.sh");

function fakeBin(dir: string, name: string, body: string) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

function setup(opts: { dockerUp?: boolean; pulumi?: boolean } = {}) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "up-staging-"));
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    const log = path.join(root, "calls.log");
    fakeBin(bin, "docker", `echo "docker $*" >> ${log}; exit ${opts.dockerUp === false ? 1 : 0}`);
    if (opts.pulumi !== false) {
        fakeBin(bin, "pulumi", `echo "pulumi $* | backend=$PULUMI_BACKEND_URL passfile=$PULUMI_CONFIG_PASSPHRASE_FILE" >> ${log}`);
    }
    const nodeDir = path.dirname(process.execPath);
    const env = { PATH: `${bin}:${nodeDir}:/usr/bin:/bin`, HOME: path.join(root, "home") };
    const run = () => spawnSync("bash", [script, "--yes"], { env, encoding: "utf8", timeout: 60_000 });
    const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
    return { root, env, run, calls };
}

describe("README first command: scripts/up-staging.sh", () => {
    it("deploys staging with a local state backend and a private generated passphrase", () => {
        const t = setup();
        const r = t.run();
        expect(r.status, r.stderr).to.equal(0);
        const home = path.join(t.root, "home", ".minimarket");
        const passfile = path.join(home, "staging.passphrase");
        expect(t.calls()).to.deep.equal([
            "docker info",
            `pulumi stack select --create staging --secrets-provider passphrase | backend=file://${home}/state passfile=${passfile}`,
            `pulumi up --stack staging --yes | backend=file://${home}/state passfile=${passfile}`,
        ]);
        expect(fs.statSync(passfile).mode & 0o777).to.equal(0o600);
        expect(fs.readFileSync(passfile, "utf8")).to.have.length.greaterThan(30);

        // A second run keeps the same passphrase, or the stack's secrets could not be read again.
        const before = fs.readFileSync(passfile, "utf8");
        expect(t.run().status).to.equal(0);
        expect(fs.readFileSync(passfile, "utf8")).to.equal(before);
    });

    it("stops with a clear message when Docker is not answering", () => {
        const r = setup({ dockerUp: false }).run();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("Docker is not answering; start the Docker daemon");
    });

    it("stops with a clear message when the Pulumi CLI is missing", () => {
        const r = setup({ pulumi: false }).run();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("the Pulumi CLI is missing");
    });
});
