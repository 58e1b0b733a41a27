// The engine tests' mapping of the program's recorded container inputs to Docker Engine API
// requests (test/support/engine/containerSpec.ts, from terraform-provider-docker v4.5.0's Create),
// checked without an engine; `npm run test:engine` sends these requests to a real one.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { defaultImages } from "../facts/images";
import { IMAGE_DIR, NOT_ON_THE_ENGINE } from "../scripts/engine/imageSet";
import { containerRequest, goDurationNanos, networkRequest, parseCpus, tarOf } from "./support/engine/containerSpec";
import { ProgramRun, runProgram, unwrap } from "./support/program";
import { requireBinaries } from "./support/processes";

const MB = 1024 * 1024;

describe("the program's containers as Docker Engine API requests (as terraform-provider-docker v4.5.0 sends them)", function () {
    let run: ProgramRun;
    const inputs = (type: string, name: string) => unwrap(run.resources.find((r) => r.type === type && r.name === name)!.inputs) as Record<string, any>;
    const container = (name: string) => inputs("docker:index/container:Container", name);

    before(async () => {
        run = await runProgram({ stack: "staging" });
        expect(run.error, run.error?.stack).to.equal(undefined);
    });

    it("PostgreSQL: command, probe in nanoseconds with its start interval, limits in bytes, rotated logs, its volume as a bind, the data network", () => {
        const req = containerRequest(container("postgres"), () => "unused");
        expect(req.name).to.equal("minimarket-staging-postgres");
        expect(req.body.Cmd).to.deep.equal(["postgres", "-c", "password_encryption=scram-sha-256"]);
        expect(req.body.Healthcheck).to.deep.equal({
            Test: ["CMD", "pg_isready", "-U", "postgres", "-d", "inventario_retail", "-h", "127.0.0.1"],
            Interval: 10e9,
            Timeout: 5e9,
            StartPeriod: 60e9,
            StartInterval: 1e9,
            Retries: 5,
        });
        const host = req.body.HostConfig;
        expect(host).to.include({ Memory: 1024 * MB, MemorySwap: 1024 * MB, NetworkMode: "bridge", Init: false, Privileged: false, ReadonlyRootfs: false });
        expect(host.RestartPolicy).to.deep.equal({ Name: "unless-stopped", MaximumRetryCount: 0 });
        expect(host.LogConfig).to.deep.equal({ Type: "json-file", Config: { "max-file": "5", "max-size": "10m" } });
        expect(host.Binds).to.deep.equal(["minimarket-staging-pgdata:/var/lib/postgresql/data:rw"]);
        expect(req.body.Volumes).to.deep.equal({ "/var/lib/postgresql/data": {} });
        expect(req.networks).to.deep.equal([{ name: "minimarket-staging-data", aliases: ["postgres"], ipv4Address: undefined, ipv6Address: undefined }]);
        expect(req.body.Env).to.include("POSTGRES_DB=inventario_retail");
        expect(req.waitSeconds).to.equal(115);
        expect(req.destroyGraceSeconds).to.equal(60);
        expect(req.start).to.equal(true);
    });

    it("an app: auto-named `<name>-<7 hex>` when the program gives no name, CPU limit in nano CPUs, host binds and ports as written", () => {
        const req = containerRequest(container("dashboard"), () => "dashboard-abc1234");
        expect(req.name).to.equal("dashboard-abc1234");
        expect(req.body.HostConfig.NanoCpus).to.equal(1_000_000_000); // cpus "1.0", the default
        const proxy = containerRequest(container("proxy"), () => "unused");
        expect(proxy.body.ExposedPorts).to.deep.equal({ "8080/tcp": {}, "3000/tcp": {} });
        expect(proxy.body.HostConfig.PortBindings["8080/tcp"]).to.deep.equal([{ HostIp: "0.0.0.0", HostPort: "8080" }]);
        const backup = containerRequest(container("backup"), () => "unused");
        expect(backup.body.HostConfig.Binds).to.include("/var/lib/minimarket/textfile:/metrics:rw");
        const cadvisor = containerRequest(container("cadvisor"), () => "unused");
        expect(cadvisor.body.HostConfig.Devices).to.deep.equal([{ PathOnHost: "/dev/kmsg", PathInContainer: "/dev/kmsg", CgroupPermissions: "rwm" }]);
        expect(cadvisor.body.HostConfig.Privileged).to.equal(true);
    });

    it("uploads: one tar entry per file, its mode, owned by root (no owner in the provider's header)", function () {
        const bins = requireBinaries(this, ["tar"]);
        const req = containerRequest(container("backup"), () => "unused");
        const upload = req.uploads.find((u) => u.file.endsWith("/minimarket-backup.sh"))!;
        expect(upload.mode).to.equal(0o644);
        const listing = spawnSync(bins.tar, ["-tvf", "-", "--numeric-owner"], { input: tarOf(upload), encoding: "utf8" });
        expect(listing.status, listing.stderr).to.equal(0);
        expect(listing.stdout).to.match(/^-rw-r--r-- 0\/0 +\d+ .* opt\/minimarket-backup\/minimarket-backup\.sh\n$/);
        const extracted = spawnSync(bins.tar, ["-xOf", "-"], { input: tarOf(upload) });
        expect(extracted.stdout.toString("utf8")).to.equal(upload.content.toString("utf8"));
    });

    it("networks and the data network's isolation as the provider creates them", () => {
        expect(networkRequest(inputs("docker:index/network:Network", "host-data"))).to.deep.equal({
            Name: "minimarket-staging-data",
            Labels: { "com.minimarket.environment": "staging" },
            Driver: "bridge",
            Options: {},
            Internal: true,
            Attachable: false,
        });
    });

    it("refuses what the provider refuses, and any input it does not map", () => {
        expect(() => containerRequest({ ...container("redis"), command: ["redis-server", ""] }, () => "x")).to.throw("values for command may not be empty");
        expect(() => containerRequest({ ...container("redis"), deviceCgroupRules: ["c 1:3 rwm"] }, () => "x")).to.throw(
            /not mapped to the Docker API here: deviceCgroupRules/,
        );
        expect(() => containerRequest({ ...container("redis"), uploads: [{ file: "/x" }] }, () => "x")).to.throw(/exactly one of content/);
    });

    it("reads Go durations and CPU counts as the provider's libraries do", () => {
        expect(goDurationNanos("1m0s")).to.equal(60e9);
        expect(goDurationNanos("1m30s")).to.equal(90e9);
        expect(goDurationNanos("500ms")).to.equal(5e8);
        expect(goDurationNanos("0s")).to.equal(0);
        expect(() => goDurationNanos("10 s")).to.throw("not a Go duration");
        expect(parseCpus("1.0")).to.equal(1e9);
        expect(parseCpus("0.5")).to.equal(5e8);
        expect(() => parseCpus("one")).to.throw();
    });

    it("every image the program pins has an image folder of the engine tests (a new pin needs one)", () => {
        const engineTested = Object.keys(defaultImages).filter((k) => !(k in NOT_ON_THE_ENGINE));
        for (const key of [...engineTested, "app"]) {
            expect(fs.existsSync(path.join(IMAGE_DIR, key, "Dockerfile")), `test/engine/images/${key}/Dockerfile`).to.equal(true);
        }
        const folders = fs.readdirSync(IMAGE_DIR).filter((f) => fs.statSync(path.join(IMAGE_DIR, f)).isDirectory());
        expect(folders.sort()).to.deep.equal([...engineTested, "app"].sort());
        // An exception holds only while the stacks the engine tests run never pull the image.
        const pulled = run.resources
            .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
            .map((r) => String((unwrap(r.inputs) as { name?: string }).name));
        for (const key of Object.keys(NOT_ON_THE_ENGINE)) expect(pulled, key).not.to.include(defaultImages[key as keyof typeof defaultImages]);
    });
});
