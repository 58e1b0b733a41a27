// The `minimarket:gcp` config object of the Google Cloud (prod) platform: read, validated and
// defaulted here. Like the rest of the config, every problem is reported through the Reader
// (never thrown), so an operator sees all keys to fix in one run.

import { Reader } from "./config";

export type RedisMode = "container" | "memorystore";
export type MemorystoreTier = "BASIC" | "STANDARD_HA";
export type CloudSqlEdition = "ENTERPRISE" | "ENTERPRISE_PLUS";

export interface CloudSqlConfig {
    tier: string;
    /** Derived from the tier: custom and shared-core tiers exist only in ENTERPRISE. */
    edition: CloudSqlEdition;
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
}

export interface RedisConfig {
    mode: RedisMode;
    memorystoreTier: MemorystoreTier;
    memorySizeGb: number;
}

export interface RegistryConfig {
    /** Registry host, e.g. southamerica-east1-docker.pkg.dev. The password is `minimarket:registryPassword`. */
    server: string;
    username: string;
}

export interface GcpConfig {
    project: string;
    region: string;
    zone: string;
    /** Primary range of the VM subnet. */
    networkCidr: string;
    machineType: string;
    /** Boot image of the Docker host (a Debian image: docker.io comes from Debian). */
    vmImage: string;
    bootDiskGb: number;
    /** Persistent disk holding Docker's data root (volumes, images); survives VM replacement. */
    dataDiskGb: number;
    /** Where SSH (the deploys' ssh:// Docker transport) may come from. */
    sshSourceRanges: string[];
    allowSshFromAnywhere: boolean;
    sshUser: string;
    sshPublicKey: string;
    /** Public name of the dashboard; Grafana is served at grafana.<domain>. */
    domain: string;
    /** Contact for the ACME (Let's Encrypt) account; optional. */
    acmeEmail?: string;
    cloudSql: CloudSqlConfig;
    redis: RedisConfig;
    registry?: RegistryConfig;
}

export const gcpDefaults = {
    // São Paulo: the closest Google Cloud region to Argentina.
    region: "southamerica-east1",
    zoneSuffix: "a",
    networkCidr: "10.20.0.0/24",
    machineType: "e2-standard-4",
    vmImage: "debian-cloud/debian-13",
    bootDiskGb: 20,
    dataDiskGb: 100,
    sshUser: "deploy",
    cloudSql: {
        tier: "db-custom-2-7680",
        databaseVersion: "POSTGRES_17",
        highAvailability: true,
        backupRetentionDays: 14,
        // 05:00 UTC = 02:00 in Buenos Aires, the quietest hour for shops.
        backupStartTime: "05:00",
        pointInTimeRecovery: true,
        transactionLogRetentionDays: 7,
        // Sunday 06:00 UTC = 03:00 in Buenos Aires.
        maintenanceWindow: { day: 7, hour: 6 },
        diskSizeGb: 20,
        deletionProtection: true,
    },
    redis: { mode: "container" as RedisMode, memorystoreTier: "BASIC" as MemorystoreTier, memorySizeGb: 1 },
} as const;

const KEY = "gcp";
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]{2,}-[a-z]+[0-9]{1,2}$/;
const MACHINE_TYPE = /^[a-z][a-z0-9]*-[a-z0-9-]+$/;
const IMAGE = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SSH_PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( \S.*)?$/;
const SQL_TIER = /^db-(custom-\d+-\d+|perf-optimized-N-\d+|f1-micro|g1-small)$/;
const POSTGRES_VERSION = /^POSTGRES_(\d+)$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Oldest major that still gets the SPEC's "current" treatment (and PG15+ public-schema rules). */
const MIN_POSTGRES_MAJOR = 15;
/** Prefixes shorter than this are the internet in all but name. */
const MIN_SSH_PREFIX = 8;

/**
 * Reads `minimarket:gcp`. Returns undefined only when the object is absent and not required;
 * otherwise a config with defaults applied (problems, if any, are on the Reader).
 */
export function readGcpConfig(r: Reader, opts: { required: boolean }): GcpConfig | undefined {
    if (!r.has(KEY)) {
        if (opts.required) {
            r.problem(KEY, "platform gcp needs the Google Cloud settings; start with `pulumi config set --path gcp.project <project-id>`");
        }
        return undefined;
    }
    const o = new ObjectReader(r, KEY, r.object(KEY));
    o.known([
        "project", "region", "zone", "networkCidr", "machineType", "vmImage", "bootDiskGb", "dataDiskGb",
        "sshSourceRanges", "allowSshFromAnywhere", "sshUser", "sshPublicKey", "domain", "acmeEmail",
        "cloudSql", "redis", "registry",
    ]);

    const project = o.requiredString("project", PROJECT, "a Google Cloud project id (6-30 lowercase letters, digits, dashes)");
    const region = readRegion(o);
    const zone = o.string("zone", `${region}-${gcpDefaults.zoneSuffix}`);
    if (!new RegExp(`^${escapeRegExp(region)}-[a-z]$`).test(zone)) {
        o.problem("zone", `${JSON.stringify(zone)} is not a zone of region ${region}; for example ${region}-a`);
    }
    const networkCidr = o.string("networkCidr", gcpDefaults.networkCidr);
    checkSubnetCidr(o, networkCidr);

    const allowSshFromAnywhere = o.boolean("allowSshFromAnywhere", false);
    const sshSourceRanges = readSshSourceRanges(o, allowSshFromAnywhere);

    return {
        project,
        region,
        zone,
        networkCidr,
        machineType: o.matching("machineType", gcpDefaults.machineType, MACHINE_TYPE, "a Compute Engine machine type such as e2-standard-4"),
        vmImage: o.matching("vmImage", gcpDefaults.vmImage, IMAGE, "an image as <project>/<family>, such as debian-cloud/debian-13"),
        bootDiskGb: o.integer("bootDiskGb", gcpDefaults.bootDiskGb, 10, 2000),
        dataDiskGb: o.integer("dataDiskGb", gcpDefaults.dataDiskGb, 10, 65536),
        sshSourceRanges,
        allowSshFromAnywhere,
        sshUser: o.matching("sshUser", gcpDefaults.sshUser, LINUX_USER, "a Linux user name (lowercase letters, digits, _ and -)"),
        sshPublicKey: o.requiredString("sshPublicKey", SSH_PUBLIC_KEY, "an OpenSSH public key line such as `ssh-ed25519 AAAA… deploy@ci`"),
        domain: o.requiredString("domain", HOSTNAME, "the public DNS name of the dashboard, e.g. minimarket.example.com.ar (its A record and grafana.<domain> must point at vmAddress)"),
        acmeEmail: o.optionalString("acmeEmail", EMAIL, "an e-mail address for the Let's Encrypt account"),
        cloudSql: readCloudSql(o.child("cloudSql")),
        redis: readRedis(o.child("redis")),
        registry: readRegistry(o),
    };
}

function readRegion(o: ObjectReader): string {
    const region = o.string("region", gcpDefaults.region);
    if (REGION.test(region)) return region;
    const zoneLike = /^([a-z]{2,}-[a-z]+[0-9]{1,2})-[a-z]$/.exec(region);
    o.problem(
        "region",
        zoneLike
            ? `${JSON.stringify(region)} is a zone; set the region ${zoneLike[1]} here and the zone with gcp.zone`
            : `${JSON.stringify(region)} is not a Google Cloud region; for example ${gcpDefaults.region} (São Paulo)`,
    );
    return gcpDefaults.region;
}

function readSshSourceRanges(o: ObjectReader, allowAnywhere: boolean): string[] {
    const ranges = o.stringList("sshSourceRanges");
    if (ranges.length === 0 && !o.problemAt("sshSourceRanges")) {
        // Deploys reach Docker over ssh://, so an empty list (no SSH at all) cannot deploy.
        o.problem(
            "sshSourceRanges",
            "no address may reach SSH, but deploys drive Docker over ssh://; list the CIDRs you deploy from " +
                "with `pulumi config set --path 'gcp.sshSourceRanges[0]' 203.0.113.7/32` (35.235.240.0/20 for IAP TCP forwarding)",
        );
    }
    ranges.forEach((range, i) => {
        const cidr = parseCidr(range);
        if (!cidr) {
            o.problem(`sshSourceRanges[${i}]`, `${JSON.stringify(range)} is not an IPv4 CIDR such as 203.0.113.7/32`);
        } else if (cidr.prefix < MIN_SSH_PREFIX && !allowAnywhere) {
            o.problem(
                `sshSourceRanges[${i}]`,
                `${range} opens SSH to (nearly) the whole internet; list the addresses you deploy from, ` +
                    "or if you really mean it, also set `pulumi config set --path gcp.allowSshFromAnywhere true`",
            );
        }
    });
    return ranges;
}

function checkSubnetCidr(o: ObjectReader, value: string): void {
    const cidr = parseCidr(value);
    if (!cidr || cidr.prefix < 8 || cidr.prefix > 29) {
        o.problem("networkCidr", `${JSON.stringify(value)} is not an IPv4 CIDR from /8 to /29, e.g. ${gcpDefaults.networkCidr}`);
    } else if (!isPrivate(cidr.address)) {
        o.problem("networkCidr", `${value} is not a private (RFC 1918) range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
    } else if (cidr.address !== networkAddress(cidr)) {
        o.problem("networkCidr", `${value} has host bits set; the network address is ${ipv4ToString(networkAddress(cidr))}/${cidr.prefix}`);
    }
}

function readCloudSql(o: ObjectReader): CloudSqlConfig {
    const d = gcpDefaults.cloudSql;
    o.known([
        "tier", "databaseVersion", "highAvailability", "backupRetentionDays", "backupStartTime", "pointInTimeRecovery",
        "transactionLogRetentionDays", "maintenanceWindow", "diskSizeGb", "deletionProtection",
    ]);
    const tier = o.matching("tier", d.tier, SQL_TIER, "a Cloud SQL tier such as db-custom-2-7680 (vCPUs, MB of memory) or db-perf-optimized-N-2");
    const edition: CloudSqlEdition = tier.startsWith("db-perf-optimized-") ? "ENTERPRISE_PLUS" : "ENTERPRISE";
    const databaseVersion = o.string("databaseVersion", d.databaseVersion);
    const major = POSTGRES_VERSION.exec(databaseVersion);
    if (!major || Number(major[1]) < MIN_POSTGRES_MAJOR) {
        o.problem("databaseVersion", `${JSON.stringify(databaseVersion)} is not a supported PostgreSQL version; use POSTGRES_${MIN_POSTGRES_MAJOR} or later (default ${d.databaseVersion})`);
    }
    const backupRetentionDays = o.integer("backupRetentionDays", d.backupRetentionDays, 1, 365);
    // ENTERPRISE keeps at most 7 days of transaction logs; ENTERPRISE_PLUS up to 35.
    const maxLogDays = edition === "ENTERPRISE" ? 7 : 35;
    const transactionLogRetentionDays = o.integer("transactionLogRetentionDays", d.transactionLogRetentionDays, 1, maxLogDays);
    if (transactionLogRetentionDays >= backupRetentionDays && !o.problemAt("transactionLogRetentionDays")) {
        o.problem("transactionLogRetentionDays", `must be less than backupRetentionDays (${backupRetentionDays}): point-in-time recovery replays logs on top of a kept backup`);
    }
    const window = o.child("maintenanceWindow");
    window.known(["day", "hour"]);
    return {
        tier,
        edition,
        databaseVersion,
        highAvailability: o.boolean("highAvailability", d.highAvailability),
        backupRetentionDays,
        backupStartTime: o.matching("backupStartTime", d.backupStartTime, HHMM, "a UTC time as HH:MM, e.g. 05:00"),
        pointInTimeRecovery: o.boolean("pointInTimeRecovery", d.pointInTimeRecovery),
        transactionLogRetentionDays,
        maintenanceWindow: { day: window.integer("day", d.maintenanceWindow.day, 1, 7), hour: window.integer("hour", d.maintenanceWindow.hour, 0, 23) },
        diskSizeGb: o.integer("diskSizeGb", d.diskSizeGb, 10, 65536),
        deletionProtection: o.boolean("deletionProtection", d.deletionProtection),
    };
}

function readRedis(o: ObjectReader): RedisConfig {
    const d = gcpDefaults.redis;
    o.known(["mode", "memorystoreTier", "memorySizeGb"]);
    return {
        mode: o.oneOf("mode", d.mode, ["container", "memorystore"]),
        memorystoreTier: o.oneOf("memorystoreTier", d.memorystoreTier, ["BASIC", "STANDARD_HA"]),
        memorySizeGb: o.integer("memorySizeGb", d.memorySizeGb, 1, 300),
    };
}

function readRegistry(parent: ObjectReader): RegistryConfig | undefined {
    if (!parent.has("registry")) return undefined;
    const o = parent.child("registry");
    o.known(["server", "username"]);
    return {
        server: o.requiredString("server", /^[a-z0-9.-]+(:\d+)?$/, "the registry host, e.g. southamerica-east1-docker.pkg.dev"),
        username: o.requiredString("username", /^\S+$/, "the registry user, e.g. _json_key_base64 for an Artifact Registry service-account key"),
    };
}

/** Typed fields of one config object, with problems reported under `gcp.<path>.<field>`. */
class ObjectReader {
    private readonly flagged = new Set<string>();

    constructor(
        private readonly r: Reader,
        private readonly path: string,
        private readonly obj: Record<string, unknown>,
    ) {}

    problem(field: string, message: string): void {
        this.flagged.add(field.replace(/\[\d+\]$/, ""));
        this.r.problem(`${this.path}.${field}`, message);
    }

    problemAt(field: string): boolean {
        return this.flagged.has(field);
    }

    has(field: string): boolean {
        return this.obj[field] !== undefined;
    }

    known(fields: string[]): void {
        for (const field of Object.keys(this.obj)) {
            if (!fields.includes(field)) this.problem(field, `unknown field; the fields of ${this.path} are ${fields.join(", ")}`);
        }
    }

    child(field: string): ObjectReader {
        const v = this.obj[field];
        if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) {
            this.problem(field, `expected an object; set its fields with \`pulumi config set --path '${this.path}.${field}.<field>' <value>\``);
            return new ObjectReader(this.r, `${this.path}.${field}`, {});
        }
        return new ObjectReader(this.r, `${this.path}.${field}`, (v ?? {}) as Record<string, unknown>);
    }

    string(field: string, fallback: string): string {
        const v = this.obj[field];
        if (v === undefined) return fallback;
        if (typeof v !== "string") {
            this.problem(field, `expected a string, got ${JSON.stringify(v)}`);
            return fallback;
        }
        return v;
    }

    matching(field: string, fallback: string, pattern: RegExp, what: string): string {
        const v = this.string(field, fallback);
        if (!pattern.test(v) && !this.problemAt(field)) this.problem(field, `${JSON.stringify(v)} is not ${what}`);
        return v;
    }

    requiredString(field: string, pattern: RegExp, what: string): string {
        if (!this.has(field)) {
            this.problem(field, `is required: ${what}; run \`pulumi config set --path '${this.path}.${field}' <value>\``);
            return "";
        }
        return this.matching(field, "", pattern, what);
    }

    optionalString(field: string, pattern: RegExp, what: string): string | undefined {
        return this.has(field) ? this.matching(field, "", pattern, what) : undefined;
    }

    oneOf<T extends string>(field: string, fallback: T, allowed: readonly T[]): T {
        const v = this.string(field, fallback);
        if ((allowed as readonly string[]).includes(v)) return v as T;
        if (!this.problemAt(field)) this.problem(field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
        return fallback;
    }

    boolean(field: string, fallback: boolean): boolean {
        const v = this.obj[field];
        if (v === undefined) return fallback;
        // `pulumi config set --path` stores plain strings; YAML written by hand has booleans.
        if (v === true || v === "true") return true;
        if (v === false || v === "false") return false;
        this.problem(field, `expected true or false, got ${JSON.stringify(v)}`);
        return fallback;
    }

    integer(field: string, fallback: number, min: number, max: number): number {
        const v = this.obj[field];
        if (v === undefined) return fallback;
        const n = this.r.checkInteger(`${this.path}.${field}`, v, min, max);
        if (n === undefined) this.flagged.add(field);
        return n ?? fallback;
    }

    stringList(field: string): string[] {
        const v = this.obj[field];
        if (v === undefined) return [];
        if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
            this.problem(field, `expected a list of strings, got ${JSON.stringify(v)}; set items with \`pulumi config set --path '${this.path}.${field}[0]' <value>\``);
            return [];
        }
        return v;
    }
}

// ---- IPv4 CIDR arithmetic ----------------------------------------------------------------

export interface Cidr {
    address: number;
    prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    return { address: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

function networkAddress(c: Cidr): number {
    const size = 2 ** (32 - c.prefix);
    return Math.floor(c.address / size) * size;
}

function isPrivate(address: number): boolean {
    const inRange = (base: string) => {
        const c = parseCidr(base)!;
        return networkAddress({ address, prefix: c.prefix }) === c.address;
    };
    return inRange("10.0.0.0/8") || inRange("172.16.0.0/12") || inRange("192.168.0.0/16");
}

function ipv4ToString(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
