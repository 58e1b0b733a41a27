import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ANYWHERE, ingressRules } from "../../components/gcp/firewall";
import { daemonJson, DATA_MOUNT_POINT, readinessScript, startupScript } from "../../renderers/hostScripts";
import { serviceAccountId } from "../../components/gcp/dockerHostVm";

describe("firewall policy", () => {
    it("opens only 80/443 to the world, and SSH only to the listed ranges", () => {
        const rules = ingressRules(["203.0.113.7/32", "198.51.100.0/24"]);
        const open = rules.filter((r) => r.sourceRanges.includes(ANYWHERE));
        expect(open.map((r) => r.ports)).to.deep.equal([["80", "443"]]);
        expect(rules.find((r) => r.ports.includes("22"))!.sourceRanges).to.deep.equal(["203.0.113.7/32", "198.51.100.0/24"]);
        expect(rules.flatMap((r) => r.ports).sort()).to.deep.equal(["22", "443", "80"]);
    });

    it("has no SSH rule at all without ranges", () => {
        expect(ingressRules([]).map((r) => r.name)).to.deep.equal(["web"]);
    });
});

describe("Docker host startup script", () => {
    const script = startupScript({ dataDeviceName: "minimarket-data", mountPoint: DATA_MOUNT_POINT, deployUser: "deploy", dockerAddressPool: "172.17.0.0/16" });

    it("is valid bash", () => {
        const run = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
    });

    it("formats the data disk only when it has no filesystem", () => {
        const lines = script.split("\n");
        const mkfs = lines.findIndex((l) => l.includes("mkfs"));
        expect(lines[mkfs - 1]).to.match(/^if \[ -z "\$\(blkid -p -o value -s TYPE "\$DEVICE"/);
        expect(lines[mkfs + 1]).to.equal("fi");
        expect(lines.filter((l) => l.includes("mkfs"))).to.have.length(1);
    });

    it("puts Docker's data root on the data disk and installs docker.io from Debian", () => {
        expect(JSON.parse(daemonJson(`${DATA_MOUNT_POINT}/docker`, "172.17.0.0/16"))).to.deep.include({
            "data-root": "/mnt/disks/minimarket-data/docker",
            "live-restore": true,
        });
        expect(script).to.include(daemonJson(`${DATA_MOUNT_POINT}/docker`, "172.17.0.0/16"));
        expect(script).to.include("RequiresMountsFor=");
        expect(script).to.include("apt-get install -y -q docker.io");
        expect(script).not.to.include("gce-container-declaration");
    });
});

describe("Docker readiness check", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Fake ssh, ssh-keygen and docker on PATH; docker answers from its `succeedAfter`-th call on. */
    function stub(succeedAfter: number): NodeJS.ProcessEnv {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const log = path.join(dir, "calls.log");
        const write = (name: string, body: string) =>
            fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`, { mode: 0o755 });
        write("ssh", "exit 0");
        write("ssh-keygen", "exit 0");
        write("docker", `n=$(grep -c '^docker ' ${log}); if [ "$n" -ge ${succeedAfter} ]; then echo 26.1.5; else echo "cannot connect" >&2; exit 1; fi`);
        return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    }

    function run(env: NodeJS.ProcessEnv, timeoutSeconds: number) {
        const script = readinessScript({ target: "deploy@34.95.10.20", sshOpts: ["-i", "/keys/prod key"], timeoutSeconds, intervalSeconds: 1 });
        return spawnSync("sh", ["-c", script], { env, encoding: "utf8", timeout: 30_000 });
    }

    it("waits until docker answers over ssh://, then reports its version", () => {
        const result = run(stub(3), 20);
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.include("Docker 26.1.5 answers on deploy@34.95.10.20");
        const calls = fs.readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n");
        expect(calls[0]).to.equal("ssh-keygen -R 34.95.10.20");
        expect(calls.filter((c) => c.startsWith("docker "))).to.have.length(3);
        expect(calls).to.include("docker -H ssh://deploy@34.95.10.20 version --format {{.Server.Version}}");
        expect(calls).to.include("ssh -o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new -i /keys/prod key deploy@34.95.10.20 true");
    });

    it("gives up after its time bound with a message saying what to check", () => {
        const result = run(stub(1000), 2);
        // Gave up by itself: not killed by the 30 s bound of run() (no elapsed-time check, which a busy machine breaks).
        expect(result.signal, "the script never gave up").to.equal(null);
        expect(result.status).to.equal(1);
        expect(result.stderr).to.include("did not answer over ssh:// within 2s");
        expect(fs.readFileSync(path.join(dir, "calls.log"), "utf8")).to.include("docker -H ssh://deploy@34.95.10.20 version");
    });
});

describe("service account id", () => {
    it("fits Google's 6-30 character rule for any environment name", () => {
        for (const env of ["prod", "a", "a-very-long-environment-name-xx"]) {
            expect(serviceAccountId(env)).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
        }
        expect(serviceAccountId("prod")).to.equal("mm-prod-docker");
    });
});
