// What the pinned upstream images need from the program, read from their sources at the pinned
// tags (docs/images.md): Grafana that never phones home, Loki probing itself with its busybox,
// PostgreSQL's /dev/shm, node-exporter as its upstream runs it, the offsite image among the pins.
// Expected values are written out here; each change is shown to replace only what it must.

import { expect } from "chai";
import { defaultImages } from "../facts/images";
import { GRAFANA_OFFLINE_ENV } from "../renderers/observability/grafana";
import { byType, containerEnv, dependenciesOf, named, ProgramRun, Registered, runProgram, unwrap } from "./support/program";
import { scopeOf } from "./support/scope";
import { CONTAINER, COMMAND, IMAGE, realImages, withConfig } from "./support/staging";

type Obj = Record<string, unknown>;

const offsite = { backup: { offsite: { url: "gs://minimarket-backups/staging" } } };

/** Every file the program uploads into any container, as text. */
function uploadedText(run: ProgramRun): string {
    return byType(run, CONTAINER)
        .flatMap((c) => ((unwrap(c.inputs.uploads) ?? []) as Array<{ content: string }>).map((u) => u.content))
        .join("\n");
}

/** Resources whose triggers carry `container`'s id: the engine re-runs them when it is replaced. */
function triggeredBy(run: ProgramRun, container: Registered): string[] {
    return byType(run, COMMAND)
        .filter((c) => ((unwrap(c.inputs.triggers) ?? []) as unknown[]).includes(`${container.name}-id`))
        .map((c) => c.name)
        .sort();
}

describe("what the real images need", function () {
    this.timeout(300_000);
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(withConfig(realImages, offsite));
        expect(run.error, run.error?.stack).to.equal(undefined);
    });

    describe("Grafana 12 never phones home", () => {
        it("runs 12.4.16 with plugin preinstall, updates, key retrieval, catalog, reports, checks, news, gravatar and external snapshots off", () => {
            const grafana = named(run, CONTAINER, "grafana");
            // The settings themselves are written out in test/observability/grafana.test.ts.
            expect(Object.keys(GRAFANA_OFFLINE_ENV)).to.have.length(11);
            expect(containerEnv(grafana)).to.deep.include(GRAFANA_OFFLINE_ENV);
            expect(containerEnv(grafana), "no plugin is installed at start (the image's run.sh reads it)").not.to.have.property("GF_INSTALL_PLUGINS");
            expect(named(run, IMAGE, "image-grafana-grafana-12.4.16").inputs.name).to.equal("grafana/grafana:12.4.16");
        });

        it("turning the plugin downloads off replaces Grafana alone, and re-runs only its password step", async () => {
            // What a stack deployed before this change declared: the four [plugins] settings unset.
            const before = await runProgram({
                ...withConfig(realImages, offsite),
                patch: () => {
                    const grafana = require("../renderers/observability/grafana") as { GRAFANA_OFFLINE_ENV: Record<string, string> };
                    for (const key of Object.keys(grafana.GRAFANA_OFFLINE_ENV)) if (key.startsWith("GF_PLUGINS_")) delete grafana.GRAFANA_OFFLINE_ENV[key];
                },
            });
            expect(before.error, before.error?.stack).to.equal(undefined);
            expect(containerEnv(named(before, CONTAINER, "grafana"))).not.to.have.property("GF_PLUGINS_PREINSTALL_DISABLED");
            expect(scopeOf(before, run)).to.deep.equal({ "container/grafana": "replace" });
            expect(triggeredBy(run, named(run, CONTAINER, "grafana"))).to.deep.equal(["grafana-admin-password"]);
        });
    });

    describe("Loki probes itself with its busybox", () => {
        it("runs /busybox/wget against /ready inside the container, with the upstream timings, and the deploy waits for it", () => {
            const loki = named(run, CONTAINER, "loki");
            expect(unwrap(loki.inputs.healthcheck)).to.deep.equal({
                tests: ["CMD", "/busybox/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3100/ready"],
                interval: "15s",
                timeout: "5s",
                retries: 5,
                startPeriod: "20s",
                startInterval: "1s",
            });
            expect(loki.inputs.wait).to.equal(true);
            expect(loki.inputs.waitTimeout).to.equal(100);
            expect(byType(run, COMMAND).map((c) => c.name)).not.to.include("loki-ready");
            for (const name of ["grafana", "alloy"]) expect(dependenciesOf(run, named(run, CONTAINER, name)), name).to.include(`${CONTAINER}/loki`);
        });

        it("the probe replaces the Loki container (the provider never updates a healthcheck) and drops the outside gate", async () => {
            const before = await runProgram({
                ...withConfig(realImages, offsite),
                patch: () => {
                    // The old Loki: no probe of its own (the gate's command is not re-created here).
                    const upstream = require("../components/docker/upstreamService") as { httpProbe: (url: string, wget?: string) => string[] };
                    const probe = upstream.httpProbe;
                    upstream.httpProbe = (url, wget) => (wget === "/busybox/wget" ? (undefined as unknown as string[]) : probe(url, wget));
                },
            });
            expect(before.error, before.error?.stack).to.equal(undefined);
            expect(named(before, CONTAINER, "loki").inputs.healthcheck).to.equal(undefined);
            expect(scopeOf(before, run)).to.deep.equal({ "container/loki": "replace" });
        });
    });

    describe("PostgreSQL's /dev/shm", () => {
        it("gives 256 MB to the database and to the backup container (its drill runs a server), and to nothing else", () => {
            const shm = Object.fromEntries(
                byType(run, CONTAINER)
                    .filter((c) => c.inputs.shmSize !== undefined)
                    .map((c) => [c.name, c.inputs.shmSize]),
            );
            expect(shm).to.deep.equal({ postgres: 256, backup: 256 });
            for (const name of ["postgres", "backup"]) {
                expect(Number(named(run, CONTAINER, name).inputs.memory), `${name}: the shm fits in its memory limit`).to.be.at.least(256);
            }
        });

        it("replaces the database and the backup container only (shm_size forces a new container)", async () => {
            const before = await runProgram({
                ...withConfig(realImages, offsite),
                patch: () => {
                    (require("../renderers/data/postgresServer") as { POSTGRES_SHM_MB?: number }).POSTGRES_SHM_MB = undefined;
                },
            });
            expect(before.error, before.error?.stack).to.equal(undefined);
            expect(scopeOf(before, run)).to.deep.equal({ "container/postgres": "replace", "container/backup": "replace" });
            // A new database container re-runs the role step against it, as on any replacement.
            expect(triggeredBy(run, named(run, CONTAINER, "postgres"))).to.deep.equal(["postgres-roles"]);
        });
    });

    describe("node-exporter as its upstream runs it", () => {
        it("sees the host's / read-only with rslave propagation and the host's PIDs, and stays on the service network", () => {
            const ne = named(run, CONTAINER, "node-exporter");
            expect(unwrap(ne.inputs.mounts)).to.deep.equal([
                { type: "bind", source: "/", target: "/host", readOnly: true, bindOptions: { propagation: "rslave" } },
            ]);
            expect(unwrap(ne.inputs.volumes)).to.deep.equal([]);
            expect((ne.inputs.command as string[])[0]).to.equal("--path.rootfs=/host");
            expect(ne.inputs.pidMode).to.equal("host");
            expect(ne.inputs.networkMode, "host networking would take it off the network Prometheus scrapes").to.equal(undefined);
            expect(unwrap(ne.inputs.networksAdvanced)).to.deep.equal([{ name: "minimarket-staging-services", aliases: ["node-exporter"] }]);
            const others = byType(run, CONTAINER).filter((c) => c.name !== "node-exporter" && c.inputs.mounts !== undefined);
            expect(others.map((c) => c.name)).to.deep.equal([]);
        });

        it("no rule or dashboard reads the host's network counters, the one thing its own network namespace hides", () => {
            const text = uploadedText(run);
            expect(text).to.include("node_filesystem_avail_bytes");
            expect(text).not.to.match(/node_network_|node_netstat_|node_sockstat_/);
        });

        it("the rslave mount replaces node-exporter only", async () => {
            const before = await runProgram({
                ...withConfig(realImages, offsite),
                patch: () => {
                    // The old declaration: the same mount as a plain volume, without propagation.
                    const upstream = require("../components/docker/upstreamService") as { UpstreamService: new (...a: unknown[]) => unknown };
                    const Base = upstream.UpstreamService;
                    upstream.UpstreamService = class extends (Base as new (...a: unknown[]) => object) {
                        constructor(type: unknown, name: unknown, args: { mounts?: Obj[] }, opts: unknown) {
                            super(type, name, { ...args, mounts: args.mounts?.map(({ propagation: _p, ...m }) => m) }, opts);
                        }
                    } as unknown as new (...a: unknown[]) => unknown;
                },
            });
            expect(before.error, before.error?.stack).to.equal(undefined);
            expect(unwrap(named(before, CONTAINER, "node-exporter").inputs.volumes)).to.deep.equal([{ hostPath: "/", containerPath: "/host", readOnly: true }]);
            expect(scopeOf(before, run)).to.deep.equal({ "container/node-exporter": "replace" });
        });
    });

    it("pulls the offsite copy's image from the pins in facts/images.ts", () => {
        expect(defaultImages.offsiteSync).to.equal("rclone/rclone:1.71.2");
        const container = named(run, CONTAINER, "postgres-backup-offsite");
        const image = byType(run, IMAGE).find((i) => i.inputs.name === "rclone/rclone:1.71.2");
        expect(image, "the pinned image is pulled").not.to.equal(undefined);
        expect(dependenciesOf(run, container)).to.include(`${IMAGE}/${image!.name}`);
    });
});
