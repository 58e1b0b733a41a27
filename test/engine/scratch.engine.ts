// A second staging stack on the same engine (environment `enginetest`, its own host ports, no
// backups: the textfile directory is the quiet stack's), for what changes a running stack: the
// release step of a real app image, a secret rotation, an app replaced behind Caddy, and every
// container stopped within its grace. The quiet window of the committed stack runs meanwhile.
import { expect } from "chai";
import { ProgramRun, runProgram, StackSettings } from "../support/program";
import { Engine, psql } from "../support/engine/api";
import { CONTAINER, Deployment, resetEnvironment, stopAndRemove } from "../support/engine/deploy";
import { engineHostPaths, requireEngine } from "../support/engine/env";
import { TEST_APP_IMAGE } from "../../scripts/engine/imageSet";

const ENV = "enginetest";
const PORTS = { dashboard: 18080, grafana: 13000, prometheus: 19090, alertmanager: 19093 };
const settings = (extra: Record<string, unknown> = {}): StackSettings => ({
    stack: "staging",
    config: {
        environment: ENV,
        hostPorts: PORTS,
        backup: { enabled: false },
        services: {
            "agente-deposito": {
                image: TEST_APP_IMAGE,
                migrationCommand: ["python", "/app/migrate.py"],
                env: { STANDIN_SERVICE: "agente-deposito", STANDIN_PORT: "8001" },
            },
        },
        ...extra,
    },
});

async function program(extra?: Record<string, unknown>): Promise<ProgramRun> {
    const run = await runProgram(settings(extra));
    expect(run.error, run.error?.stack).to.equal(undefined);
    return run;
}

/** The application role's password in a run: from the DATABASE_URL the apps get. */
function appPassword(run: ProgramRun): string {
    const c = run.resources.find((r) => r.type === CONTAINER && r.name === "agente-deposito")!;
    const env = (c.inputs.envs as { value: string[] }).value ?? (c.inputs.envs as unknown as string[]);
    const url = env.find((l) => l.startsWith("DATABASE_URL="))!.slice("DATABASE_URL=".length);
    return decodeURIComponent(new URL(url).password);
}

function grafanaPassword(run: ProgramRun): string {
    const c = run.resources.find((r) => r.type === CONTAINER && r.name === "grafana")!;
    const env = (c.inputs.envs as { value: string[] }).value;
    return env.find((l) => l.startsWith("GF_SECURITY_ADMIN_PASSWORD="))!.slice("GF_SECURITY_ADMIN_PASSWORD=".length);
}

async function grafanaStatus(password: string): Promise<number> {
    const auth = Buffer.from(`admin:${password}`).toString("base64");
    return (await fetch(`http://127.0.0.1:${PORTS.grafana}/api/search`, { headers: { Authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(10_000) }))
        .status;
}

describe("changing a running stack on a real Docker Engine (the program's own steps)", function () {
    this.timeout(900_000);
    let engine: Engine;
    let deployment: Deployment;

    before(async function () {
        engine = await requireEngine(this);
        await resetEnvironment(engine, ENV);
        deployment = new Deployment(engine, await program(), { hostPaths: engineHostPaths() });
        await deployment.up();
    });

    after(async function () {
        if (engine) await resetEnvironment(engine, ENV);
    });

    it("runs the release step from the app image before the app starts: the migration is in the database, its container gone", async () => {
        const postgres = deployment.container("postgres").id!;
        const version = await psql(engine, postgres, "SELECT version_num FROM alembic_version");
        expect(version.output.trim()).to.equal("0001_initial");
        const migrate = deployment.get("command:local:Command", "agente-deposito-migrate");
        const app = await engine.inspect(deployment.container("agente-deposito").id!);
        expect(new Date(app.State.StartedAt).getTime()).to.be.greaterThan(migrate.endedAt);
        expect(await engine.exists("containers", `minimarket-${ENV}-agente-deposito-migrate`)).to.equal(false);
    });

    it("applies a rotation with the program's password-update steps: the old passwords stop working, the new ones work", async () => {
        const before = deployment.run;
        const rotated = await program({ rotations: { postgresPassword: 1, grafanaAdminPassword: 1 } });
        const [oldApp, newApp] = [appPassword(before), appPassword(rotated)];
        const [oldGrafana, newGrafana] = [grafanaPassword(before), grafanaPassword(rotated)];
        expect(newApp).not.to.equal(oldApp);
        expect(await grafanaStatus(oldGrafana)).to.equal(200);
        const { deployment: next, actions } = await deployment.update(rotated);
        deployment = next;
        // The password steps ran again; the migration did not (its update command is `true`).
        expect(actions["command:local:Command/postgres-roles"]).to.equal("update");
        // Replaced by the new Grafana container's id on a real engine; the mocks' ids do not change, so "update" here: both run it again.
        expect(actions["command:local:Command/grafana-admin-password"]).to.be.oneOf(["update", "replace"]);
        expect(actions["command:local:Command/agente-deposito-migrate"]).to.equal("update");
        const login = (password: string) => psql(engine, deployment.container("postgres").id!, "SELECT 1", { user: "minimarket_app", password });
        expect((await login(newApp)).code).to.equal(0);
        expect((await login(oldApp)).code).not.to.equal(0);
        expect(await grafanaStatus(newGrafana)).to.equal(200);
        expect(await grafanaStatus(oldGrafana)).to.equal(401);
        const version = await psql(engine, deployment.container("postgres").id!, "SELECT count(*) FROM productos");
        expect(version.output.trim(), "the migration ran once").to.equal("2");
    });

    it("keeps serving through Caddy while the dashboard is replaced side by side (Docker's DNS alias shared, then the old one drained)", async () => {
        const old = deployment.container("dashboard");
        const changed = await program({
            rotations: { postgresPassword: 1, grafanaAdminPassword: 1 },
            services: { ...settingsServices(), dashboard: { env: { FEATURE_FLAG: "swap" } } },
        });
        let done = false;
        const results = { ok: 0, failed: [] as string[] };
        const loop = (async () => {
            for (let i = 0; i < 20_000 && !done; i++) {
                try {
                    const r = await fetch(`http://127.0.0.1:${PORTS.dashboard}/health`, { signal: AbortSignal.timeout(10_000) });
                    if (r.status === 200) results.ok++;
                    else results.failed.push(`HTTP ${r.status}`);
                    await r.text();
                } catch (e) {
                    results.failed.push(String(e));
                }
            }
        })();
        const { deployment: next, actions } = await deployment.update(changed);
        done = true;
        await loop;
        deployment = next;
        expect(actions["docker:index/container:Container/dashboard"]).to.equal("replace");
        expect(deployment.container("dashboard").name).not.to.equal(old.name);
        expect(await engine.exists("containers", old.id!)).to.equal(false);
        expect(results.failed, results.failed.slice(0, 5).join("\n")).to.deep.equal([]);
        expect(results.ok).to.be.greaterThan(20);
    });

    it("stops every container within its declared grace on SIGTERM (none killed), the demo stand-ins included", async () => {
        const slow: string[] = [];
        for (const c of deployment.run.resources.filter((r) => r.type === CONTAINER)) {
            const d = deployment.container(c.name);
            const grace = d.request!.destroyGraceSeconds;
            const started = Date.now();
            await stopAndRemove(engine, d.id!, grace).catch(() => undefined);
            const info = (await engine.events(Math.floor(started / 1000) - 1, Math.ceil(Date.now() / 1000), {
                container: [d.id!],
                event: ["die", "kill"],
            })) as any[];
            const died = info.find((e) => e.status === "die");
            const killed = info.some((e) => e.status === "kill" && e.Actor.Attributes.signal === "9");
            if (killed || !died) slow.push(`${c.name}: ${killed ? "SIGKILLed after its grace" : "no die event"} (grace ${grace} s)`);
            else expect(Number(died.Actor.Attributes.exitCode), `${c.name} exit code`).not.to.equal(137);
            expect((Date.now() - started) / 1000, `${c.name} stopped within ${grace} s`).to.be.below(grace + 5);
        }
        expect(slow).to.deep.equal([]);
    });
});

function settingsServices(): Record<string, unknown> {
    return (settings().config as { services: Record<string, unknown> }).services;
}
