import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_CA_FILE, RedisConnection } from "../data/connections";
import { redisSettings } from "../../renderers/data/redisServer";
import { MEMORYSTORE_TLS_PORT, resourcePrefix } from "../../facts/endpoints";
import { GcpNetwork } from "./network";

export type MemorystoreTier = "BASIC" | "STANDARD_HA";
export { MEMORYSTORE_TLS_PORT };

export interface MemorystoreArgs {
    environment: string;
    region: string;
    zone: string;
    network: GcpNetwork;
    tier: MemorystoreTier;
    memorySizeGb: number;
}

/**
 * Memorystore for Redis 7 on the VPC's private services range: AUTH required, TLS in transit,
 * hourly RDB snapshots. Google generates the AUTH string; it is only ever handled as a secret.
 */
export class Memorystore extends pulumi.ComponentResource {
    readonly instance: gcp.redis.Instance;
    readonly dnsRecord: gcp.dns.RecordSet;
    /** The AUTH string (Google-generated), as a secret. */
    readonly authString: pulumi.Output<string>;
    /** PEM of the server CA: clients verifying the TLS certificate must trust it. */
    readonly caCertificates: pulumi.Output<string>;
    /** Clients use Google's AUTH string and must trust Google's CA. */
    readonly connection: RedisConnection;

    constructor(name: string, args: MemorystoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:Memorystore", name, {}, opts);
        this.instance = new gcp.redis.Instance(
            name,
            {
                name: `${resourcePrefix(args.environment)}-redis`,
                region: args.region,
                locationId: args.zone,
                tier: args.tier,
                memorySizeGb: args.memorySizeGb,
                redisVersion: "REDIS_7_2",
                connectMode: "PRIVATE_SERVICE_ACCESS",
                authorizedNetwork: args.network.network.id,
                reservedIpRange: args.network.privateServicesRange.name,
                authEnabled: true,
                transitEncryptionMode: "SERVER_AUTHENTICATION",
                // maxmemory is the instance size; the eviction policy is the SPEC's.
                redisConfigs: { "maxmemory-policy": redisSettings.maxmemoryPolicy },
                persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "ONE_HOUR" },
                maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SUNDAY", startTime: { hours: 6, minutes: 0 } }] },
                labels: { app: "minimarket", environment: args.environment },
            },
            { parent: this, dependsOn: [args.network.privateServices], additionalSecretOutputs: ["authString"] },
        );
        this.authString = pulumi.secret(this.instance.authString);
        this.caCertificates = this.instance.serverCaCerts.apply((certs) => certs.map((c) => c.cert).join("\n"));
        const { record, host } = args.network.privateName(this, "redis", this.instance.host);
        this.dnsRecord = record;
        this.connection = {
            host,
            port: MEMORYSTORE_TLS_PORT,
            tls: true,
            password: this.authString,
            caCertificate: this.caCertificates,
            caFile: REDIS_CA_FILE,
            ready: [this.instance, this.dnsRecord],
        };
        this.registerOutputs({ host, port: MEMORYSTORE_TLS_PORT });
    }
}
