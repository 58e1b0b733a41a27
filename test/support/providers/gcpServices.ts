// Google Cloud resources of components/gcp/cloudSql.ts, memorystore.ts and dockerHostVm.ts.
// Source and revision: see gcp.ts. Paths are under google-beta/services/ of
// hashicorp/terraform-provider-google-beta v7.45.0; lines are schema lines in `file`.

import { FieldRule, resourceName, ResourceRule, rule } from "./types";

const byName = { normalize: resourceName };
const SQL_UPDATE = "resourceSqlDatabaseInstanceUpdate (2734) sends the whole settings with Instances.Update (3128)";
const s = (tf: string, line: number, extra: Omit<FieldRule, "tf" | "change" | "line"> = {}) => rule(tf, "update", line, { note: SQL_UPDATE, ...extra });

export const sqlDatabaseInstance: ResourceRule = {
    token: "gcp:sql/databaseInstance:DatabaseInstance",
    upstream: "google_sql_database_instance",
    file: "sql/resource_sql_database_instance.go",
    fields: {
        name: rule("name", "replace", 1343, { computed: true }),
        region: rule("region", "replace", 273, { computed: true }),
        databaseVersion: rule("database_version", "update", 1260, { note: "major version upgrade by Instances.Patch (Update +96)" }),
        deletionProtection: rule("deletion_protection", "state-only", 280, { default: true, note: "checked by Delete only (3287-3289)" }),
        deletionPolicy: rule("deletion_policy", "state-only", 1713, {
            computed: true,
            note: 'DeletionPolicySchemaEntry("DELETE"); PREVENT fails delete, ABANDON drops from state (tpgresource/utils.go:246-255)',
        }),
        settings: rule("settings", "update", 298, {
            computed: true,
            fields: {
                tier: s("tier", 311),
                edition: s("edition", 316, { computed: true }),
                availabilityType: s("availability_type", 452, { default: "ZONAL" }),
                locationPreference: s("location_preference", 826, { computed: true, fields: { zone: s("zone", 839) } }),
                diskType: rule("disk_type", "update", 600, { computed: true, normalize: (v) => String(v).toUpperCase().replace(/-/g, "_") }),
                diskSize: s("disk_size", 594, {
                    computed: true,
                    note: "a larger size in state is no diff while disk_autoresize (diskSizeCutomizeDiff, 218-224); a shrink without it is ForceNew (230)",
                }),
                diskAutoresize: s("disk_autoresize", 567, { default: true }),
                deletionProtectionEnabled: s("deletion_protection_enabled", 1134),
                retainBackupsOnDelete: s("retain_backups_on_delete", 1139),
                finalBackupConfig: s("final_backup_config", 1144, {
                    fields: { enabled: s("enabled", 1150), retentionDays: s("retention_days", 1155) },
                }),
                databaseFlags: s("database_flags", 561, { set: true, fields: { name: s("name", 561), value: s("value", 561) } }),
                ipConfiguration: s("ip_configuration", 641, {
                    computed: true,
                    fields: {
                        ipv4Enabled: s("ipv4_enabled", 655, { default: true }),
                        privateNetwork: s("private_network", 662, {
                            note: "set -> unset is ForceNew (privateNetworkCustomizeDiff, 1722-1731)",
                            normalize: (v: unknown) => String(v).replace(/^.*?(projects\/)/, "$1"),
                        }),
                        allocatedIpRange: s("allocated_ip_range", 670),
                        authorizedNetworks: s("authorized_networks", 648, { set: true }),
                        sslMode: s("ssl_mode", 783, { computed: true }),
                    },
                }),
                backupConfiguration: s("backup_configuration", 473, {
                    computed: true,
                    fields: {
                        enabled: s("enabled", 487),
                        startTime: s("start_time", 494, { computed: true }),
                        pointInTimeRecoveryEnabled: s("point_in_time_recovery_enabled", 509),
                        transactionLogRetentionDays: s("transaction_log_retention_days", 516, { computed: true }),
                        backupRetentionSettings: s("backup_retention_settings", 524, {
                            computed: true,
                            fields: { retainedBackups: s("retained_backups", 533), retentionUnit: s("retention_unit", 538, { default: "COUNT" }) },
                        }),
                    },
                }),
                maintenanceWindow: s("maintenance_window", 853, {
                    fields: { day: s("day", 859), hour: s("hour", 866), updateTrack: s("update_track", 873) },
                }),
                insightsConfig: s("insights_config", 896, { computed: true, fields: { queryInsightsEnabled: s("query_insights_enabled", 903) } }),
                userLabels: s("user_labels", 889, { computed: true }),
            },
        }),
    },
    notes: [
        "Delete: deletion_policy first (3268-3272), then deletion_protection (3287-3289), then Instances.Delete with final_backup_description (3300-3306).",
    ],
};

export const sqlDatabase: ResourceRule = {
    token: "gcp:sql/database:Database",
    upstream: "google_sql_database",
    file: "sql/resource_sql_database.go",
    fields: {
        instance: rule("instance", "replace", 144),
        name: rule("name", "replace", 151),
        charset: rule("charset", "update", 158, { computed: true }),
        collation: rule("collation", "update", 169, { computed: true }),
        deletionPolicy: rule("deletion_policy", "state-only", 189, { computed: true, note: "client-side field (444); ABANDON skips the API delete" }),
    },
};

export const sqlUser: ResourceRule = {
    token: "gcp:sql/user:User",
    upstream: "google_sql_user",
    file: "sql/resource_sql_user.go",
    fields: {
        instance: rule("instance", "replace", 134),
        name: rule("name", "replace", 141),
        type: rule("type", "replace", 175, { normalize: (v) => (v === "" ? "BUILT_IN" : v) }),
        host: rule("host", "replace", 126, { computed: true }),
        password: rule("password", "update", 149, { note: "Users.Update with the password (592-641)" }),
        databaseRoles: rule("database_roles", "update", 262, {
            note:
                "Optional, not Computed, not ForceNew. Create sends it in Users.Insert (335-349); Update sends it with RevokeExistingRoles=true when it changed (616-641); " +
                "Read/flattenSqlUser (417-451) never sets it, so state keeps what was sent and the real memberships (e.g. a default cloudsqlsuperuser) are never seen. " +
                "The program re-creates the user on a change (replaceOnChanges) and checks pg_auth_members itself (components/gcp/cloudSqlRoles.ts)",
        }),
        deletionPolicy: rule("deletion_policy", "state-only", 260, { computed: true }),
    },
};

export const redisInstance: ResourceRule = {
    token: "gcp:redis/instance:Instance",
    upstream: "google_redis_instance",
    file: "redis/resource_redis_instance.go",
    fields: {
        name: rule("name", "replace", 189),
        region: rule("region", "replace", 450, { computed: true }),
        locationId: rule("location_id", "replace", 253, { computed: true }),
        tier: rule("tier", "replace", 487, { default: "BASIC" }),
        memorySizeGb: rule("memory_size_gb", "update", 184, { note: "updateMask memorySizeGb (1181)" }),
        redisVersion: rule("redis_version", "update", 442, { computed: true, note: ":upgrade call (Update +215-225)" }),
        connectMode: rule("connect_mode", "replace", 224, { default: "DIRECT_PEERING" }),
        authorizedNetwork: rule("authorized_network", "replace", 214, { computed: true, ...byName }),
        reservedIpRange: rule("reserved_ip_range", "replace", 466, { computed: true }),
        authEnabled: rule("auth_enabled", "update", 206, { default: false, note: "updateMask authEnabled (1157)" }),
        transitEncryptionMode: rule("transit_encryption_mode", "replace", 498, { default: "DISABLED" }),
        redisConfigs: rule("redis_configs", "update", 434, { note: "updateMask redisConfigs (1165)" }),
        persistenceConfig: rule("persistence_config", "update", 371, {
            computed: true,
            fields: {
                persistenceMode: rule("persistence_mode", "update", 379, { computed: true }),
                rdbSnapshotPeriod: rule("rdb_snapshot_period", "update", 389),
            },
        }),
        maintenancePolicy: rule("maintenance_policy", "update", 264, {
            fields: {
                weeklyMaintenanceWindows: rule("weekly_maintenance_window", "update", 278, {
                    fields: {
                        day: rule("day", "update", 286),
                        startTime: rule("start_time", "update", 301, {
                            fields: {
                                hours: rule("hours", "update", 308),
                                minutes: rule("minutes", "update", 315),
                                seconds: rule("seconds", "update", 327),
                                nanos: rule("nanos", "update", 321),
                            },
                        }),
                    },
                }),
            },
        }),
        labels: rule("labels", "update", 244),
    },
};

const STOP = "needs allow_stopping_for_update (instance is stopped, resourceComputeInstanceUpdate 2655)";

export const computeInstance: ResourceRule = {
    token: "gcp:compute/instance:Instance",
    upstream: "google_compute_instance",
    file: "compute/resource_compute_instance.go",
    fields: {
        name: rule("name", "replace", 646),
        zone: rule("zone", "replace", 1577, { computed: true }),
        machineType: rule("machine_type", "update", 639, { ...byName, note: STOP }),
        tags: rule("tags", "update", 1569, { set: true }),
        labels: rule("labels", "update", 1074),
        metadata: rule("metadata", "update", 1098, { note: "setMetadata (2742); a changed startup-script runs on the next boot only" }),
        bootDisk: rule("boot_disk", "replace", 282, {
            fields: {
                autoDelete: rule("auto_delete", "update", 290, { default: true }),
                initializeParams: rule("initialize_params", "replace", 371, {
                    computed: true,
                    fields: {
                        image: rule("image", "replace", 399, { computed: true }),
                        size: rule("size", "update", 381, { computed: true, note: "disk resize (3520)" }),
                        type: rule("type", "replace", 390, { computed: true }),
                    },
                }),
            },
        }),
        attachedDisks: rule("attached_disk", "update", 932, {
            fields: {
                source: rule("source", "update", 938, byName),
                deviceName: rule("device_name", "update", 945, { computed: true }),
                mode: rule("mode", "update", 952, { default: "READ_WRITE" }),
            },
            note: "detach/attach (3538)",
        }),
        networkInterfaces: rule("network_interface", "replace", 654, {
            fields: {
                subnetwork: rule("subnetwork", "update", 669, { computed: true, ...byName, note: STOP }),
                accessConfigs: rule("access_config", "update", 728, {
                    fields: { natIp: rule("nat_ip", "update", 734, { computed: true }), networkTier: rule("network_tier", "update", 741, { computed: true }) },
                }),
            },
            note: "ForceNew on the number of interfaces only",
        }),
        serviceAccount: rule("service_account", "update", 1409, {
            fields: { email: rule("email", "update", 1417, { computed: true, note: STOP }), scopes: rule("scopes", "update", 1424, { set: true, note: STOP }) },
        }),
        shieldedInstanceConfig: rule("shielded_instance_config", "update", 1440, {
            computed: true,
            fields: {
                enableSecureBoot: rule("enable_secure_boot", "update", 1451, { default: false, note: STOP }),
                enableVtpm: rule("enable_vtpm", "update", 1459, { default: true, note: STOP }),
                enableIntegrityMonitoring: rule("enable_integrity_monitoring", "update", 1467, { default: true, note: STOP }),
            },
        }),
        allowStoppingForUpdate: rule("allow_stopping_for_update", "state-only", 926),
    },
    notes: ["SDKv2 ForceNew on a block forces new only when the number of its items changes; nested fields keep their own kind."],
};

export const computeDisk: ResourceRule = {
    token: "gcp:compute/disk:Disk",
    upstream: "google_compute_disk",
    file: "compute/resource_compute_disk.go",
    fields: {
        name: rule("name", "replace", 491),
        zone: rule("zone", "replace", 929, { computed: true, ...byName }),
        size: rule("size", "update", 749, { computed: true, note: "grow in place; shrink is ForceNew (ForceNewIfChange IsDiskShrinkage, 460)" }),
        type: rule("type", "replace", 1063, byName),
        labels: rule("labels", "update", 658),
    },
};

export const gcpServiceRules: ResourceRule[] = [sqlDatabaseInstance, sqlDatabase, sqlUser, redisInstance, computeInstance, computeDisk];
