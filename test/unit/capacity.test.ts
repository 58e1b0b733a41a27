// The capacity model (config/capacity.ts) pinned: the figures docs/scaling.md shows for the
// defaults, each worked out by hand below from the price table and Google's limits.

import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { capacityInputOf, capacityModel, capacityReport, costFloors, databaseConnectionLimit, GcpStackConfig, tierMemoryMb } from "../../config";
import { serviceNames } from "../../facts/services";
import { LATENCY_P95_SECONDS } from "../../facts/telemetry";
import { cloudRunServices } from "../support/cloudRun";
import { parsed, prodValues } from "../config/support";

function cloudRunConfig(gcp: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): GcpStackConfig {
    const base = prodValues();
    return parsed(
        { ...base, gcp: { ...(base.gcp as object), runtime: "cloudrun", redis: { mode: "memorystore" }, ...gcp }, ...extra },
        { stack: "prod" },
    ) as GcpStackConfig;
}

describe("unit: the capacity model", () => {
    const defaults = capacityModel(capacityInputOf(cloudRunConfig()));

    it("takes concurrency ÷ the P95 the HighLatency alert allows per instance (Little's law), times the instances", () => {
        expect(LATENCY_P95_SECONDS).to.equal(0.5);
        // 40 requests in flight, each holding its slot 0.5 s: 80 a second per instance.
        expect(defaults.services.dashboard).to.deep.include({ perInstance: 80, atMin: 80, atMax: 240 });
        // Every user request reaches each service at most once: the slowest one bounds the system.
        const slowMl = capacityModel(capacityInputOf(cloudRunConfig({ cloudRun: { "ml-service": { concurrency: 10, maxInstances: 2 } } })));
        expect(slowMl.services["ml-service"]).to.deep.include({ perInstance: 20, atMin: 20, atMax: 40 });
        expect(slowMl.system).to.deep.equal({ atMin: 20, atMax: 40 });
        const warm = capacityModel(capacityInputOf(cloudRunConfig({ cloudRun: { dashboard: { minInstances: 2 } } })));
        expect(warm.services.dashboard).to.deep.include({ atMin: 160, atMax: 240 });
    });

    it("counts the connections the instances, the release jobs and the ops VM can open against what Cloud SQL and Memorystore take", () => {
        // 4 services × 3 instances × 5, four release jobs × 5, postgres-exporter and the roles check.
        expect(defaults.database).to.deep.equal({ connections: 60 + 20 + 2, limit: 100, available: 97, limitSource: "default" });
        // 4 × 3 × 5 and redis_exporter.
        expect(defaults.redis).to.deep.equal({ clients: 61, limit: 65_000 });
        // A service without a release step has no job.
        const noJob = capacityModel(
            capacityInputOf(
                cloudRunConfig({}, { services: { ...(prodValues().services as object), dashboard: { image: "r/dashboard:1.4.2", migrationCommand: false } } }),
            ),
        );
        expect(noJob.database.connections).to.equal(60 + 15 + 2);
    });

    it("holds subnet addresses in blocks of 16, 2 per instance, for the old and the new revision during a rollout", () => {
        // Each service: 2 × 3 = 6 → one block of 16, twice; four jobs one block each; a /24 less Google's 4 and the ops VM.
        expect(defaults.subnet).to.deep.equal({ addresses: 4 * 32 + 4 * 16, usable: 251 });
        expect(
            capacityModel(capacityInputOf(cloudRunConfig({ cloudRun: { dashboard: { maxInstances: 9, poolSize: 1 } } }))).services.dashboard.addresses,
        ).to.equal(64);
    });

    it("reads a tier's memory and the smallest default max_connections Google documents for it, or the flag", () => {
        expect(tierMemoryMb("db-custom-2-7680")).to.equal(7680);
        expect(tierMemoryMb("db-custom-16-61440")).to.equal(61440);
        expect(tierMemoryMb("db-perf-optimized-N-4")).to.equal(32768);
        expect(tierMemoryMb("db-perf-optimized-N-16")).to.equal(131072);
        expect(tierMemoryMb("db-g1-small")).to.equal(1700);
        expect(tierMemoryMb("db-f1-micro")).to.equal(614);
        expect(databaseConnectionLimit("db-f1-micro", undefined)).to.deep.equal({ limit: 25, source: "default" });
        expect(databaseConnectionLimit("db-g1-small", undefined)).to.deep.equal({ limit: 50, source: "default" });
        expect(databaseConnectionLimit("db-custom-1-3840", undefined)).to.deep.equal({ limit: 100, source: "default" });
        expect(databaseConnectionLimit("db-custom-1-3839", undefined)).to.deep.equal({ limit: 50, source: "default" });
        expect(databaseConnectionLimit("db-custom-1-3840", 400)).to.deep.equal({ limit: 400, source: "flag" });
    });

    it("prices each runtime at its minimum from the table (Cloud SQL, the same on both, left out)", () => {
        const floors = costFloors(capacityInputOf(cloudRunConfig()));
        // One instance per service all month: (1 + 0.5 vCPU) × $0.0000252 + (512 + 256) MiB = 0.75 GiB × $0.0000028, × 2,628,000 s.
        const instance = (1.5 * 0.0000252 + 0.75 * 0.0000028) * 2_628_000;
        expect(floors.cloudrun.items[0]).to.deep.equal({
            item: "agente-deposito: 1 × (1 + 0.5 vCPU, 512 + 256 MiB)",
            usdPerMonth: Math.round(instance * 100) / 100,
        });
        // Four instances, the ops VM (e2-standard-2, 120 GB of disk, its address), two forwarding rules and their address, Memorystore 1 GB.
        expect(floors.cloudrun.total).to.equal(Math.round((4 * instance + 77.5 + 18 + 3.65 + 36.5 + 3.65 + 55) * 100) / 100);
        expect(floors.cloudrun.total).to.equal(613.73);
        expect(floors.cloudrun.items.slice(4)).to.deep.equal([
            { item: "ops VM: Compute Engine e2-standard-2", usdPerMonth: 77.5 },
            { item: "ops VM: 120 GB pd-balanced (boot and data disks)", usdPerMonth: 18 },
            { item: "ops VM: static external address", usdPerMonth: 3.65 },
            { item: "load balancer: 2 forwarding rules", usdPerMonth: 36.5 },
            { item: "load balancer address", usdPerMonth: 3.65 },
            { item: "Memorystore BASIC 1 GB", usdPerMonth: 55 },
        ]);
        // The same config on the vm runtime: e2-standard-4, the disks, the address, the same Memorystore.
        expect(floors.vm).to.deep.equal({
            items: [
                { item: "Compute Engine e2-standard-4", usdPerMonth: 155 },
                { item: "120 GB pd-balanced (boot and data disks)", usdPerMonth: 18 },
                { item: "static external address", usdPerMonth: 3.65 },
                { item: "Memorystore BASIC 1 GB", usdPerMonth: 55 },
            ],
            total: 231.65,
        });
        // The vm runtime with Redis in a container has no Memorystore; a larger one costs by the GB.
        const input = capacityInputOf(cloudRunConfig());
        expect(costFloors({ ...input, redis: { ...input.redis, mode: "container" } }).vm.total).to.equal(176.65);
        expect(costFloors({ ...input, redis: { mode: "memorystore", tier: "STANDARD_HA", memorySizeGb: 2 } }).cloudrun.items.at(-1)).to.deep.equal({
            item: "Memorystore STANDARD_HA 2 GB",
            usdPerMonth: 200,
        });
        // Scaled to zero, Cloud Run costs only its fixed parts; an unknown machine type has no price.
        const idle = costFloors(
            capacityInputOf(
                cloudRunConfig({
                    cloudRun: Object.fromEntries(["agente-deposito", "agente-negocio", "ml-service", "dashboard"].map((n) => [n, { minInstances: 0 }])),
                }),
            ),
        );
        expect(idle.cloudrun.total).to.equal(194.3);
        expect(costFloors(capacityInputOf(cloudRunConfig({ machineType: "n2-standard-2" }))).cloudrun.total).to.be.NaN;
    });

    it("prices the vm runtime with its own machine type, the cloudrun one with the ops VM's", () => {
        const vm = parsed({ ...prodValues(), gcp: { ...(prodValues().gcp as object), machineType: "e2-standard-8" } }, { stack: "prod" }) as GcpStackConfig;
        expect(capacityInputOf(vm)).to.deep.include({ vmMachineType: "e2-standard-8", opsMachineType: "e2-standard-2" });
        expect(capacityInputOf(cloudRunConfig({ machineType: "e2-medium" }))).to.deep.include({ vmMachineType: "e2-standard-4", opsMachineType: "e2-medium" });
    });

    it("says a machine type has no list price rather than showing NaN", () => {
        expect(capacityReport(cloudRunConfig({ machineType: "n2-standard-2" })).monthlyFloorUsd.cloudrun).to.equal(
            "no list price for n2-standard-2 in facts/googleCloud.ts",
        );
    });

    it("shows the figures as the stack output `capacity`", () => {
        expect(capacityReport(cloudRunConfig())).to.deep.equal({
            requestsPerSecond: {
                "agente-deposito": { atMinInstances: 80, atMaxInstances: 240 },
                "agente-negocio": { atMinInstances: 80, atMaxInstances: 240 },
                "ml-service": { atMinInstances: 80, atMaxInstances: 240 },
                dashboard: { atMinInstances: 80, atMaxInstances: 240 },
                system: { atMinInstances: 80, atMaxInstances: 240 },
            },
            databaseConnections: "82 of 97",
            redisClients: "61 of 65000",
            subnetAddresses: "192 of 251",
            monthlyFloorUsd: { vm: 231.65, cloudrun: 613.73, note: "list prices, without Cloud SQL (the same on both); docs/scaling.md" },
        });
    });
});

describe("unit: docs/scaling.md shows the model's own figures", () => {
    // Spaces collapsed: prettier pads the tables' columns.
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "scaling.md"), "utf8").replace(/ +/g, " ");
    const usd = (n: number) => n.toFixed(2);

    it("the cost floors of both runtimes, at the defaults, at Pulumi.prod.yaml's sizes and scaled to zero", () => {
        const defaults = costFloors(capacityInputOf(cloudRunConfig()));
        const input = capacityInputOf(cloudRunConfig());
        const prodSizes = costFloors(capacityInputOf(cloudRunConfig({}, { services: JSON.parse(cloudRunServices()) as Record<string, unknown> })));
        const idle = costFloors(capacityInputOf(cloudRunConfig({ cloudRun: Object.fromEntries(serviceNames.map((n) => [n, { minInstances: 0 }])) })));
        // The instances' line is the total less the fixed items (each item is rounded, the total is not).
        const instances = (floors: typeof defaults) => floors.cloudrun.items.slice(4).reduce((rest, i) => rest - i.usdPerMonth, floors.cloudrun.total);
        for (const figure of [
            defaults.cloudrun.total,
            defaults.vm.total,
            costFloors({ ...input, redis: { ...input.redis, mode: "container" } }).vm.total,
            prodSizes.cloudrun.total,
            idle.cloudrun.total,
            instances(defaults),
            instances(prodSizes),
        ]) {
            expect(doc, usd(figure)).to.include(`${usd(figure)}`);
        }
    });

    it("the connections, clients and addresses against their limits", () => {
        const m = capacityModel(capacityInputOf(cloudRunConfig()));
        expect(doc).to.include(`= **${m.database.connections}** | 100 − 3 = **${m.database.available}** |`);
        expect(doc).to.include(`= **${m.redis.clients}** |`);
        expect(doc).to.include(`**${m.subnet.addresses}** of a /24's **${m.subnet.usable}**`);
        expect(doc).to.include(`| **system** | | **${m.system.atMin}** | **${m.system.atMax}** |`);
    });
});
