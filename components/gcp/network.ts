import * as command from "@pulumi/command";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourcePrefix } from "../../facts/endpoints";
import { ingressRules } from "./firewall";
import { peeringCleanupScript } from "./teardown";

export interface GcpNetworkArgs {
    environment: string;
    project: string;
    region: string;
    /** Primary range of the one subnet. */
    cidr: string;
    /** Range of private services access, pinned (an auto-allocated one may collide with Docker's bridges). */
    privateServicesRange: string;
    sshSourceRanges: string[];
    /** cloudrun: the port of the ops VM's Prometheus that the apps' agents remote-write to, from the subnet. */
    metricsPort?: number;
}

/**
 * A dedicated VPC: one subnet with Private Google Access, private services access for Cloud SQL
 * and Memorystore, and ingress open only where people need it, on the Docker host alone.
 */
export class GcpNetwork extends pulumi.ComponentResource {
    readonly network: gcp.compute.Network;
    readonly subnet: gcp.compute.Subnetwork;
    /** Network tag of the Docker host: the firewall rules apply to it only. */
    readonly hostTag: string;
    readonly privateServicesRange: gcp.compute.GlobalAddress;
    /** Managed services with a private IP must be created after this peering exists. */
    readonly privateServices: gcp.servicenetworking.Connection;
    /** Removes the peering on destroy, after the Connection is abandoned and before the network goes. */
    readonly peeringCleanup: command.local.Command;
    readonly firewallRules: gcp.compute.Firewall[];
    /**
     * Private DNS zone of the VPC. Managed services publish a stable name here, so the apps'
     * connection URLs carry a name known before deploy rather than an IP Google assigns at
     * create time; the containers resolve it through the host's resolver (the metadata server).
     */
    readonly privateZone: gcp.dns.ManagedZone;
    /** Domain of privateZone, without the trailing dot. */
    readonly privateDomain: string;
    private readonly privateZoneName: string;

    constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:Network", name, {}, opts);
        const prefix = resourcePrefix(args.environment);
        this.hostTag = `${prefix}-docker-host`;
        this.privateZoneName = `${name}-internal`;

        this.network = new gcp.compute.Network(
            name,
            { name: prefix, autoCreateSubnetworks: false, routingMode: "REGIONAL", description: "MiniMarket: Docker host, Cloud SQL and Memorystore" },
            { parent: this },
        );
        this.subnet = new gcp.compute.Subnetwork(
            `${name}-subnet`,
            {
                name: `${prefix}-${args.region}`,
                region: args.region,
                network: this.network.id,
                ipCidrRange: args.cidr,
                // Google APIs (logging, monitoring, Artifact Registry) without leaving Google's network.
                privateIpGoogleAccess: true,
            },
            { parent: this },
        );
        this.privateServicesRange = new gcp.compute.GlobalAddress(
            `${name}-services-range`,
            {
                name: `${prefix}-private-services`,
                purpose: "VPC_PEERING",
                addressType: "INTERNAL",
                ...servicesRange(args.privateServicesRange),
                network: this.network.id,
            },
            { parent: this },
        );
        this.peeringCleanup = new command.local.Command(
            `${name}-peering-cleanup`,
            { delete: peeringCleanupScript({ project: args.project, network: prefix, attempts: 10, intervalSeconds: 30 }) },
            // Deleted after the Connection (which waits for it) and before the range and the network.
            { parent: this, dependsOn: [this.network, this.privateServicesRange] },
        );
        this.privateServices = new gcp.servicenetworking.Connection(
            `${name}-private-services`,
            {
                network: this.network.id,
                service: "servicenetworking.googleapis.com",
                reservedPeeringRanges: [this.privateServicesRange.name],
                // Deleting it through the API fails while deleted services still hold it; peeringCleanup removes the peering instead.
                deletionPolicy: "ABANDON",
            },
            { parent: this, dependsOn: [this.peeringCleanup] },
        );
        const metrics = args.metricsPort === undefined ? undefined : { port: args.metricsPort, sourceRanges: [args.cidr] };
        this.firewallRules = ingressRules(args.sshSourceRanges, metrics).map(
            (rule) =>
                new gcp.compute.Firewall(
                    `${name}-allow-${rule.name}`,
                    {
                        name: `${prefix}-allow-${rule.name}`,
                        network: this.network.id,
                        description: rule.description,
                        direction: "INGRESS",
                        allows: [{ protocol: "tcp", ports: rule.ports }],
                        sourceRanges: rule.sourceRanges,
                        targetTags: [this.hostTag],
                        logConfig: rule.log ? { metadata: "INCLUDE_ALL_METADATA" } : undefined,
                    },
                    { parent: this },
                ),
        );
        this.privateDomain = `${args.environment}.minimarket.internal`;
        this.privateZone = new gcp.dns.ManagedZone(
            this.privateZoneName,
            {
                name: `${prefix}-internal`,
                dnsName: `${this.privateDomain}.`,
                description: "Private names of MiniMarket's managed services",
                visibility: "private",
                privateVisibilityConfig: { networks: [{ networkUrl: this.network.id }] },
            },
            { parent: this },
        );
        this.registerOutputs({ network: this.network.id, subnet: this.subnet.id, hostTag: this.hostTag, privateDomain: this.privateDomain });
    }

    /** An A record `<short>.<privateDomain>` → `ip`, owned by `parent`; returns the record and its name. */
    privateName(parent: pulumi.Resource, short: string, ip: pulumi.Input<string>): { record: gcp.dns.RecordSet; host: string } {
        const host = `${short}.${this.privateDomain}`;
        const record = new gcp.dns.RecordSet(
            `${this.privateZoneName}-${short}`,
            { managedZone: this.privateZone.name, name: `${host}.`, type: "A", ttl: 60, rrdatas: [ip] },
            { parent },
        );
        return { record, host };
    }
}

/** `address` and `prefixLength` of the GlobalAddress from a CIDR the schema has validated. */
export function servicesRange(cidr: string): { address: string; prefixLength: number } {
    const [address, prefix] = cidr.split("/");
    return { address, prefixLength: Number(prefix) };
}
