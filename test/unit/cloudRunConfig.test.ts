// `gcp.runtime` and `gcp.cloudRun` (config/cloudRunSchema.ts, cloudRunRules.ts): what Cloud Run
// accepts, what the apps need there, and the capacity check, each refusal naming the key and the fix.

import { expect } from "chai";
import { GcpStackConfig } from "../../config";
import { serviceNames } from "../../facts/services";
import { parsed, problemsOf, problemsOrNone, prodValues } from "../config/support";

/** A valid prod config on Cloud Run; `gcp` and `services` edit it. */
function cloudRun(gcp: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const base = prodValues();
    return { ...base, gcp: { ...(base.gcp as object), runtime: "cloudrun", redis: { mode: "memorystore" }, ...gcp }, ...extra };
}

function services(edit: Record<string, Record<string, unknown>>): Record<string, unknown> {
    const base = prodValues().services as Record<string, Record<string, unknown>>;
    return { services: Object.fromEntries(serviceNames.map((n) => [n, { ...base[n], ...edit[n] }])) };
}

const prod = { stack: "prod" };

describe("unit: gcp.runtime cloudrun", () => {
    it("defaults to vm, and gives each Cloud Run service its scaling defaults and a smaller VM for the observability stack", () => {
        const vm = parsed(prodValues(), prod) as GcpStackConfig;
        expect(vm.gcp.runtime).to.equal("vm");
        expect(vm.gcp.machineType).to.equal("e2-standard-4");
        const config = parsed(
            cloudRun({ cloudRun: { dashboard: { maxInstances: 4, serveRevision: "minimarket-prod-dashboard-00003-abc" } } }),
            prod,
        ) as GcpStackConfig;
        expect(config.gcp.runtime).to.equal("cloudrun");
        expect(config.gcp.machineType).to.equal("e2-standard-2");
        expect(config.gcp.cloudRun.services.dashboard).to.deep.equal({
            minInstances: 1,
            maxInstances: 4,
            concurrency: 40,
            poolSize: 5,
            serveRevision: "minimarket-prod-dashboard-00003-abc",
        });
        expect(config.gcp.cloudRun.services["ml-service"]).to.deep.equal({
            minInstances: 1,
            maxInstances: 3,
            concurrency: 40,
            poolSize: 5,
            serveRevision: undefined,
        });
        expect(config.gcp.cloudRun.databaseMaxConnections).to.equal(undefined);
    });

    it("reads every gcp.cloudRun key of a whole config", () => {
        const everything = {
            databaseMaxConnections: 400,
            ...Object.fromEntries(
                serviceNames.map((n, i) => [
                    n,
                    { minInstances: i, maxInstances: 4 + i, concurrency: 10 * (i + 1), poolSize: 2 + i, serveRevision: `minimarket-prod-${n}-0000${i}-abc` },
                ]),
            ),
        };
        const config = parsed(cloudRun({ cloudRun: everything, machineType: "e2-standard-4" }), prod) as GcpStackConfig;
        expect(config.gcp.cloudRun.databaseMaxConnections).to.equal(400);
        expect(config.gcp.machineType).to.equal("e2-standard-4");
        serviceNames.forEach((n, i) =>
            expect(config.gcp.cloudRun.services[n], n).to.deep.equal({
                minInstances: i,
                maxInstances: 4 + i,
                concurrency: 10 * (i + 1),
                poolSize: 2 + i,
                serveRevision: `minimarket-prod-${n}-0000${i}-abc`,
            }),
        );
        // Values as the CLI stores them with --path: text.
        const text = parsed(cloudRun({ cloudRun: { dashboard: { maxInstances: "6", poolSize: "2" }, databaseMaxConnections: "300" } }), prod) as GcpStackConfig;
        expect(text.gcp.cloudRun.services.dashboard).to.deep.include({ maxInstances: 6, poolSize: 2 });
        expect(text.gcp.cloudRun.databaseMaxConnections).to.equal(300);
    });

    it("checks Cloud Run's limits on platform gcp only: the Docker platform reads no gcp block", () => {
        const values = cloudRun({}, services({ dashboard: { cpus: 0.5 } }));
        expect(problemsOf(values, prod)).to.include(
            "minimarket:services.dashboard.cpus: 0.5 CPUs is not a Cloud Run size; use 1, 2, 4, 6, 8 (below 1 needs request-based billing, which the metrics sidecar cannot run under)",
        );
        expect(problemsOrNone({ ...values, platform: "docker", dockerHost: "ssh://deploy@10.0.0.5" }, prod)).to.deep.equal([]);
    });

    it("refuses a runtime it does not know, and gcp.cloudRun on the vm runtime", () => {
        expect(problemsOf(prodValues({ gcp: { ...(prodValues().gcp as object), runtime: "gke" } }), prod)).to.deep.equal([
            'minimarket:gcp.runtime: must be one of vm, cloudrun, got "gke"',
        ]);
        expect(problemsOf(prodValues({ gcp: { ...(prodValues().gcp as object), cloudRun: { dashboard: { maxInstances: 2 } } } }), prod)).to.deep.equal([
            "minimarket:gcp.cloudRun: is only read with gcp.runtime cloudrun; run `scripts/stack.sh --stack prod config set --path gcp.runtime cloudrun`, or `scripts/stack.sh --stack prod config rm --path gcp.cloudRun`",
        ]);
    });

    it("refuses maintenance mode, which only the proxy in front of a VM can serve, and keeps it on vm", () => {
        // As `config set --path maintenance.enabled true` stores it (a boolean), and as a string.
        expect(problemsOf(cloudRun({}, { maintenance: { enabled: "true" } }), prod)).to.deep.equal(
            problemsOf(cloudRun({}, { maintenance: { enabled: true } }), prod),
        );
        expect(problemsOf(cloudRun({}, { maintenance: { enabled: true } }), prod)).to.deep.equal([
            "minimarket:maintenance.enabled: has no effect with gcp.runtime cloudrun: the dashboard is served by the load balancer, not by the proxy that answers 503; run `scripts/stack.sh --stack prod config set --path maintenance.enabled false`, and route traffic with `gcp.cloudRun.<service>.serveRevision` instead",
        ]);
        expect(problemsOrNone(cloudRun({}, { maintenance: { enabled: "false" } }), prod)).to.deep.equal([]);
        expect(parsed(prodValues({ maintenance: { enabled: "true" } }), prod).maintenance.enabled).to.equal(true);
    });

    it("needs Memorystore and a subnet Direct VPC egress can draw from", () => {
        expect(problemsOf(cloudRun({ redis: { mode: "container" }, networkCidr: "10.20.0.0/27" }), prod)).to.have.members([
            "minimarket:gcp.networkCidr: is a /27, but Cloud Run's Direct VPC egress needs a /26 or larger; set a wider range with `scripts/stack.sh --stack prod config set --path gcp.networkCidr <cidr>`",
            "minimarket:gcp.redis.mode: must be memorystore with gcp.runtime cloudrun: Cloud Run's instances share one Redis, reached over Direct VPC egress; run `scripts/stack.sh --stack prod config set --path gcp.redis.mode memorystore`",
        ]);
        // A /26 is wide enough for Google, not for four services and their jobs (the capacity check says so).
        expect(problemsOf(cloudRun({ networkCidr: "10.20.0.0/26" }), prod)).to.deep.equal([
            "minimarket:gcp.networkCidr: 10.20.0.0/26 has 59 usable addresses but Cloud Run's instances can hold 192 during a rollout (16-address blocks, 2 per instance, old and new revision); widen it with `scripts/stack.sh --stack prod config set --path gcp.networkCidr <cidr>` or lower `gcp.cloudRun.<service>.maxInstances`",
        ]);
    });

    it("takes whole CPUs and the memory Cloud Run allows for them", () => {
        expect(
            problemsOf(cloudRun({}, services({ dashboard: { cpus: 0.5 }, "ml-service": { cpus: 2, memoryMb: 16384 }, "agente-negocio": { cpus: 3 } })), prod),
        ).to.have.members([
            "minimarket:services.agente-negocio.cpus: 3 CPUs is not a Cloud Run size; use 1, 2, 4, 6, 8 (below 1 needs request-based billing, which the metrics sidecar cannot run under)",
            "minimarket:services.dashboard.cpus: 0.5 CPUs is not a Cloud Run size; use 1, 2, 4, 6, 8 (below 1 needs request-based billing, which the metrics sidecar cannot run under)",
            "minimarket:services.ml-service.memoryMb: 16384 MB does not fit 2 CPU on Cloud Run, which takes 512 to 8192 MB; change memoryMb or cpus",
        ]);
        expect(problemsOf(cloudRun({}, services({ dashboard: { cpus: 4, memoryMb: 1024 } })), prod)).to.deep.equal([
            "minimarket:services.dashboard.memoryMb: 1024 MB does not fit 4 CPU on Cloud Run, which takes 2048 to 16384 MB; change memoryMb or cpus",
        ]);
        // The edges are inside.
        expect(
            problemsOrNone(cloudRun({}, services({ dashboard: { cpus: 4, memoryMb: 2048 }, "ml-service": { cpus: 2, memoryMb: 8192 } })), prod),
        ).to.deep.equal([]);
        // On the vm runtime fractions are fine.
        expect(problemsOrNone(prodValues(services({ dashboard: { cpus: 0.5 } })), prod)).to.deep.equal([]);
    });

    it("reports a limit the schema refused once, not again as a Cloud Run size", () => {
        expect(problemsOf(cloudRun({}, services({ dashboard: { cpus: "lots" }, "ml-service": { memoryMb: "big" } })), prod)).to.have.members([
            'minimarket:services.dashboard.cpus: expected a number of CPU cores from 0.1 to 64, got "lots"',
            'minimarket:services.ml-service.memoryMb: expected a whole number from 64 to 65536, got "big"',
        ]);
    });

    it("refuses a variable Cloud Run sets itself, in env and in secretEnv", () => {
        expect(
            problemsOf(cloudRun({}, { ...services({ dashboard: { env: { PORT: "9000" } } }), secretEnv: { "ml-service": { K_SERVICE: "x".repeat(8) } } }), {
                ...prod,
                secretKeys: ["secretEnv"],
            }),
        ).to.have.members([
            "minimarket:secretEnv.ml-service.K_SERVICE: is set by Cloud Run itself in every instance and cannot be overridden; run `scripts/stack.sh --stack prod config rm --path 'secretEnv.ml-service.K_SERVICE'`",
            "minimarket:services.dashboard.env.PORT: is set by Cloud Run itself in every instance and cannot be overridden; run `scripts/stack.sh --stack prod config rm --path 'services.dashboard.env.PORT'`",
        ]);
        const reserved = problemsOf(cloudRun({}, services({ "agente-negocio": { env: { K_REVISION: "r", K_CONFIGURATION: "c", K_SERVICES: "fine" } } })), prod);
        expect(reserved.map((p) => p.slice(0, p.indexOf(":", 11)))).to.deep.equal([
            "minimarket:services.agente-negocio.env.K_REVISION",
            "minimarket:services.agente-negocio.env.K_CONFIGURATION",
        ]);
    });

    it("checks each service's scaling, and that a rollback names a revision of that service", () => {
        expect(
            problemsOf(
                cloudRun({ cloudRun: { dashboard: { minInstances: 4, maxInstances: 2 }, "ml-service": { concurrency: 0, poolSize: "many" }, agente: {} } }),
                prod,
            ),
        ).to.have.members([
            "minimarket:gcp.cloudRun.agente: unknown field; the fields of gcp.cloudRun are agente-deposito, agente-negocio, ml-service, dashboard, databaseMaxConnections",
            "minimarket:gcp.cloudRun.dashboard.minInstances: 4 is more than maxInstances (2); lower it or raise maxInstances",
            "minimarket:gcp.cloudRun.ml-service.concurrency: expected a whole number from 1 to 1000, got 0",
            'minimarket:gcp.cloudRun.ml-service.poolSize: expected a whole number from 1 to 1000, got "many"',
        ]);
        // Equal bounds are fine; a fractional bound is the schema's problem alone.
        expect(problemsOrNone(cloudRun({ cloudRun: { dashboard: { minInstances: 3, maxInstances: 3 } } }), prod)).to.deep.equal([]);
        expect(problemsOf(cloudRun({ cloudRun: { dashboard: { minInstances: 2.5, maxInstances: 2 } } }), prod)).to.deep.equal([
            "minimarket:gcp.cloudRun.dashboard.minInstances: expected a whole number from 0 to 1000, got 2.5",
        ]);
        expect(problemsOf(cloudRun({ cloudRun: { dashboard: { maxInstance: 4 } } }), prod)).to.deep.equal([
            "minimarket:gcp.cloudRun.dashboard.maxInstance: unknown field; the fields are minInstances, maxInstances, concurrency, poolSize, serveRevision; did you mean `maxInstances`?",
        ]);
        expect(problemsOf(cloudRun({ cloudRun: { dashboard: null } }), prod)[0]).to.match(/^minimarket:gcp\.cloudRun\.dashboard: expected an object, got null/);
        // Not a revision name at all: upper case, a leading dash, a trailing character no name has.
        for (const bad of ["Minimarket-prod-dashboard-00001-abc", "-minimarket-prod-dashboard-00001-abc", "minimarket-prod-dashboard-00001-abc!"]) {
            expect(problemsOf(cloudRun({ cloudRun: { dashboard: { serveRevision: bad } } }), prod), bad).to.deep.equal([
                `minimarket:gcp.cloudRun.dashboard.serveRevision: ${JSON.stringify(bad)} is not a Cloud Run revision name such as minimarket-prod-dashboard-00007-abc`,
            ]);
        }
        expect(problemsOf(cloudRun({ cloudRun: { dashboard: { serveRevision: "minimarket-prod-ml-service-00002-abc" } } }), prod)).to.deep.equal([
            'minimarket:gcp.cloudRun.dashboard.serveRevision: "minimarket-prod-ml-service-00002-abc" is not a revision of minimarket-prod-dashboard; list them with `gcloud run revisions list --service minimarket-prod-dashboard --region southamerica-east1`',
        ]);
    });

    it("refuses an environment whose Cloud Run names would pass 63 characters", () => {
        const long = "e".repeat(29);
        expect(problemsOf(cloudRun({}, { environment: long }), prod)).to.deep.equal([
            `minimarket:environment: makes Cloud Run names too long (minimarket-${long}-agente-deposito-migrate has 64 characters, at most 63); choose a shorter environment`,
        ]);
        expect(problemsOrNone(cloudRun({}, { environment: "e".repeat(28) }), prod)).to.deep.equal([]);
    });

    it("refuses instances × pool beyond what Cloud SQL accepts, naming the keys and the fixes", () => {
        const big = { cloudRun: { dashboard: { maxInstances: 5, poolSize: 10 } } };
        expect(problemsOf(cloudRun(big), prod)).to.deep.equal([
            "minimarket:gcp.cloudRun: the Cloud Run instances can open 122 connections to Cloud SQL (maxInstances × poolSize: agente-deposito 3×5, agente-negocio 3×5, ml-service 3×5, dashboard 5×10; plus the release jobs and the ops VM) but it takes 97 (the 100 Google gives db-custom-2-7680 by default, less 3 kept for superusers); " +
                "lower `gcp.cloudRun.<service>.maxInstances` or `gcp.cloudRun.<service>.poolSize`, or raise the limit with `scripts/stack.sh --stack prod config set --path gcp.cloudRun.databaseMaxConnections <n>` (Cloud SQL restarts once)",
        ]);
        // Raising max_connections, or lowering the pools, makes it fit.
        expect(problemsOrNone(cloudRun({ cloudRun: { ...big.cloudRun, databaseMaxConnections: 125 } }), prod)).to.deep.equal([]);
        expect(problemsOf(cloudRun({ cloudRun: { ...big.cloudRun, databaseMaxConnections: 124 } }), prod)).to.have.length(1);
        expect(problemsOrNone(cloudRun({ cloudRun: { dashboard: { maxInstances: 5, poolSize: 5 } } }), prod)).to.deep.equal([]);
        // The flag's limit is named when it is the one exceeded; a small tier has a smaller default.
        expect(problemsOf(cloudRun({ cloudRun: { ...big.cloudRun, databaseMaxConnections: 100 } }), prod)[0]).to.include(
            "but it takes 97 (gcp.cloudRun.databaseMaxConnections 100,",
        );
        expect(problemsOf(cloudRun({ cloudSql: { tier: "db-g1-small" } }), prod)[0]).to.include("but it takes 47 (the 50 Google gives db-g1-small by default");
    });

    it("counts a release job only for a service that has a release step", () => {
        const without = (migrationCommand: unknown) =>
            problemsOf(cloudRun({ cloudRun: { dashboard: { maxInstances: 5, poolSize: 10 } } }, services({ dashboard: { migrationCommand } })), prod)[0];
        // 122 with the dashboard's job (its pool is 10); a step switched off with false, null or [] has none.
        for (const off of [false, null, []]) expect(without(off), JSON.stringify(off)).to.include("can open 112 connections");
        expect(without(["python", "manage.py", "migrate"])).to.include("can open 122 connections");
    });

    it("refuses more connections than Memorystore takes, and accepts exactly its limit", () => {
        // 3 services × 3 × 5, the ops VM's redis_exporter, and the dashboard's instances × pool.
        const clients = (maxInstances: number, poolSize: number) =>
            problemsOf(cloudRun({ cloudRun: { databaseMaxConnections: 262143, dashboard: { maxInstances, poolSize } } }), prod).filter((p) =>
                p.includes("Memorystore"),
            );
        expect(clients(94, 691)).to.deep.equal([]);
        expect(clients(94, 692)).to.deep.equal([
            "minimarket:gcp.cloudRun: the Cloud Run instances can open 65094 connections to Memorystore (maxInstances × poolSize: agente-deposito 3×5, agente-negocio 3×5, ml-service 3×5, dashboard 94×692) but it takes 65000; lower `gcp.cloudRun.<service>.maxInstances` or `poolSize`",
        ]);
    });

    it("does not fall over a gcp.cloudRun the gcp schema refused", () => {
        expect(problemsOf(cloudRun({ cloudRun: { services: { dashboard: { maxInstances: 2 } } } }), prod)).to.deep.equal([
            "minimarket:gcp.cloudRun.services: unknown field; the fields of gcp.cloudRun are agente-deposito, agente-negocio, ml-service, dashboard, databaseMaxConnections",
        ]);
    });

    it("refuses more instances than the subnet has addresses for during a rollout", () => {
        expect(problemsOf(cloudRun({ cloudRun: { dashboard: { maxInstances: 20, poolSize: 1 } } }), prod)).to.deep.equal([
            "minimarket:gcp.networkCidr: 10.20.0.0/24 has 251 usable addresses but Cloud Run's instances can hold 256 during a rollout (16-address blocks, 2 per instance, old and new revision); widen it with `scripts/stack.sh --stack prod config set --path gcp.networkCidr <cidr>` or lower `gcp.cloudRun.<service>.maxInstances`",
        ]);
        expect(problemsOrNone(cloudRun({ networkCidr: "10.20.0.0/23", cloudRun: { dashboard: { maxInstances: 20, poolSize: 1 } } }), prod)).to.deep.equal([]);
    });
});
