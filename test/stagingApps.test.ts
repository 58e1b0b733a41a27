import { expect } from "chai";
import { byType, containerEnv, dependenciesOf, isSecretWrapper, named, runProgram, unwrap } from "./support/program";

import { CONTAINER, COMMAND, IMAGE, VOLUME, PASSWORD, realImages, stagingRuns, withConfig, role, changed } from "./support/staging";

describe("staging stack on one Docker host: apps, releases and blast radius", () => {
    const runs = stagingRuns();
    it("gives the apps the SPEC's environment contract with typed values", () => {
        const deposito = containerEnv(named(runs.real, CONTAINER, "agente-deposito"));
        expect(deposito).to.include({
            ENVIRONMENT: "staging",
            LOG_LEVEL: "INFO",
            TZ: "America/Argentina/Buenos_Aires",
            CORS_ORIGINS: '["http://localhost:8080"]',
        });
        expect(deposito.JWT_SECRET_DEPOSITO).to.equal(deposito.JWT_SECRET_KEY);
        expect(JSON.parse(deposito.CORS_ORIGINS)).to.deep.equal(["http://localhost:8080"]);

        const negocio = containerEnv(named(runs.real, CONTAINER, "agente-negocio"));
        expect(negocio).to.include({ AGENTE_DEPOSITO_URL: "http://agente-deposito:8001", OCR_TIMEOUT_SECONDS: "30", TESSERACT_CMD: "/usr/bin/tesseract" });
        expect(negocio.JWT_SECRET_NEGOCIO).to.equal(negocio.JWT_SECRET_KEY);

        const ml = containerEnv(named(runs.real, CONTAINER, "ml-service"));
        expect(ml).to.include({ INFLATION_RATE_MONTHLY: "0.045" });

        const dash = containerEnv(named(runs.real, CONTAINER, "dashboard"));
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
        const deps = (name: string) => dependenciesOf(runs.real, named(runs.real, CONTAINER, name));
        for (const name of ["agente-deposito", "agente-negocio", "ml-service"]) {
            expect(deps(name), name).to.include.members([`${COMMAND}/postgres-roles`, `${CONTAINER}/redis`, `${COMMAND}/${name}-migrate`]);
        }
        expect(deps("agente-negocio")).to.include(`${CONTAINER}/agente-deposito`);
        expect(deps("dashboard")).to.include.members([`${CONTAINER}/agente-deposito`, `${CONTAINER}/agente-negocio`, `${CONTAINER}/ml-service`]);
        for (const c of byType(runs.real, CONTAINER).filter((c) => ["app", "data"].includes(role(c)))) {
            expect(c.inputs.wait, `${c.name} is declared created only once healthy`).to.equal(true);
            expect((c.inputs.healthcheck as { tests: string[] }).tests.length).to.be.greaterThan(1);
        }
        const health = (named(runs.real, CONTAINER, "dashboard").inputs.healthcheck as { tests: string[] }).tests.join(" ");
        expect(health).to.include("http://127.0.0.1:8080/health");
    });

    it("replaces an app side by side: its migration completes first, the new container must be healthy, the old one goes last", () => {
        for (const name of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
            const c = named(runs.real, CONTAINER, name);
            expect(c.options, name).to.include({ deleteBeforeReplace: false, deleteBeforeReplaceDefined: true });
            expect(c.inputs.name, `${name}: no fixed name`).to.equal(undefined);
            expect(unwrap(c.inputs.ports), `${name}: no host port`).to.deep.equal([]);
            // A new container that never becomes healthy fails its create, so the deploy stops with the old one serving.
            expect(c.inputs.wait, name).to.equal(true);
            expect(c.inputs.waitTimeout, name).to.equal(110);
            expect(c.inputs.healthcheck, name).to.deep.include({ interval: "15s", startInterval: "1s", startPeriod: "1m0s", retries: 3 });
            const nets = unwrap(c.inputs.networksAdvanced) as Array<{ aliases: string[] }>;
            expect(
                nets.every((n) => n.aliases.includes(name)),
                `${name}: reached by its alias, shared by old and new`,
            ).to.equal(true);
        }
        for (const name of ["agente-deposito", "agente-negocio", "ml-service"]) {
            expect(dependenciesOf(runs.real, named(runs.real, CONTAINER, name)), name).to.include(`${COMMAND}/${name}-migrate`);
        }
    });

    it("runs each new image's migration once, from that image, before it serves, with secrets out of the command line", () => {
        const migrate = named(runs.real, COMMAND, "ml-service-migrate");
        const create = migrate.inputs.create as string;
        expect(create).to.match(
            /^docker rm -f minimarket-staging-ml-service-migrate >\/dev\/null 2>&1 \|\| true; docker run --rm --name minimarket-staging-ml-service-migrate --network minimarket-staging-data /,
        );
        expect(create).to.match(/ -e DATABASE_URL /);
        expect(create).to.match(/ registry\.example\.com\/minimarket\/ml-service:2\.0\.1 alembic upgrade head$/);
        expect(unwrap(migrate.inputs.environment)).to.have.property("DATABASE_URL");
        expect(isSecretWrapper(migrate.inputs.environment)).to.equal(true);
        expect(migrate.inputs.update, "a changed secret must not re-run migrations").to.equal("true");
        const triggers = unwrap(migrate.inputs.triggers) as string[];
        expect(triggers[0]).to.match(/^sha256:/);
        expect(dependenciesOf(runs.real, migrate)).to.include.members([
            `${COMMAND}/postgres-roles`,
            `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.1`,
        ]);
        expect(
            runs.real.resources.find((r) => r.name === "dashboard-migrate"),
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
        expect(changed(runs.real, bumped)).to.deep.equal(
            [
                `${CONTAINER}/ml-service`,
                `${COMMAND}/ml-service-migrate`,
                `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.1`,
                `${IMAGE}/image-registry.example.com-minimarket-ml-service-2.0.2`,
            ].sort(),
        );
        const before = unwrap(named(runs.real, COMMAND, "ml-service-migrate").inputs.triggers);
        const after = unwrap(named(bumped, COMMAND, "ml-service-migrate").inputs.triggers);
        expect(after, "the migration re-runs for the new image").not.to.deep.equal(before);
    });

    it("a rotated secret changes only the containers that consume it and leaves images and volumes untouched", async () => {
        const rotated = await runProgram(withConfig(realImages, { rotations: { redisPassword: 1 } }));
        const diff = changed(runs.real, rotated);
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
            expect(unwrap(named(rotated, COMMAND, `${s}-migrate`).inputs.triggers)).to.deep.equal(
                unwrap(named(runs.real, COMMAND, `${s}-migrate`).inputs.triggers),
            );
        }
        expect(containerEnv(named(rotated, CONTAINER, "redis")).REDIS_PASSWORD).not.to.equal(containerEnv(named(runs.real, CONTAINER, "redis")).REDIS_PASSWORD);

        const jwt = changed(runs.real, await runProgram(withConfig(realImages, { rotations: { jwtSecretMl: 1 } })));
        expect(jwt).to.deep.equal([`${PASSWORD}/jwtSecretMl`, `${CONTAINER}/ml-service`, `${COMMAND}/ml-service-migrate`].sort());

        const pg = changed(runs.real, await runProgram(withConfig(realImages, { rotations: { postgresPassword: 1 } })));
        expect(pg, "the running database's password is changed in place, the postgres container is kept").to.include(`${COMMAND}/postgres-roles`);
        expect(pg).not.to.include(`${CONTAINER}/postgres`);
        expect(pg.filter((r) => r.startsWith(IMAGE) || r.startsWith(VOLUME))).to.deep.equal([]);
    });

    it("runs a labelled public stand-in for each service without an image (runs.demo mode)", () => {
        expect(runs.demo.outputs.standIns).to.deep.equal(["agente-deposito", "agente-negocio", "ml-service", "dashboard"]);
        for (const name of ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]) {
            const c = named(runs.demo, CONTAINER, name);
            expect(unwrap(c.inputs.labels)).to.deep.include({ label: "com.minimarket.standin", value: "true" });
            expect((c.inputs.command as string[]).slice(0, 3)).to.deep.equal(["python", "-u", "-c"]);
            expect(containerEnv(c)).to.include({ STANDIN_SERVICE: name });
        }
        expect(byType(runs.demo, IMAGE).map((i) => i.inputs.name)).to.include("python:3.12.14-slim-bookworm");
        expect(
            byType(runs.demo, COMMAND).filter((c) => c.name.endsWith("-migrate")),
            "stand-ins have nothing to migrate",
        ).to.deep.equal([]);
        expect(runs.real.outputs.standIns).to.deep.equal([]);
        for (const c of byType(runs.real, CONTAINER).filter((c) => role(c) === "app")) {
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
