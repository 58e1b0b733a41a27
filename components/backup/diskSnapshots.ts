import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface DataDiskSnapshotsArgs {
    environment: string;
    region: string;
    zone: string;
    /** The Docker host's data disk (Docker's data root: volumes of Redis, Prometheus, Loki, Grafana, Caddy). */
    disk: gcp.compute.Disk;
    /** Days each snapshot is kept. */
    retentionDays: number;
    /** Daily start, UTC, on a 4-hour boundary (00:00, 04:00, … 20:00): Compute Engine's rule. */
    startTime: string;
}

/**
 * A daily snapshot schedule for the VM's data disk, attached to it. Snapshots are crash-consistent
 * (no guest flush): what a power cut would leave, which Redis' append-only file and Prometheus'
 * and Loki's write-ahead logs recover from. They stay when the disk is deleted, in the region.
 */
export class DataDiskSnapshots extends pulumi.ComponentResource {
    readonly policy: gcp.compute.ResourcePolicy;
    readonly attachment: gcp.compute.DiskResourcePolicyAttachment;

    constructor(name: string, args: DataDiskSnapshotsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:backup:DataDiskSnapshots", name, {}, opts);
        this.policy = new gcp.compute.ResourcePolicy(
            name,
            {
                name: `minimarket-${args.environment}-data-disk-daily`,
                region: args.region,
                description: `Daily snapshots of the MiniMarket ${args.environment} Docker data disk, kept ${args.retentionDays} days`,
                snapshotSchedulePolicy: {
                    schedule: { dailySchedule: { daysInCycle: 1, startTime: args.startTime } },
                    retentionPolicy: { maxRetentionDays: args.retentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                    snapshotProperties: {
                        labels: { app: "minimarket", environment: args.environment },
                        storageLocations: args.region,
                        guestFlush: false,
                    },
                },
            },
            { parent: this },
        );
        this.attachment = new gcp.compute.DiskResourcePolicyAttachment(
            `${name}-attachment`,
            { name: this.policy.name, disk: args.disk.name, zone: args.zone },
            { parent: this },
        );
        this.registerOutputs({ policy: this.policy.name });
    }
}
