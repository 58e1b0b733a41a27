import * as command from "@pulumi/command";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourcePrefix } from "../../facts/endpoints";
import { DATA_DEVICE_NAME, DATA_MOUNT_POINT, readinessScript, startupScript } from "../../renderers/hostScripts";
import { GcpNetwork } from "./network";

export interface DockerHostVmArgs {
    environment: string;
    project: string;
    region: string;
    zone: string;
    network: GcpNetwork;
    machineType: string;
    /** Debian boot image, e.g. debian-cloud/debian-13. */
    image: string;
    bootDiskGb: number;
    dataDiskGb: number;
    sshUser: string;
    sshPublicKey: string;
    /** Extra ssh options for the readiness check (the stack's dockerSshOpts). */
    sshOpts: string[];
    /** Docker's default-address-pools base on the VM (kept apart from the VPC's ranges). */
    dockerAddressPool: string;
    /** Upper bound of the wait for Docker on a new VM. */
    readinessTimeoutSeconds?: number;
    /** Project roles beyond VM_ROLES (cloudrun's ops VM reads Cloud Monitoring). */
    extraRoles?: string[];
}

/** What the VM's own identity may do: pull from Artifact Registry, write logs and metrics. */
export const VM_ROLES = ["roles/artifactregistry.reader", "roles/logging.logWriter", "roles/monitoring.metricWriter"] as const;

/**
 * The Compute Engine VM that is prod's Docker host: Debian with docker.io, a static external
 * address, a dedicated least-privilege service account, and Docker's data root on a separate
 * persistent disk that outlives the VM. `ready` completes once Docker answers over ssh://.
 */
export class DockerHostVm extends pulumi.ComponentResource {
    readonly serviceAccount: gcp.serviceaccount.Account;
    readonly address: gcp.compute.Address;
    readonly dataDisk: gcp.compute.Disk;
    readonly instance: gcp.compute.Instance;
    /** Docker daemon address for the provider and the docker CLI: `ssh://<user>@<address>`. */
    readonly dockerHost: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    /** The VM's address in the subnet (what the VPC reaches it at). */
    readonly internalIp: pulumi.Output<string>;
    /** Docker answers over ssh:// (re-checked whenever the VM is replaced). */
    readonly ready: command.local.Command;

    constructor(name: string, args: DockerHostVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:DockerHostVm", name, {}, opts);
        const prefix = resourcePrefix(args.environment);
        const labels = { app: "minimarket", environment: args.environment };

        this.serviceAccount = new gcp.serviceaccount.Account(
            `${name}-sa`,
            { accountId: serviceAccountId(args.environment), displayName: `MiniMarket ${args.environment} Docker host` },
            { parent: this },
        );
        const grants = [...VM_ROLES, ...(args.extraRoles ?? [])].map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-${role.split("/")[1].replace(/\./g, "-")}`,
                    { project: args.project, role, member: pulumi.interpolate`serviceAccount:${this.serviceAccount.email}` },
                    { parent: this },
                ),
        );

        // The DNS records of the domain point here: keep it however the VM changes.
        this.address = new gcp.compute.Address(
            `${name}-ip`,
            { name: `${prefix}-docker-host`, region: args.region, addressType: "EXTERNAL", networkTier: "PREMIUM", labels },
            { parent: this, protect: true },
        );
        // Volumes (Redis, Prometheus, Loki, Grafana, certificates) live here, not on the VM.
        this.dataDisk = new gcp.compute.Disk(
            `${name}-data`,
            { name: `${prefix}-docker-data`, zone: args.zone, size: args.dataDiskGb, type: "pd-balanced", labels },
            { parent: this, protect: true },
        );

        this.instance = new gcp.compute.Instance(
            name,
            {
                name: `${prefix}-docker-host`,
                zone: args.zone,
                machineType: args.machineType,
                tags: [args.network.hostTag],
                labels,
                bootDisk: { autoDelete: true, initializeParams: { image: args.image, size: args.bootDiskGb, type: "pd-balanced" } },
                attachedDisks: [{ source: this.dataDisk.selfLink, deviceName: DATA_DEVICE_NAME, mode: "READ_WRITE" }],
                networkInterfaces: [{ subnetwork: args.network.subnet.id, accessConfigs: [{ natIp: this.address.address, networkTier: "PREMIUM" }] }],
                serviceAccount: { email: this.serviceAccount.email, scopes: ["cloud-platform"] },
                metadata: instanceMetadata(args),
                shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
                // Machine-type changes stop and restart the VM instead of failing.
                allowStoppingForUpdate: true,
            },
            // The data disk and the address attach to one VM at a time: the old one must go first.
            { parent: this, deleteBeforeReplace: true, dependsOn: grants },
        );

        this.publicIp = this.address.address;
        // Stryker disable next-line OptionalChaining: the instance has exactly the one interface declared above
        this.internalIp = this.instance.networkInterfaces.apply((nics) => nics[0]?.networkIp ?? "");
        this.dockerHost = pulumi.interpolate`ssh://${args.sshUser}@${this.publicIp}`;
        this.ready = new command.local.Command(
            `${name}-ready`,
            {
                create: this.publicIp.apply((ip) =>
                    readinessScript({
                        target: `${args.sshUser}@${ip}`,
                        sshOpts: args.sshOpts,
                        timeoutSeconds: args.readinessTimeoutSeconds ?? 600,
                        intervalSeconds: 10,
                    }),
                ),
                // A new VM (new instance id) must be waited for again.
                triggers: [this.instance.instanceId, this.publicIp],
            },
            { parent: this, dependsOn: [this.instance] },
        );
        this.registerOutputs({ publicIp: this.publicIp, dockerHost: this.dockerHost, instance: this.instance.name });
    }
}

function instanceMetadata(args: DockerHostVmArgs): Record<string, string> {
    return {
        // Only the deploy key: project-wide keys and OS Login would widen who can reach Docker.
        "ssh-keys": `${args.sshUser}:${args.sshPublicKey.trim()}`,
        "block-project-ssh-keys": "TRUE",
        "enable-oslogin": "FALSE",
        // A metadata key (not metadataStartupScript, which forces a new VM): a changed script applies at the next boot.
        "startup-script": startupScript({
            dataDeviceName: DATA_DEVICE_NAME,
            mountPoint: DATA_MOUNT_POINT,
            deployUser: args.sshUser,
            dockerAddressPool: args.dockerAddressPool,
        }),
    };
}

/** Service account ids are 6-30 characters of lowercase letters, digits and dashes. */
export function serviceAccountId(environment: string): string {
    return `mm-${environment}`.slice(0, 23).replace(/-+$/, "") + "-docker";
}
