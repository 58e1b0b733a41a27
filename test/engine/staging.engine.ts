// The committed staging stack on a real Docker Engine: every container the program declares,
// created the way terraform-provider-docker creates it (test/support/engine/containerSpec.ts),
// started in the declared order and healthy; its data network cut off; its backups running.
import { expect } from "chai";
import { BACKUP_METRICS } from "../../facts/telemetry";
import { Registered, unwrap } from "../support/program";
import { psql } from "../support/engine/api";
import { COMMAND, CONTAINER } from "../support/engine/deploy";
import { stagingStack } from "./stack";

const containersOf = (resources: Registered[]) => resources.filter((r) => r.type === CONTAINER);

async function promQuery(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const r = await fetch(`http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
    return ((await r.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s${last ? ` (${String(last)})` : ""}`);
        await new Promise((r) => setTimeout(r, 2000));
    }
}

describe("staging on a real Docker Engine (the program's containers, as the provider creates them)", function () {
    this.timeout(600_000);

    it("accepts every container of staging and runs it as declared: probes with a start interval, limits, log options, mounts", async () => {
        const { engine, run, deployment } = stagingStack();
        const containers = containersOf(run.resources);
        expect(containers.map((c) => c.name)).to.include.members(["postgres", "redis", "prometheus", "grafana", "proxy", "dashboard", "backup"]);
        for (const c of containers) {
            const d = deployment.container(c.name);
            const info = await engine.inspect(d.id!);
            const declared = d.request!.body;
            expect(info.State.Status, c.name).to.equal("running");
            expect(info.Config.Healthcheck ?? null, `${c.name} health probe`).to.deep.equal(declared.Healthcheck ?? null);
            if (declared.Healthcheck) expect(info.State.Health.Status, `${c.name} health`).to.equal("healthy");
            expect(info.HostConfig.LogConfig, `${c.name} logs`).to.deep.equal({ Type: "json-file", Config: { "max-file": "5", "max-size": "10m" } });
            expect(info.HostConfig.Memory, `${c.name} memory`).to.equal(declared.HostConfig.Memory);
            expect(info.HostConfig.MemorySwap, `${c.name} swap`).to.equal(declared.HostConfig.MemorySwap);
            expect(info.HostConfig.NanoCpus, `${c.name} cpus`).to.equal(declared.HostConfig.NanoCpus ?? 0);
            expect(info.HostConfig.RestartPolicy.Name, c.name).to.equal("unless-stopped");
            expect(info.HostConfig.Binds ?? [], `${c.name} binds`).to.deep.equal(declared.HostConfig.Binds ?? []);
            expect(info.Config.Labels, c.name).to.include(declared.Labels);
            expect(Object.keys(info.NetworkSettings.Networks).sort(), `${c.name} networks`).to.deep.equal(d.request!.networks.map((n) => n.name).sort());
            for (const n of d.request!.networks) expect(info.NetworkSettings.Networks[n.name].Aliases, `${c.name} on ${n.name}`).to.include.members(n.aliases);
        }
    });

    it("puts every uploaded file where the program says, with its mode, owned by root and readable by the container's user", async () => {
        const { engine, run, deployment } = stagingStack();
        let checked = 0;
        for (const c of containersOf(run.resources)) {
            const d = deployment.container(c.name);
            if (c.name === "redis-exporter") continue; // FROM scratch upstream: nothing to run stat with
            const user = (await engine.inspect(d.id!)).Config.User || "root";
            for (const u of d.request!.uploads) {
                const stat = await engine.exec(d.id!, ["stat", "-c", "%a %u:%g %s", u.file]);
                expect(stat.output.trim(), `${c.name} ${u.file}`).to.equal(`${u.mode.toString(8)} 0:0 ${u.content.length}`);
                const read = await engine.exec(d.id!, ["sh", "-c", 'test -r "$0"', u.file], { user });
                expect(read.code, `${c.name} (${user}) reads ${u.file}`).to.equal(0);
                checked++;
            }
        }
        expect(checked).to.be.greaterThan(15);
    });

    it("starts each container only after what it waits for is healthy (containers) or done (steps)", async () => {
        // The engine's start time of each container (State.StartedAt; none restarted since) against
        // the moment the engine reported each dependency healthy to the deployer (inspect, as the
        // provider polls it) or the step ended. The engine's event log keeps only its last 256
        // events, which the health probes of a starting stack overrun.
        const { engine, run, deployment } = stagingStack();
        let pairs = 0;
        for (const c of containersOf(run.resources)) {
            const me = deployment.container(c.name);
            const info = await engine.inspect(me.id!);
            expect(info.RestartCount, `${me.name} restarts`).to.equal(0);
            const myStart = new Date(info.State.StartedAt).getTime();
            for (const depKey of c.dependencies) {
                const dep = [...deployment.done.values()].find((d) => depKey.endsWith(`$${d.resource.type}::${d.resource.name}`));
                if (!dep || !(dep.resource.type === COMMAND || (dep.resource.type === CONTAINER && dep.request?.waitSeconds !== undefined))) continue;
                expect(dep.endedAt, `${dep.resource.name} healthy or done before ${me.name} starts`).to.be.at.most(myStart);
                pairs++;
            }
        }
        // postgres -> roles -> apps, redis -> apps, apps in the SPEC's order, loki -> gates -> grafana/alloy, …
        expect(pairs).to.be.greaterThan(10);
    });

    it("gives the data network no route out: PostgreSQL reaches nothing on the service network, a container on both does", async () => {
        const { engine, deployment } = stagingStack();
        const postgres = deployment.container("postgres").id!;
        const routes = await engine.exec(postgres, ["ip", "-4", "route"]);
        expect(routes.code).to.equal(0);
        expect(routes.output, "no default route").not.to.match(/^default/m);
        const grafana = await engine.inspect(deployment.container("grafana").id!);
        const grafanaIp = grafana.NetworkSettings.Networks["minimarket-staging-services"].IPAddress as string;
        const connect = ["python3", "-c", "import socket,sys; socket.create_connection((sys.argv[1], 3000), timeout=3).close()", grafanaIp];
        const fromData = await engine.exec(postgres, connect);
        expect(fromData.code, `postgres -> ${grafanaIp}:3000 must fail`).not.to.equal(0);
        expect(fromData.output).to.match(/unreachable|timed out|refused/i);
        const fromBoth = await engine.exec(deployment.container("backup").id!, connect);
        expect(fromBoth.code, `backup -> ${grafanaIp}:3000: ${fromBoth.output}`).to.equal(0);
    });

    it("ran the program's own steps against it: the role step, the Alloy gates, Grafana's admin password, the textfile directory", async () => {
        const { run, deployment, engine } = stagingStack();
        const steps = run.resources.filter((r) => r.type === COMMAND).map((r) => r.name);
        // Loki has no outside gate: its own probe (/busybox/wget) holds back what waits for it.
        expect(steps).to.include.members(["postgres-roles", "alloy-ready", "alloy-shipping", "grafana-admin-password", "host-dir-textfile"]);
        expect(steps).to.not.include("loki-ready");
        for (const s of steps) expect(deployment.get(COMMAND, s).endedAt, s).to.be.a("number");
        // The role step made the roles and set their generated passwords: the app role logs in over TCP with its own.
        const app = run.resources.find((r) => r.type === CONTAINER && r.name === "agente-deposito")!;
        const databaseUrl = (unwrap(app.inputs.envs) as string[]).find((l) => l.startsWith("DATABASE_URL="))!.slice("DATABASE_URL=".length);
        const login = await psql(engine, deployment.container("postgres").id!, "SELECT current_user", {
            user: "minimarket_app",
            password: decodeURIComponent(new URL(databaseUrl).password),
        });
        expect(login.output.trim(), login.output).to.equal("minimarket_app");
        const roles = await psql(engine, deployment.container("postgres").id!, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'minimarket_%' ORDER BY 1");
        expect(roles.output.trim().split("\n")).to.deep.equal(["minimarket_app", "minimarket_backup", "minimarket_monitor"]);
    });

    it("runs the backup loop: a first backup at start, its metrics read by node-exporter, then a restore drill that passes", async () => {
        const { engine, deployment } = stagingStack();
        const backup = deployment.container("backup").id!;
        const list = await eventually(
            "a first backup",
            async () => {
                const r = await engine.exec(backup, ["sh", "/opt/minimarket-backup/minimarket-backup.sh", "list"]);
                return r.code === 0 && r.output.trim() ? r.output.trim() : undefined;
            },
            120,
        );
        expect(list).to.match(/^\d{8}T\d{6}Z$/m);
        const status = await eventually(
            "backup metrics in Prometheus",
            async () => (await promQuery(BACKUP_METRICS.lastStatus))[0]?.value[1] as string | undefined,
            180,
        );
        expect(status).to.equal("1");
        // The loop's first drill comes a minute after start; an operator's drill runs the same code.
        const drill = await engine.exec(backup, ["sh", "/opt/minimarket-backup/minimarket-backup.sh", "drill"]);
        expect(drill.code, drill.output).to.equal(0);
        const drillStatus = await eventually(
            "drill metrics in Prometheus",
            async () => {
                const v = (await promQuery(BACKUP_METRICS.drillLastStatus))[0]?.value[1];
                return v === "1" ? v : undefined;
            },
            180,
        );
        expect(drillStatus).to.equal("1");
    });
});
