import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { cloudSqlBackupRetention } from "../backup/cloudSqlRetention";
import { PostgresConnection } from "../data/connections";
import { DATABASE, ENDPOINTS, resourcePrefix, ROLES } from "../../facts/endpoints";
import { APP_GREEN, MONITOR_MEMBERSHIPS } from "./cloudSqlRoles";
import { GcpNetwork } from "./network";

/** The instance's settings (the `gcp.cloudSql` config). */
export interface CloudSqlSettings {
    tier: string;
    edition: "ENTERPRISE" | "ENTERPRISE_PLUS";
    databaseVersion: string;
    /** REGIONAL (a standby in a second zone) when true, ZONAL otherwise. */
    highAvailability: boolean;
    backupRetentionDays: number;
    /** Daily backup start, UTC `HH:MM`. */
    backupStartTime: string;
    pointInTimeRecovery: boolean;
    transactionLogRetentionDays: number;
    /** Day 1-7 (Monday = 1) and hour 0-23, UTC. */
    maintenanceWindow: { day: number; hour: number };
    diskSizeGb: number;
    /** Pulumi `protect`, the provider's deletionProtection and Google's deletionProtectionEnabled. */
    deletionProtection: boolean;
    /** Days Cloud SQL keeps the final backup it takes when the instance is deleted. */
    finalBackupRetentionDays: number;
    /** The max_connections flag (cloudrun's `gcp.cloudRun.databaseMaxConnections`); undefined keeps Google's default. */
    maxConnections?: number;
}

export interface CloudSqlPostgresArgs {
    environment: string;
    region: string;
    /** Zone of the primary: the Docker host's, to keep queries in one zone. */
    zone: string;
    network: GcpNetwork;
    settings: CloudSqlSettings;
    /** The application role's password (generated secret): it goes to the login that becomes active. */
    appPassword: pulumi.Output<string>;
    /** The rotation counter of appPassword: even numbers use the blue login, odd ones the green. */
    appGeneration: number;
    /** Password of the read-only monitoring role of postgres-exporter. */
    monitorPassword: pulumi.Output<string>;
}

/** libpq's sslmode for Cloud SQL: the server only accepts TLS (sslMode ENCRYPTED_ONLY). */
export const CLOUD_SQL_PARAMS: Readonly<Record<string, string>> = { sslmode: "require" };

/**
 * Cloud SQL for PostgreSQL reachable on a private IP only, TLS required, with automated backups,
 * point-in-time recovery, high availability and deletion protection on three levels (Pulumi,
 * the provider, Google's API). The apps reach it as `postgres.<env>.minimarket.internal`.
 */
export class CloudSqlPostgres extends pulumi.ComponentResource {
    readonly instance: gcp.sql.DatabaseInstance;
    readonly database: gcp.sql.Database;
    /** Blue login, ROLES.app: owns the schema. */
    readonly appUser: gcp.sql.User;
    /** Green login: member of ROLES.app, its sessions act as ROLES.app (set by CloudSqlRoles). */
    readonly appGreenUser: gcp.sql.User;
    readonly monitorUser: gcp.sql.User;
    readonly dnsRecord: gcp.dns.RecordSet;
    readonly privateIpAddress: pulumi.Output<string>;
    /** `project:region:instance`, for the Cloud SQL Auth Proxy and gcloud. */
    readonly connectionName: pulumi.Output<string>;
    /** The application role: the apps and their migrations. */
    readonly app: PostgresConnection;
    /** The monitoring role: postgres-exporter. */
    readonly monitor: PostgresConnection;

    constructor(name: string, args: CloudSqlPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:CloudSqlPostgres", name, {}, opts);
        const s = args.settings;
        // Losing the database is the one unrecoverable mistake: Pulumi refuses to delete it too.
        const guarded: pulumi.CustomResourceOptions = { parent: this, protect: s.deletionProtection };

        this.instance = new gcp.sql.DatabaseInstance(
            name,
            {
                name: `${resourcePrefix(args.environment)}-postgres`,
                region: args.region,
                databaseVersion: s.databaseVersion,
                deletionProtection: s.deletionProtection,
                settings: instanceSettings(args),
            },
            { ...guarded, dependsOn: [args.network.privateServices] },
        );
        this.database = new gcp.sql.Database(
            `${name}-db`,
            // Users and databases with objects cannot be dropped through the API; abandon on delete.
            { name: DATABASE, instance: this.instance.name, deletionPolicy: "ABANDON" },
            guarded,
        );
        // Blue/green logins: a rotation sets the new password on the login the apps do not use,
        // then the apps move to it; the other keeps its password (ignoreChanges), so containers
        // not yet replaced keep connecting. The next rotation changes that one.
        const greenActive = args.appGeneration % 2 === 1;
        const keepPassword = (active: boolean) => (active ? {} : { ignoreChanges: ["password"] });
        // Users created through the API are members of cloudsqlsuperuser, which owns the databases
        // Cloud SQL creates: what the app role needs to run migrations in inventario_retail.
        this.appUser = new gcp.sql.User(
            `${name}-app`,
            { name: ROLES.app, instance: this.instance.name, type: "BUILT_IN", password: args.appPassword, deletionPolicy: "ABANDON" },
            { parent: this, additionalSecretOutputs: ["password"], ...keepPassword(!greenActive) },
        );
        this.appGreenUser = new gcp.sql.User(
            `${name}-app-green`,
            {
                name: APP_GREEN,
                instance: this.instance.name,
                type: "BUILT_IN",
                password: args.appPassword,
                databaseRoles: [ROLES.app],
                deletionPolicy: "ABANDON",
            },
            { parent: this, additionalSecretOutputs: ["password"], dependsOn: [this.appUser], ...keepPassword(greenActive) },
        );
        // Explicit roles replace the default cloudsqlsuperuser membership. The provider never reads
        // database_roles back, so CloudSqlRoles checks what the login really has; a change of the
        // list re-creates the user (it owns nothing), which is when Cloud SQL grants exactly these.
        this.monitorUser = new gcp.sql.User(
            `${name}-monitor`,
            {
                name: ROLES.monitor,
                instance: this.instance.name,
                type: "BUILT_IN",
                password: args.monitorPassword,
                databaseRoles: [...MONITOR_MEMBERSHIPS],
                deletionPolicy: "DELETE",
            },
            { parent: this, additionalSecretOutputs: ["password"], replaceOnChanges: ["databaseRoles"], deleteBeforeReplace: true },
        );

        this.privateIpAddress = this.instance.privateIpAddress;
        this.connectionName = this.instance.connectionName;
        const { record, host } = args.network.privateName(this, "postgres", this.privateIpAddress);
        this.dnsRecord = record;
        const at = { host, port: ENDPOINTS.postgres.port, database: DATABASE, params: { ...CLOUD_SQL_PARAMS } };
        const active = greenActive ? this.appGreenUser : this.appUser;
        this.app = { ...at, user: greenActive ? APP_GREEN : ROLES.app, password: args.appPassword, ready: [this.database, active, this.dnsRecord] };
        this.monitor = { ...at, user: ROLES.monitor, password: args.monitorPassword, ready: [this.database, this.monitorUser, this.dnsRecord] };
        this.registerOutputs({ connectionName: this.connectionName, privateIpAddress: this.privateIpAddress, host });
    }
}

function instanceSettings(args: CloudSqlPostgresArgs): gcp.types.input.sql.DatabaseInstanceSettings {
    const s = args.settings;
    return {
        tier: s.tier,
        edition: s.edition,
        availabilityType: s.highAvailability ? "REGIONAL" : "ZONAL",
        locationPreference: { zone: args.zone },
        diskType: "PD_SSD",
        diskSize: s.diskSizeGb,
        diskAutoresize: true,
        deletionProtectionEnabled: s.deletionProtection,
        // Keep the automated backups, and take a final one, if the instance is ever deleted.
        ...cloudSqlBackupRetention(s.finalBackupRetentionDays),
        ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: args.network.network.id,
            allocatedIpRange: args.network.privateServicesRange.name,
            authorizedNetworks: [],
            sslMode: "ENCRYPTED_ONLY",
        },
        backupConfiguration: {
            enabled: true,
            startTime: s.backupStartTime,
            pointInTimeRecoveryEnabled: s.pointInTimeRecovery,
            transactionLogRetentionDays: s.transactionLogRetentionDays,
            backupRetentionSettings: { retainedBackups: s.backupRetentionDays, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: s.maintenanceWindow.day, hour: s.maintenanceWindow.hour, updateTrack: "stable" },
        insightsConfig: { queryInsightsEnabled: true },
        databaseFlags: [...DATABASE_FLAGS, ...(s.maxConnections === undefined ? [] : [["max_connections", String(s.maxConnections)] as const])].map(
            ([name, value]) => ({
                name,
                value,
            }),
        ),
        userLabels: { app: "minimarket", environment: args.environment },
    };
}

/**
 * PostgreSQL logging a production checklist asks for (all settable without a restart): who
 * connected and for how long, statements slower than a second, lock waits longer than
 * deadlock_timeout, every temporary file (a sign of too little work_mem). pgAudit is left off:
 * it needs the extension in the database and a policy of what to audit, and logs become a cost.
 */
export const DATABASE_FLAGS: ReadonlyArray<readonly [string, string]> = [
    ["log_connections", "on"],
    ["log_disconnections", "on"],
    ["log_min_duration_statement", "1000"],
    ["log_lock_waits", "on"],
    ["log_temp_files", "0"],
];
