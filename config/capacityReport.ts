// The capacity model of a validated cloudrun config, as the stack output `capacity` shows it:
// whole requests per second, connections against their limits, the cost floors in dollars.

import { gcpDefaults } from "./gcpSchema";
import { CapacityInput, capacityModel, costFloors } from "./capacity";
import { parseCidr } from "./cidr";
import { GcpStackConfig } from "./stackConfig";
import { serviceNames } from "../facts/services";

/** The model's input from a validated config; the vm floor prices the VM the vm runtime would run. */
export function capacityInputOf(config: GcpStackConfig): CapacityInput {
    const g = config.gcp;
    const cloudRun = g.runtime === "cloudrun";
    return {
        services: Object.fromEntries(
            serviceNames.map((n) => [
                n,
                { cpus: config.services[n].cpus, memoryMb: config.services[n].memoryMb, migrates: config.services[n].migrationCommand !== undefined },
            ]),
        ) as CapacityInput["services"],
        cloudRun: g.cloudRun,
        cloudSqlTier: g.cloudSql.tier,
        redis: { mode: g.redis.mode, tier: g.redis.memorystoreTier, memorySizeGb: g.redis.memorySizeGb },
        // Stryker disable next-line OptionalChaining: a validated networkCidr parses
        subnetPrefix: parseCidr(g.networkCidr)?.prefix ?? 32,
        vmMachineType: cloudRun ? gcpDefaults.machineType : g.machineType,
        opsMachineType: cloudRun ? g.machineType : gcpDefaults.opsMachineType,
        diskGb: g.bootDiskGb + g.dataDiskGb,
    };
}

/** What `pulumi stack output capacity` shows. */
export function capacityReport(config: GcpStackConfig) {
    const input = capacityInputOf(config);
    const model = capacityModel(input);
    const floors = costFloors(input);
    const rps = (n: number) => Math.floor(n);
    // A machine type the price table does not list has no price: say so rather than show NaN.
    const usd = (total: number, machineType: string) => (Number.isFinite(total) ? total : `no list price for ${machineType} in facts/googleCloud.ts`);
    return {
        requestsPerSecond: {
            ...Object.fromEntries(serviceNames.map((n) => [n, { atMinInstances: rps(model.services[n].atMin), atMaxInstances: rps(model.services[n].atMax) }])),
            system: { atMinInstances: rps(model.system.atMin), atMaxInstances: rps(model.system.atMax) },
        },
        databaseConnections: `${model.database.connections} of ${model.database.available}`,
        redisClients: `${model.redis.clients} of ${model.redis.limit}`,
        subnetAddresses: `${model.subnet.addresses} of ${model.subnet.usable}`,
        monthlyFloorUsd: {
            vm: usd(floors.vm.total, input.vmMachineType),
            cloudrun: usd(floors.cloudrun.total, input.opsMachineType),
            note: "list prices, without Cloud SQL (the same on both); docs/scaling.md",
        },
    };
}
