import { expect } from "chai";
import { encodeUserinfo } from "../components/data/connections";
import { byType, containerEnv, dependenciesOf, isSecretWrapper, named, plainOccurrences, runProgram, unwrap } from "./support/program";
import { observabilityResources } from "./support/expected";

import { CONTAINER, COMMAND, IMAGE, VOLUME, PASSWORD, realImages, stagingRuns, withConfig } from "./support/staging";

describe("staging stack on one Docker host", () => {
    const runs = stagingRuns();

    it("declares exactly the expected resources", () => {
        const list = runs.real.resources.map((r) => `${r.type}/${r.name}`).sort();
        expect(list).to.deep.equal(
            [
                "minimarket:secrets:StackSecrets/secrets",
                ...[
                    "postgresPassword",
                    "postgresAdminPassword",
                    "postgresMonitorPassword",
                    "postgresBackupPassword",
                    "redisPassword",
                    "jwtSecretDeposito",
                    "jwtSecretNegocio",
                    "jwtSecretMl",
                    "jwtSecretDashboard",
                    "dashboardApiKey",
                    "dashboardUiApiKey",
                    "grafanaAdminPassword",
                    "grafanaSecretKey",
                ].map((n) => `${PASSWORD}/${n}`),
                "minimarket:platform:DockerPlatform/host",
                "pulumi:providers:docker/host-docker",
                "docker:index/network:Network/host-data",
                "docker:index/network:Network/host-services",
                `${IMAGE}/image-postgres-17.11-bookworm`,
                `${IMAGE}/image-redis-7.4.11-bookworm`,
                `${IMAGE}/image-registry.example.com-minimarket-agente-deposito-1.4.2`,
                `${IMAGE}/image-registry.example.com-minimarket-agente-negocio-1.4.2`,
                `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.1`,
                `${IMAGE}/image-registry.example.com-minimarket-dashboard-3.1.0`,
                "minimarket:data:PostgresContainer/postgres",
                `${VOLUME}/postgres-data`,
                `${CONTAINER}/postgres`,
                `${COMMAND}/postgres-roles`,
                "minimarket:backup:PostgresBackup/postgres-backup",
                "minimarket:backup:BackupService/backup",
                `${CONTAINER}/backup`,
                `${VOLUME}/pg-backups`,
                "minimarket:data:RedisContainer/redis",
                `${VOLUME}/redis-data`,
                `${CONTAINER}/redis`,
                "minimarket:apps:AppTier/apps",
                ...["agente-deposito", "agente-negocio", "ml-service", "dashboard"].flatMap((s) => [`minimarket:apps:AppService/${s}`, `${CONTAINER}/${s}`]),
                ...["agente-deposito", "agente-negocio", "ml-service"].map((s) => `${COMMAND}/${s}-migrate`),
                ...observabilityResources,
                "minimarket:proxy:CaddyProxy/proxy",
                `${CONTAINER}/proxy`,
                `${IMAGE}/image-caddy-2.11.4`,
            ].sort(),
        );
    });

    it("keeps every generated secret secret wherever it flows, also percent-encoded", () => {
        expect(runs.real.generated.length).to.equal(13);
        for (const value of runs.real.generated) {
            for (const form of [value, encodeUserinfo(value)]) {
                for (const r of runs.real.resources) {
                    expect(plainOccurrences(r.inputs, form), `${r.type}/${r.name} carries a secret in plain text`).to.deep.equal([]);
                }
                expect(plainOccurrences(runs.real.outputs, form), "stack outputs carry a secret in plain text").to.deep.equal([]);
            }
        }
        expect(isSecretWrapper(runs.real.outputs.secrets), "the secrets output is a secret").to.equal(true);
        expect(Object.keys(unwrap(runs.real.outputs.secrets) as object)).to.have.length(13);
    });

    it("keeps operator-supplied secrets and secret env secret too", async () => {
        const supplied = "Operator-supplied &?!) $'\" value, long enough!!";
        const run = await runProgram(
            withConfig(realImages, { jwtSecretMl: supplied, secretEnv: { "ml-service": { OPENAI_API_KEY: "sk-operator-openai-key" } } }, [
                "jwtSecretMl",
                "secretEnv",
            ]),
        );
        expect(run.error).to.equal(undefined);
        for (const needle of [supplied, "sk-operator-openai-key"]) {
            for (const r of run.resources) expect(plainOccurrences(r.inputs, needle), `${r.type}/${r.name}`).to.deep.equal([]);
        }
        const ml = containerEnv(named(run, CONTAINER, "ml-service"));
        expect(ml.JWT_SECRET_KEY).to.equal(supplied);
        expect(ml.JWT_SECRET_ML).to.equal(supplied);
        expect(ml.OPENAI_API_KEY).to.equal("sk-operator-openai-key");
    });

    it("puts the proxy in front of the dashboard and Grafana on their host ports, operator UIs on 127.0.0.1 only, and nothing else", () => {
        const published: Record<string, unknown> = {
            proxy: [
                { internal: 8080, external: 8080, ip: "0.0.0.0" },
                { internal: 3000, external: 3000, ip: "0.0.0.0" },
            ],
            prometheus: [{ internal: 9090, external: 9090, ip: "127.0.0.1" }],
            alertmanager: [{ internal: 9093, external: 9093, ip: "127.0.0.1" }],
        };
        for (const c of byType(runs.real, CONTAINER)) {
            const ports = unwrap(c.inputs.ports) ?? [];
            expect(ports, `${c.name}`).to.deep.equal(published[c.name] ?? []);
        }
        const proxy = named(runs.real, CONTAINER, "proxy");
        const caddyfile = (unwrap(proxy.inputs.uploads) as Array<{ file: string; content: string }>).find((u) => u.file === "/etc/caddy/Caddyfile")!.content;
        expect(caddyfile).to.include("http://:8080 {").and.include("dynamic a dashboard 8080 {");
        expect(caddyfile).to.include("http://:3000 {").and.include("dynamic a grafana 3000 {");
        expect(caddyfile).to.match(/lb_try_duration \d+s/);
        expect(proxy.inputs.volumes, "plain HTTP: no certificates to keep").to.deep.equal([]);
        expect(
            dependenciesOf(runs.real, proxy).filter((d) => d.startsWith(CONTAINER)),
            "it resolves its upstreams per request",
        ).to.deep.equal([]);
    });

    it("moves the proxy with the configured host ports", async () => {
        const run = await runProgram(withConfig(realImages, { hostPorts: { dashboard: 18080, grafana: 13000 } }));
        expect(run.error).to.equal(undefined);
        expect(unwrap(named(run, CONTAINER, "proxy").inputs.ports)).to.deep.equal([
            { internal: 8080, external: 18080, ip: "0.0.0.0" },
            { internal: 3000, external: 13000, ip: "0.0.0.0" },
        ]);
        expect(run.outputs.dashboardUrl).to.equal("http://localhost:18080");
        expect(run.outputs.grafanaUrl).to.equal("http://localhost:13000");
    });

    it("puts PostgreSQL and Redis on the internal network only, reachable by DNS alias", () => {
        const data = named(runs.real, "docker:index/network:Network", "host-data");
        expect(data.inputs).to.deep.include({ internal: true, name: "minimarket-staging-data" });
        for (const name of ["postgres", "redis"]) {
            expect(unwrap(named(runs.real, CONTAINER, name).inputs.networksAdvanced)).to.deep.equal([{ name: "minimarket-staging-data", aliases: [name] }]);
        }
        for (const name of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
            const nets = unwrap(named(runs.real, CONTAINER, name).inputs.networksAdvanced) as Array<{ name: string; aliases: string[] }>;
            expect(nets.map((n) => n.name).sort()).to.deep.equal(["minimarket-staging-data", "minimarket-staging-services"]);
            expect(nets.every((n) => n.aliases.includes(name))).to.equal(true);
        }
    });

    it("runs PostgreSQL pinned, with a kept volume, health check and scram-sha-256", () => {
        const pg = named(runs.real, CONTAINER, "postgres");
        const env = containerEnv(pg);
        expect(env.POSTGRES_DB).to.equal("inventario_retail");
        expect(env.POSTGRES_HOST_AUTH_METHOD).to.equal("scram-sha-256");
        expect(env.POSTGRES_INITDB_ARGS).to.include("--auth-host=scram-sha-256");
        expect(pg.inputs.volumes).to.deep.equal([{ volumeName: "minimarket-staging-pgdata", containerPath: "/var/lib/postgresql/data" }]);
        expect((pg.inputs.healthcheck as { tests: string[] }).tests.slice(0, 2)).to.deep.equal(["CMD", "pg_isready"]);
        expect(pg.inputs.wait).to.equal(true);
        expect(pg.options.deleteBeforeReplace, "two postgres containers must never share the volume").to.equal(true);
        expect(named(runs.real, VOLUME, "postgres-data").options.retainOnDelete).to.equal(true);
        expect(named(runs.real, IMAGE, "image-postgres-17.11-bookworm").inputs.name).to.equal("postgres:17.11-bookworm");
    });

    it("sets the database roles' passwords through stdin after PostgreSQL is healthy, and again when the container changes", () => {
        const roles = named(runs.real, COMMAND, "postgres-roles");
        expect(roles.inputs.create).to.equal("docker exec -i minimarket-staging-postgres psql -q -U postgres -d inventario_retail");
        const stdin = unwrap(roles.inputs.stdin) as string;
        expect(stdin).to.include('ALTER ROLE "minimarket_app" WITH LOGIN PASSWORD');
        expect(stdin).to.include('GRANT "pg_monitor" TO "minimarket_monitor"');
        expect(unwrap(roles.inputs.triggers)).to.deep.equal(["postgres-id"]);
        expect(dependenciesOf(runs.real, roles)).to.include(`${CONTAINER}/postgres`);
    });

    it("runs Redis with a required password, AOF, 512mb allkeys-lru, a volume and a health check", () => {
        const redis = named(runs.real, CONTAINER, "redis");
        const command = (redis.inputs.command as string[]).join(" ");
        for (const part of ['--requirepass "$REDIS_PASSWORD"', "--appendonly yes", "--maxmemory 512mb", "--maxmemory-policy allkeys-lru"]) {
            expect(command).to.include(part);
        }
        // Through the image's entrypoint, which drops from root to the redis user (test/dataServices.test.ts).
        expect(command).to.match(/^sh -c exec docker-entrypoint\.sh redis-server /);
        expect(redis.inputs.user, "the entrypoint must start as root to take over the volume").to.equal(undefined);
        expect(Object.keys(containerEnv(redis))).to.deep.equal(["REDIS_PASSWORD"]);
        expect(redis.inputs.volumes).to.deep.equal([{ volumeName: "minimarket-staging-redisdata", containerPath: "/data" }]);
        expect((redis.inputs.healthcheck as { tests: string[] }).tests[0]).to.equal("CMD-SHELL");
        expect(named(runs.real, VOLUME, "redis-data").options.retainOnDelete).to.equal(true);
    });

    it("probes each data service with exactly this command and these timings, and waits for it", async () => {
        // Written out here, not read from the product: a changed probe or timing must change this test.
        const expected: Record<string, { healthcheck: Record<string, unknown>; waitTimeout: number }> = {
            // Over TCP: the image's temporary init server listens on its socket only (test/dataServices.test.ts).
            postgres: {
                healthcheck: {
                    tests: ["CMD", "pg_isready", "-U", "postgres", "-d", "inventario_retail", "-h", "127.0.0.1"],
                    interval: "10s",
                    timeout: "5s",
                    retries: 5,
                    startPeriod: "1m0s",
                    startInterval: "1s",
                },
                waitTimeout: 115,
            },
            // PONG only: a Redis loading its AOF answers LOADING; the password never on the command line.
            redis: {
                healthcheck: {
                    tests: ["CMD-SHELL", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p 6379 ping | grep -q PONG'],
                    interval: "10s",
                    timeout: "5s",
                    retries: 5,
                    startPeriod: "30s",
                    startInterval: "1s",
                },
                waitTimeout: 85,
            },
            // Its metrics written (the loop has started) and the database reachable with its settings.
            backup: {
                healthcheck: {
                    tests: ["CMD-SHELL", 'test -f /metrics/minimarket_backup.prom && pg_isready -q -h "$PGHOST" -p "$PGPORT" -d "$PGDATABASE"'],
                    interval: "15s",
                    timeout: "5s",
                    retries: 5,
                    startPeriod: "20s",
                    startInterval: "1s",
                },
                waitTimeout: 100,
            },
        };
        for (const [name, want] of Object.entries(expected)) {
            const c = named(runs.real, CONTAINER, name);
            expect(unwrap(c.inputs.healthcheck), name).to.deep.equal(want.healthcheck);
            expect({ wait: c.inputs.wait, waitTimeout: c.inputs.waitTimeout }, name).to.deep.equal({ wait: true, waitTimeout: want.waitTimeout });
        }
        expect(containerEnv(named(runs.real, CONTAINER, "backup"))).to.deep.include({ PGHOST: "postgres", PGPORT: "5432", PGDATABASE: "inventario_retail" });
        // Prod runs the same Redis container (without Memorystore).
        const prod = await runProgram({
            stack: "prod",
            config: { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" },
            secretKeys: ["registryPassword"],
        });
        expect(prod.error, prod.error?.stack).to.equal(undefined);
        expect(unwrap(named(prod, CONTAINER, "redis").inputs.healthcheck)).to.deep.equal(expected.redis.healthcheck);
    });

    it("gives every container a restart policy, a memory limit and rotated logs; a readable fixed name to all but the apps", () => {
        const apps = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];
        for (const c of byType(runs.real, CONTAINER)) {
            expect(c.inputs.restart, c.name).to.equal("unless-stopped");
            expect(c.inputs.memory, c.name).to.be.a("number").greaterThan(0);
            expect(c.inputs.logDriver, c.name).to.equal("json-file");
            expect(c.inputs.logOpts, c.name).to.deep.equal({ "max-size": "10m", "max-file": "5" });
            expect(c.options.deleteBeforeReplaceDefined, `${c.name}: the provider's delete-first default is never left implicit`).to.equal(true);
            if (apps.includes(c.name)) {
                expect(c.inputs.name, `${c.name}: auto-named, so old and new can run side by side`).to.equal(undefined);
                expect(c.options.deleteBeforeReplace, `${c.name}: the new container is healthy before the old one goes`).to.equal(false);
                expect(c.inputs.hostname).to.equal(c.name);
            } else {
                expect(c.inputs.name).to.equal(`minimarket-staging-${c.name}`);
                expect(c.options.deleteBeforeReplace, `${c.name}: a fixed name, host port or volume must be freed before its replacement starts`).to.equal(
                    true,
                );
            }
        }
        expect(named(runs.real, CONTAINER, "ml-service").inputs.memory).to.equal(2048);
        for (const app of ["agente-deposito", "agente-negocio", "dashboard"]) {
            expect(named(runs.real, CONTAINER, app).inputs.cpus, `${app}: CPUHigh needs a CPU limit, in the form the provider reads back`).to.equal("1.0");
        }
        expect(named(runs.real, CONTAINER, "ml-service").inputs.cpus).to.equal("2.0");
    });
});
