import { expect } from "chai";
import { encodeUserinfo } from "../src/data/connections";
import {
    byType,
    containerEnv,
    dependenciesOf,
    isSecretWrapper,
    named,
    plainOccurrences,
    ProgramRun,
    Registered,
    runProgram,
    StackSettings,
    unwrap,
} from "./support/program";
import { observabilityResources } from "./support/expected";

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const VOLUME = "docker:index/volume:Volume";
const PASSWORD = "random:index/randomPassword:RandomPassword";

/** Staging with real (private) images for every service, as a team with registry access runs it. */
const realImages: StackSettings = {
    config: {
        services: {
            "agente-deposito": { image: "registry.example.com/minimarket/agente-deposito:1.4.2" },
            "agente-negocio": { image: "registry.example.com/minimarket/agente-negocio:1.4.2" },
            "ml-service": { image: "registry.example.com/minimarket/ml-service:2.0.1", memoryMb: 2048, cpus: 2 },
            dashboard: { image: "registry.example.com/minimarket/dashboard:3.1.0", migrationCommand: false },
        },
    },
};

function withConfig(base: StackSettings, extra: Record<string, unknown>, secretKeys: string[] = []): StackSettings {
    return { ...base, config: { ...base.config, ...extra }, secretKeys: [...(base.secretKeys ?? []), ...secretKeys] };
}

function role(c: Registered): string {
    const labels = unwrap(c.inputs.labels) as Array<{ label: string; value: string }>;
    return labels.find((l) => l.label === "com.minimarket.role")?.value ?? "";
}

/** Resources whose inputs differ between two runs, as `type/name` (added and removed ones too). */
function changed(a: ProgramRun, b: ProgramRun): string[] {
    const key = (r: Registered) => `${r.type}/${r.name}`;
    const before = new Map(a.resources.map((r) => [key(r), JSON.stringify(unwrap(r.inputs))]));
    const after = new Map(b.resources.map((r) => [key(r), JSON.stringify(unwrap(r.inputs))]));
    const keys = new Set([...before.keys(), ...after.keys()]);
    return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

describe("staging stack on one Docker host", () => {
    let demo: ProgramRun;
    let real: ProgramRun;
    before(async () => {
        demo = await runProgram({});
        real = await runProgram(realImages);
        expect(demo.error, demo.error?.stack).to.equal(undefined);
        expect(real.error, real.error?.stack).to.equal(undefined);
    });

    it("declares exactly the expected resources", () => {
        const list = real.resources.map((r) => `${r.type}/${r.name}`).sort();
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
                `${IMAGE}/image-postgres-17.6-bookworm`,
                `${IMAGE}/image-redis-7.4.5-bookworm`,
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
            ].sort(),
        );
    });

    it("keeps every generated secret secret wherever it flows, also percent-encoded", () => {
        expect(real.generated.length).to.equal(13);
        for (const value of real.generated) {
            for (const form of [value, encodeUserinfo(value)]) {
                for (const r of real.resources) {
                    expect(plainOccurrences(r.inputs, form), `${r.type}/${r.name} carries a secret in plain text`).to.deep.equal([]);
                }
                expect(plainOccurrences(real.outputs, form), "stack outputs carry a secret in plain text").to.deep.equal([]);
            }
        }
        expect(isSecretWrapper(real.outputs.secrets), "the secrets output is a secret").to.equal(true);
        expect(Object.keys(unwrap(real.outputs.secrets) as object)).to.have.length(13);
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

    it("publishes the dashboard and Grafana for people, operator UIs on 127.0.0.1 only, and nothing else", () => {
        const published: Record<string, unknown> = {
            dashboard: [{ internal: 8080, external: 8080, ip: "0.0.0.0" }],
            grafana: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }],
            prometheus: [{ internal: 9090, external: 9090, ip: "127.0.0.1" }],
            alertmanager: [{ internal: 9093, external: 9093, ip: "127.0.0.1" }],
        };
        for (const c of byType(real, CONTAINER)) {
            const ports = unwrap(c.inputs.ports) ?? [];
            expect(ports, `${c.name}`).to.deep.equal(published[c.name] ?? []);
        }
    });

    it("puts PostgreSQL and Redis on the internal network only, reachable by DNS alias", () => {
        const data = named(real, "docker:index/network:Network", "host-data");
        expect(data.inputs).to.deep.include({ internal: true, name: "minimarket-staging-data" });
        for (const name of ["postgres", "redis"]) {
            expect(unwrap(named(real, CONTAINER, name).inputs.networksAdvanced)).to.deep.equal([{ name: "minimarket-staging-data", aliases: [name] }]);
        }
        for (const name of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
            const nets = unwrap(named(real, CONTAINER, name).inputs.networksAdvanced) as Array<{ name: string; aliases: string[] }>;
            expect(nets.map((n) => n.name).sort()).to.deep.equal(["minimarket-staging-data", "minimarket-staging-services"]);
            expect(nets.every((n) => n.aliases.includes(name))).to.equal(true);
        }
    });

    it("runs PostgreSQL pinned, with a kept volume, health check and scram-sha-256", () => {
        const pg = named(real, CONTAINER, "postgres");
        const env = containerEnv(pg);
        expect(env.POSTGRES_DB).to.equal("inventario_retail");
        expect(env.POSTGRES_HOST_AUTH_METHOD).to.equal("scram-sha-256");
        expect(env.POSTGRES_INITDB_ARGS).to.include("--auth-host=scram-sha-256");
        expect(pg.inputs.volumes).to.deep.equal([{ volumeName: "minimarket-staging-pgdata", containerPath: "/var/lib/postgresql/data" }]);
        expect((pg.inputs.healthcheck as { tests: string[] }).tests.slice(0, 2)).to.deep.equal(["CMD", "pg_isready"]);
        expect(pg.inputs.wait).to.equal(true);
        expect(pg.options.deleteBeforeReplace, "two postgres containers must never share the volume").to.equal(true);
        expect(named(real, VOLUME, "postgres-data").options.retainOnDelete).to.equal(true);
        expect(named(real, IMAGE, "image-postgres-17.6-bookworm").inputs.name).to.equal("postgres:17.6-bookworm");
    });

    it("sets the database roles' passwords through stdin after PostgreSQL is healthy, and again when the container changes", () => {
        const roles = named(real, COMMAND, "postgres-roles");
        expect(roles.inputs.create).to.equal("docker exec -i minimarket-staging-postgres psql -q -U postgres -d inventario_retail");
        const stdin = unwrap(roles.inputs.stdin) as string;
        expect(stdin).to.include('ALTER ROLE "minimarket_app" WITH LOGIN PASSWORD');
        expect(stdin).to.include('GRANT "pg_monitor" TO "minimarket_monitor"');
        expect(unwrap(roles.inputs.triggers)).to.deep.equal(["postgres-id"]);
        expect(dependenciesOf(real, roles)).to.include(`${CONTAINER}/postgres`);
    });

    it("runs Redis with a required password, AOF, 512mb allkeys-lru, a volume and a health check", () => {
        const redis = named(real, CONTAINER, "redis");
        const command = (redis.inputs.command as string[]).join(" ");
        for (const part of ['--requirepass "$REDIS_PASSWORD"', "--appendonly yes", "--maxmemory 512mb", "--maxmemory-policy allkeys-lru"]) {
            expect(command).to.include(part);
        }
        expect(Object.keys(containerEnv(redis))).to.deep.equal(["REDIS_PASSWORD"]);
        expect(redis.inputs.volumes).to.deep.equal([{ volumeName: "minimarket-staging-redisdata", containerPath: "/data" }]);
        expect((redis.inputs.healthcheck as { tests: string[] }).tests[0]).to.equal("CMD-SHELL");
        expect(named(real, VOLUME, "redis-data").options.retainOnDelete).to.equal(true);
    });

    it("gives every container a restart policy, a memory limit, rotated logs and a readable fixed name", () => {
        for (const c of byType(real, CONTAINER)) {
            expect(c.inputs.restart, c.name).to.equal("unless-stopped");
            expect(c.inputs.memory, c.name).to.be.a("number").greaterThan(0);
            expect(c.inputs.logDriver, c.name).to.equal("json-file");
            expect(c.inputs.logOpts, c.name).to.deep.equal({ "max-size": "10m", "max-file": "5" });
            expect(c.inputs.name).to.equal(`minimarket-staging-${c.name}`);
            expect(c.options.deleteBeforeReplace, `${c.name}: a fixed name must be freed before its replacement starts`).to.equal(true);
        }
        expect(named(real, CONTAINER, "ml-service").inputs.memory).to.equal(2048);
        for (const app of ["agente-deposito", "agente-negocio", "dashboard"]) {
            expect(named(real, CONTAINER, app).inputs.cpus, `${app}: CPUHigh needs a CPU limit, in the form the provider reads back`).to.equal("1.0");
        }
        expect(named(real, CONTAINER, "ml-service").inputs.cpus).to.equal("2.0");
    });

    it("gives the apps the SPEC's environment contract with typed values", () => {
        const deposito = containerEnv(named(real, CONTAINER, "agente-deposito"));
        expect(deposito).to.include({
            ENVIRONMENT: "staging",
            LOG_LEVEL: "INFO",
            TZ: "America/Argentina/Buenos_Aires",
            CORS_ORIGINS: '["http://localhost:8080"]',
        });
        expect(deposito.JWT_SECRET_DEPOSITO).to.equal(deposito.JWT_SECRET_KEY);
        expect(JSON.parse(deposito.CORS_ORIGINS)).to.deep.equal(["http://localhost:8080"]);

        const negocio = containerEnv(named(real, CONTAINER, "agente-negocio"));
        expect(negocio).to.include({ AGENTE_DEPOSITO_URL: "http://agente-deposito:8001", OCR_TIMEOUT_SECONDS: "30", TESSERACT_CMD: "/usr/bin/tesseract" });
        expect(negocio.JWT_SECRET_NEGOCIO).to.equal(negocio.JWT_SECRET_KEY);

        const ml = containerEnv(named(real, CONTAINER, "ml-service"));
        expect(ml).to.include({ INFLATION_RATE_MONTHLY: "0.045" });

        const dash = containerEnv(named(real, CONTAINER, "dashboard"));
        expect(dash).to.include({
            AGENTE_DEPOSITO_URL: "http://agente-deposito:8001",
            AGENTE_NEGOCIO_URL: "http://agente-negocio:8002",
            ML_PREDICTOR_URL: "http://ml-service:8003",
            DASHBOARD_RATELIMIT_ENABLED: "true",
            DASHBOARD_RATELIMIT_REQUESTS: "100",
            DASHBOARD_RATELIMIT_WINDOW: "60",
            DASHBOARD_ENABLE_HSTS: "true",
            DASHBOARD_FORCE_HTTPS: "false",
            METRICS_ENABLED: "true",
            STRUCTURED_LOGGING: "true",
        });
        expect(JSON.parse(dash.DASHBOARD_CORS_ORIGINS)).to.deep.equal(["http://localhost:8080"]);
        expect(dash.DASHBOARD_API_KEY).to.have.length(48);
        expect(dash.DASHBOARD_UI_API_KEY).to.have.length(48);
        expect(dash.DASHBOARD_API_KEY).not.to.equal(dash.DASHBOARD_UI_API_KEY);
        const jwts = [deposito, negocio, ml, dash].map((e) => e.JWT_SECRET_KEY);
        expect(new Set(jwts).size, "each service has its own JWT secret").to.equal(4);
        for (const e of [deposito, negocio, ml, dash]) {
            expect(e.DATABASE_URL).to.match(/^postgresql:\/\/minimarket_app:[^@]+@postgres:5432\/inventario_retail$/);
            expect(e.REDIS_URL).to.match(/^redis:\/\/:[^@]+@redis:6379\/0$/);
        }
    });

    it("lets operators add and override plain and secret variables per service from config", async () => {
        const run = await runProgram(
            withConfig(
                realImages,
                {
                    services: {
                        ...(realImages.config!.services as object),
                        "agente-negocio": {
                            image: "registry.example.com/minimarket/agente-negocio:1.4.2",
                            env: { OCR_TIMEOUT_SECONDS: 45, FEATURE_FLAGS: ["ocr-v2", "bulk"] },
                        },
                    },
                    secretEnv: { "agente-negocio": { AWS_SECRET_ACCESS_KEY: "aws-secret", S3_BUCKET_NAME: "facturas" } },
                },
                ["secretEnv"],
            ),
        );
        const env = containerEnv(named(run, CONTAINER, "agente-negocio"));
        expect(env).to.include({
            OCR_TIMEOUT_SECONDS: "45",
            FEATURE_FLAGS: '["ocr-v2","bulk"]',
            AWS_SECRET_ACCESS_KEY: "aws-secret",
            S3_BUCKET_NAME: "facturas",
        });
        expect(containerEnv(named(run, CONTAINER, "agente-deposito"))).not.to.have.property("AWS_SECRET_ACCESS_KEY");
    });

    it("carries a password full of special characters into DATABASE_URL and REDIS_URL correctly encoded", async () => {
        const password = `p&?!)$'" %@/:#[]\\+=~^|{}<>;,\`*(-x-padding-to-be-strong`;
        const run = await runProgram(withConfig(realImages, { postgresPassword: password, redisPassword: password }, ["postgresPassword", "redisPassword"]));
        expect(run.error).to.equal(undefined);
        const env = containerEnv(named(run, CONTAINER, "agente-deposito"));
        const db = new URL(env.DATABASE_URL);
        expect(db.protocol).to.equal("postgresql:");
        expect(db.hostname).to.equal("postgres");
        expect(db.port).to.equal("5432");
        expect(db.pathname).to.equal("/inventario_retail");
        expect(decodeURIComponent(db.username)).to.equal("minimarket_app");
        expect(decodeURIComponent(db.password)).to.equal(password);
        expect(db.password).to.match(/^[A-Za-z0-9%._~-]+$/, "only unreserved characters and escapes in the userinfo");
        const redis = new URL(env.REDIS_URL);
        expect(decodeURIComponent(redis.password)).to.equal(password);
        expect(redis.hostname).to.equal("redis");
        // The role password reaches PostgreSQL as a correctly quoted SQL literal.
        expect(unwrap(named(run, COMMAND, "postgres-roles").inputs.stdin)).to.include(`PASSWORD '${password.replace(/'/g, "''")}'`);
    });

    it("starts services in the SPEC's order, each after what it waits for is healthy", () => {
        const deps = (name: string) => dependenciesOf(real, named(real, CONTAINER, name));
        for (const name of ["agente-deposito", "agente-negocio", "ml-service"]) {
            expect(deps(name), name).to.include.members([`${COMMAND}/postgres-roles`, `${CONTAINER}/redis`, `${COMMAND}/${name}-migrate`]);
        }
        expect(deps("agente-negocio")).to.include(`${CONTAINER}/agente-deposito`);
        expect(deps("dashboard")).to.include.members([`${CONTAINER}/agente-deposito`, `${CONTAINER}/agente-negocio`, `${CONTAINER}/ml-service`]);
        for (const c of byType(real, CONTAINER).filter((c) => ["app", "data"].includes(role(c)))) {
            expect(c.inputs.wait, `${c.name} is declared created only once healthy`).to.equal(true);
            expect((c.inputs.healthcheck as { tests: string[] }).tests.length).to.be.greaterThan(1);
        }
        const health = (named(real, CONTAINER, "dashboard").inputs.healthcheck as { tests: string[] }).tests.join(" ");
        expect(health).to.include("http://127.0.0.1:8080/health");
    });

    it("runs each new image's migration once, from that image, before it serves, with secrets out of the command line", () => {
        const migrate = named(real, COMMAND, "ml-service-migrate");
        const create = migrate.inputs.create as string;
        expect(create).to.match(/^docker run --rm --name minimarket-staging-ml-service-migrate --network minimarket-staging-data /);
        expect(create).to.match(/ -e DATABASE_URL /);
        expect(create).to.match(/ registry\.example\.com\/minimarket\/ml-service:2\.0\.1 alembic upgrade head$/);
        expect(unwrap(migrate.inputs.environment)).to.have.property("DATABASE_URL");
        expect(isSecretWrapper(migrate.inputs.environment)).to.equal(true);
        expect(migrate.inputs.update, "a changed secret must not re-run migrations").to.equal("true");
        const triggers = unwrap(migrate.inputs.triggers) as string[];
        expect(triggers[0]).to.match(/^sha256:/);
        expect(dependenciesOf(real, migrate)).to.include.members([
            `${COMMAND}/postgres-roles`,
            `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.1`,
        ]);
        expect(
            real.resources.find((r) => r.name === "dashboard-migrate"),
            "skipped by config",
        ).to.equal(undefined);
    });

    it("honours a per-service migration command", async () => {
        const run = await runProgram(
            withConfig(realImages, {
                services: {
                    ...(realImages.config!.services as object),
                    "agente-negocio": {
                        image: "registry.example.com/minimarket/agente-negocio:1.4.2",
                        migrationCommand: ["python", "-m", "negocio.migrate", "--to", "head's"],
                    },
                },
            }),
        );
        expect(named(run, COMMAND, "agente-negocio-migrate").inputs.create).to.match(/ python -m negocio\.migrate --to 'head'"'"'s'$/);
    });

    it("a changed image version replaces that service's container and migration only", async () => {
        const bumped = await runProgram(
            withConfig(realImages, {
                services: {
                    ...(realImages.config!.services as object),
                    "ml-service": { image: "registry.example.com/minimarket/ml-service:2.0.2", memoryMb: 2048 },
                },
            }),
        );
        expect(changed(real, bumped)).to.deep.equal(
            [
                `${CONTAINER}/ml-service`,
                `${COMMAND}/ml-service-migrate`,
                `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.1`,
                `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.2`,
            ].sort(),
        );
        const before = unwrap(named(real, COMMAND, "ml-service-migrate").inputs.triggers);
        const after = unwrap(named(bumped, COMMAND, "ml-service-migrate").inputs.triggers);
        expect(after, "the migration re-runs for the new image").not.to.deep.equal(before);
    });

    it("a rotated secret changes only the containers that consume it and leaves images and volumes untouched", async () => {
        const rotated = await runProgram(withConfig(realImages, { rotations: { redisPassword: 1 } }));
        const diff = changed(real, rotated);
        expect(diff).to.deep.equal(
            [
                `${PASSWORD}/redisPassword`,
                `${CONTAINER}/redis`,
                `${CONTAINER}/redis-exporter`,
                ...["agente-deposito", "agente-negocio", "ml-service", "dashboard"].map((s) => `${CONTAINER}/${s}`),
                // Only their stored environment: `update` is a no-op, the triggers are unchanged.
                ...["agente-deposito", "agente-negocio", "ml-service"].map((s) => `${COMMAND}/${s}-migrate`),
            ].sort(),
        );
        for (const s of ["agente-deposito", "agente-negocio", "ml-service"]) {
            expect(unwrap(named(rotated, COMMAND, `${s}-migrate`).inputs.triggers)).to.deep.equal(unwrap(named(real, COMMAND, `${s}-migrate`).inputs.triggers));
        }
        expect(containerEnv(named(rotated, CONTAINER, "redis")).REDIS_PASSWORD).not.to.equal(containerEnv(named(real, CONTAINER, "redis")).REDIS_PASSWORD);

        const jwt = changed(real, await runProgram(withConfig(realImages, { rotations: { jwtSecretMl: 1 } })));
        expect(jwt).to.deep.equal([`${PASSWORD}/jwtSecretMl`, `${CONTAINER}/ml-service`, `${COMMAND}/ml-service-migrate`].sort());

        const pg = changed(real, await runProgram(withConfig(realImages, { rotations: { postgresPassword: 1 } })));
        expect(pg, "the running database's password is changed in place, the postgres container is kept").to.include(`${COMMAND}/postgres-roles`);
        expect(pg).not.to.include(`${CONTAINER}/postgres`);
        expect(pg.filter((r) => r.startsWith(IMAGE) || r.startsWith(VOLUME))).to.deep.equal([]);
    });

    it("runs a labelled public stand-in for each service without an image (demo mode)", () => {
        expect(demo.outputs.standIns).to.deep.equal(["agente-deposito", "agente-negocio", "ml-service", "dashboard"]);
        for (const name of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
            const c = named(demo, CONTAINER, name);
            expect(unwrap(c.inputs.labels)).to.deep.include({ label: "com.minimarket.standin", value: "true" });
            expect((c.inputs.command as string[]).slice(0, 3)).to.deep.equal(["python", "-u", "-c"]);
            expect(containerEnv(c)).to.include({ STANDIN_SERVICE: name });
        }
        expect(byType(demo, IMAGE).map((i) => i.inputs.name)).to.include("python:3.12.11-slim-bookworm");
        expect(
            byType(demo, COMMAND).filter((c) => c.name.endsWith("-migrate")),
            "stand-ins have nothing to migrate",
        ).to.deep.equal([]);
        expect(real.outputs.standIns).to.deep.equal([]);
        for (const c of byType(real, CONTAINER).filter((c) => role(c) === "app")) {
            expect(c.inputs.command, `${c.name} runs its image's own command`).to.equal(undefined);
        }
    });

    it("points the provider and every docker CLI step at a remote host over ssh:// when configured", async () => {
        const run = await runProgram(withConfig(realImages, { dockerHost: "ssh://deploy@staging.example.com", dockerSshOpts: ["-i", "/home/ci/.ssh/deploy"] }));
        const provider = named(run, "pulumi:providers:docker", "host-docker");
        expect(provider.inputs.host).to.equal("ssh://deploy@staging.example.com");
        expect(JSON.parse(String(provider.inputs.sshOpts))).to.deep.equal(["-i", "/home/ci/.ssh/deploy"]);
        for (const c of byType(run, COMMAND)) {
            expect((unwrap(c.inputs.environment) as Record<string, string>).DOCKER_HOST, c.name).to.equal("ssh://deploy@staging.example.com");
        }
        for (const c of byType(run, CONTAINER)) expect(c.provider, c.name).to.match(/host-docker/);
    });
});
