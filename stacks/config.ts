// Stack configuration: every `minimarket:*` key is read and validated here, once, before any
// resource is declared. Problems are collected, not thrown one at a time, so an operator sees
// every key to fix in a single run (lesson 6 of the SPEC).

import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { GcpConfig, readGcpConfig } from "./gcpConfig";
import { isPinned, parseImageRef } from "./images";
import { isServiceName, ServiceName, serviceNames } from "./services";

export const NAMESPACE = "minimarket";

/** Secrets the program generates. Each can be supplied with `pulumi config set --secret <key>`. */
export const generatedSecrets = {
    postgresPassword: { description: "PostgreSQL application role password", length: 32, minLength: 32 },
    postgresAdminPassword: { description: "PostgreSQL superuser password (staging container only)", length: 32, minLength: 32 },
    postgresMonitorPassword: { description: "PostgreSQL monitoring role password (postgres-exporter)", length: 32, minLength: 32 },
    redisPassword: { description: "Redis password", length: 32, minLength: 32 },
    jwtSecretDeposito: { description: "JWT secret of agente-deposito", length: 64, minLength: 32 },
    jwtSecretNegocio: { description: "JWT secret of agente-negocio", length: 64, minLength: 32 },
    jwtSecretMl: { description: "JWT secret of ml-service", length: 64, minLength: 32 },
    jwtSecretDashboard: { description: "JWT secret of dashboard", length: 64, minLength: 32 },
    dashboardApiKey: { description: "Dashboard API key", length: 48, minLength: 32 },
    dashboardUiApiKey: { description: "Dashboard UI API key", length: 48, minLength: 32 },
    grafanaAdminPassword: { description: "Grafana admin password", length: 32, minLength: 32 },
    grafanaSecretKey: { description: "Grafana's key for data it encrypts (its built-in default is public)", length: 48, minLength: 32 },
} as const;
export type GeneratedSecretName = keyof typeof generatedSecrets;
export const generatedSecretNames = Object.keys(generatedSecrets) as GeneratedSecretName[];

export type Platform = "docker" | "gcp";

export interface ServiceConfig {
    /** Image reference; undefined means the demo stand-in runs in its place. */
    image?: string;
    memoryMb: number;
    /** CPU limit in cores; CPUHigh measures use against it. */
    cpus: number;
    /** Extra or overriding plain variables. */
    env: Record<string, string>;
    /** Extra or overriding secret variables (from `secretEnv.<service>.<VAR>`). */
    secretEnv: Record<string, string>;
    /** Release step run from the same image before it serves; undefined when skipped. */
    migrationCommand?: string[];
}

export interface HostPorts {
    dashboard: number;
    grafana: number;
    prometheus: number;
    alertmanager: number;
}

export interface StackConfig {
    stack: string;
    environment: string;
    platform: Platform;
    /** Docker daemon address; undefined means the local daemon. */
    dockerHost?: string;
    dockerSshOpts: string[];
    allowUnpinnedImages: boolean;
    logLevel: string;
    timezone: string;
    corsOrigins: string[];
    dashboardForceHttps: boolean;
    services: Record<ServiceName, ServiceConfig>;
    hostPorts: HostPorts;
    secretOverrides: Partial<Record<GeneratedSecretName, string>>;
    rotations: Record<GeneratedSecretName, number>;
    slackWebhookUrl?: string;
    /** Password or key of the private registry of `gcp.registry`. */
    registryPassword?: string;
    /** Google Cloud settings; present when platform is gcp. */
    gcp?: GcpConfig;
    postgresMemoryMb: number;
    redisMemoryMb: number;
    /** How long Prometheus keeps samples. */
    metricsRetention: string;
}

/** What the config reader sees: raw strings as the Pulumi CLI passes them, plus secretness. */
export interface RawConfig {
    /** Keys without the namespace prefix, e.g. `dockerHost`, `services`. */
    values: Record<string, string>;
    secretKeys: Set<string>;
}

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); ` +
                `nothing was changed:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const DEFAULT_MIGRATION = ["alembic", "upgrade", "head"];
/** Variables that carry credentials: overriding them in plain config would leak them. */
const SECRET_VARS = /^(DATABASE_URL|REDIS_URL|JWT_SECRET_[A-Z_]+|DASHBOARD_(UI_)?API_KEY|OPENAI_API_KEY|AWS_SECRET_ACCESS_KEY|.*PASSWORD.*|.*TOKEN.*)$/;

/** Every `minimarket:*` key the program reads. */
export const topLevelKeys: ReadonlySet<string> = new Set<string>([
    "environment",
    "platform",
    "dockerHost",
    "dockerSshOpts",
    "allowUnpinnedImages",
    "logLevel",
    "timezone",
    "corsOrigins",
    "dashboardForceHttps",
    "services",
    "secretEnv",
    "hostPorts",
    "rotations",
    "slackWebhookUrl",
    "registryPassword",
    "gcp",
    "postgresMemoryMb",
    "redisMemoryMb",
    "metricsRetention",
    ...generatedSecretNames,
]);

/** Collects problems while reading typed values out of the raw config. */
export class Reader {
    readonly problems: string[] = [];
    constructor(private readonly raw: RawConfig) {}

    key(k: string): string {
        return `${NAMESPACE}:${k}`;
    }

    has(k: string): boolean {
        return this.raw.values[k] !== undefined;
    }

    isSecret(k: string): boolean {
        return this.raw.secretKeys.has(k);
    }

    problem(k: string, message: string): void {
        this.problems.push(`${this.key(k)}: ${message}`);
    }

    string(k: string, fallback: string): string;
    string(k: string): string | undefined;
    string(k: string, fallback?: string): string | undefined {
        const v = this.raw.values[k];
        return v === undefined ? fallback : v;
    }

    boolean(k: string, fallback: boolean): boolean {
        const v = this.raw.values[k];
        if (v === undefined) return fallback;
        if (v === "true" || v === "false") return v === "true";
        this.problem(k, `expected true or false, got ${JSON.stringify(v)}; run \`pulumi config set ${k} true\``);
        return fallback;
    }

    integer(k: string, fallback: number, min: number, max: number): number {
        const v = this.raw.values[k];
        if (v === undefined) return fallback;
        return this.checkInteger(k, v, min, max) ?? fallback;
    }

    checkInteger(k: string, v: unknown, min: number, max: number): number | undefined {
        const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < min || n > max) {
            this.problem(k, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
            return undefined;
        }
        return n;
    }

    /** Structured values (`pulumi config set --path ...`) arrive as JSON text. */
    json(k: string): unknown {
        const v = this.raw.values[k];
        if (v === undefined) return undefined;
        try {
            return JSON.parse(v);
        } catch {
            return v; // a plain string where a structure was expected; callers report it
        }
    }

    object(k: string): Record<string, unknown> {
        const v = this.json(k);
        if (v === undefined) return {};
        if (!isPlainObject(v)) {
            this.problem(k, `expected an object, got ${JSON.stringify(v)}; set fields with \`pulumi config set --path '${k}.<field>' <value>\``);
            return {};
        }
        return v;
    }

    stringList(k: string, fallback: string[]): string[] {
        const v = this.json(k);
        if (v === undefined) return fallback;
        if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
            this.problem(k, `expected a list of strings, got ${JSON.stringify(v)}; set items with \`pulumi config set --path '${k}[0]' <value>\``);
            return fallback;
        }
        return v;
    }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and validates the raw config of stack `stack`. Throws ConfigError listing every problem. */
export function parseConfig(raw: RawConfig, stack: string): StackConfig {
    const r = new Reader(raw);

    for (const k of Object.keys(raw.values)) {
        if (!topLevelKeys.has(k)) {
            r.problem(k, `unknown key; remove it with \`pulumi config rm ${k}\` (known keys: ${[...topLevelKeys].sort().join(", ")})`);
        }
    }

    const environment = r.string("environment", stack);
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(environment)) {
        r.problem("environment", `must be lowercase letters, digits and dashes (got ${JSON.stringify(environment)})`);
    }
    const isProd = environment === "prod" || stack === "prod";

    const platform = r.string("platform", "docker");
    if (platform !== "docker" && platform !== "gcp") {
        r.problem("platform", `must be "docker" or "gcp", got ${JSON.stringify(platform)}`);
    }

    const dockerHost = r.string("dockerHost");
    if (dockerHost !== undefined && !/^(ssh|tcp|unix|npipe):\/\/\S+$/.test(dockerHost)) {
        r.problem("dockerHost", `must be a Docker daemon address such as ssh://deploy@host or unix:///var/run/docker.sock, got ${JSON.stringify(dockerHost)}`);
    }

    const allowUnpinnedImages = r.boolean("allowUnpinnedImages", false);
    if (allowUnpinnedImages && isProd) {
        r.problem("allowUnpinnedImages", "prod never deploys `latest` or tagless images; run `pulumi config rm allowUnpinnedImages`");
    }

    const logLevel = r.string("logLevel", "INFO").toUpperCase();
    if (!LOG_LEVELS.includes(logLevel)) {
        r.problem("logLevel", `must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`);
    }

    const timezone = r.string("timezone", "America/Argentina/Buenos_Aires");
    if (!isValidTimezone(timezone)) {
        r.problem("timezone", `unknown IANA time zone ${JSON.stringify(timezone)}; for example America/Argentina/Buenos_Aires`);
    }

    const corsOrigins = r.stringList("corsOrigins", ["http://localhost:8080"]);
    for (const origin of corsOrigins) {
        if (!/^https?:\/\/[^\s/]+$/.test(origin)) {
            r.problem("corsOrigins", `${JSON.stringify(origin)} is not an origin like https://shop.example.com (scheme and host, no path)`);
        }
    }

    const services = readServices(r, { allowUnpinnedImages: allowUnpinnedImages && !isProd, isProd });
    const hostPorts = readHostPorts(r);
    const { secretOverrides, rotations } = readSecrets(r);

    const slackWebhookUrl = r.string("slackWebhookUrl");
    if (slackWebhookUrl !== undefined) {
        if (!r.isSecret("slackWebhookUrl")) {
            r.problem("slackWebhookUrl", "is stored in plain text; run `pulumi config set --secret slackWebhookUrl <url>`");
        }
        if (!/^https:\/\/\S+$/.test(slackWebhookUrl)) {
            r.problem("slackWebhookUrl", "must be an https:// Slack incoming-webhook URL");
        }
    }

    const registryPassword = r.string("registryPassword");
    if (registryPassword !== undefined && !r.isSecret("registryPassword")) {
        r.problem("registryPassword", "is stored in plain text; run `pulumi config set --secret registryPassword <value>`");
    }
    const gcp = readGcpConfig(r, { required: platform === "gcp" });
    if (gcp?.registry && registryPassword === undefined) {
        r.problem("registryPassword", "gcp.registry is set but its password is not; run `pulumi config set --secret registryPassword <password or key>`");
    }

    const config: StackConfig = {
        stack,
        environment,
        platform: platform as Platform,
        dockerHost,
        dockerSshOpts: r.stringList("dockerSshOpts", []),
        allowUnpinnedImages,
        logLevel,
        timezone,
        corsOrigins,
        dashboardForceHttps: r.boolean("dashboardForceHttps", isProd),
        services,
        hostPorts,
        secretOverrides,
        rotations,
        slackWebhookUrl,
        registryPassword,
        gcp,
        postgresMemoryMb: r.integer("postgresMemoryMb", 1024, 256, 65536),
        redisMemoryMb: r.integer("redisMemoryMb", 768, 600, 65536),
        metricsRetention: r.string("metricsRetention", isProd ? "30d" : "7d"),
    };
    if (!/^[1-9][0-9]*(h|d|w|y)$/.test(config.metricsRetention)) {
        r.problem("metricsRetention", `expected a duration such as 7d or 30d, got ${JSON.stringify(config.metricsRetention)}`);
    }

    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return config;
}

function readServices(r: Reader, opts: { allowUnpinnedImages: boolean; isProd: boolean }): Record<ServiceName, ServiceConfig> {
    const raw = r.object("services");
    if (r.isSecret("services")) {
        r.problem("services", "holds a secret value, which would reach containers as a plain variable; move it under secretEnv with `pulumi config set --secret --path 'secretEnv.<service>.<VAR>' <value>`");
    }
    const secretEnvRaw = r.object("secretEnv");
    if (r.has("secretEnv") && !r.isSecret("secretEnv")) {
        r.problem("secretEnv", "is stored in plain text; set each value with `pulumi config set --secret --path 'secretEnv.<service>.<VAR>' <value>`");
    }
    for (const [where, obj] of [["services", raw], ["secretEnv", secretEnvRaw]] as const) {
        for (const name of Object.keys(obj)) {
            if (!isServiceName(name)) {
                r.problem(`${where}.${name}`, `unknown service; the services are ${serviceNames.join(", ")}`);
            }
        }
    }

    const known = new Set(["image", "memoryMb", "cpus", "env", "migrationCommand"]);
    const result = {} as Record<ServiceName, ServiceConfig>;
    for (const name of serviceNames) {
        const key = `services.${name}`;
        const s = raw[name] ?? {};
        if (!isPlainObject(s)) {
            r.problem(key, "expected an object with image, memoryMb, env, migrationCommand");
            continue;
        }
        for (const field of Object.keys(s)) {
            if (!known.has(field)) r.problem(`${key}.${field}`, `unknown field; the fields are ${[...known].join(", ")}`);
        }

        let image: string | undefined;
        if (s.image !== undefined) {
            image = checkImage(r, `${key}.image`, s.image, opts.allowUnpinnedImages);
        } else if (opts.isProd) {
            r.problem(`${key}.image`, `prod runs real images only; run \`pulumi config set --path '${key}.image' <registry>/${name}:<version>\``);
        }

        const memoryMb = s.memoryMb === undefined ? 512 : r.checkInteger(`${key}.memoryMb`, s.memoryMb, 64, 65536) ?? 512;
        const cpus = s.cpus === undefined ? 1 : checkCpus(r, `${key}.cpus`, s.cpus);
        const env = readEnvMap(r, `${key}.env`, s.env);
        for (const v of Object.keys(env).filter((n) => SECRET_VARS.test(n))) {
            r.problem(`${key}.env.${v}`, `carries a credential; set it as a secret with \`pulumi config set --secret --path 'secretEnv.${name}.${v}' <value>\``);
        }
        const secretEnv = readEnvMap(r, `secretEnv.${name}`, secretEnvRaw[name]);

        let migrationCommand: string[] | undefined = DEFAULT_MIGRATION;
        const m = s.migrationCommand;
        if (m === false || m === null || (Array.isArray(m) && m.length === 0)) {
            migrationCommand = undefined;
        } else if (Array.isArray(m) && m.every((x) => typeof x === "string" && x.length > 0)) {
            migrationCommand = m as string[];
        } else if (m !== undefined) {
            r.problem(`${key}.migrationCommand`, 'expected a list of arguments such as ["alembic","upgrade","head"], or false to skip the release step');
        }
        // A stand-in has nothing to migrate.
        if (image === undefined) migrationCommand = undefined;

        result[name] = { image, memoryMb, cpus, env, secretEnv, migrationCommand };
    }
    return result;
}

function checkCpus(r: Reader, key: string, value: unknown): number {
    const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
    if (!Number.isFinite(n) || n < 0.1 || n > 64) {
        r.problem(key, `expected a number of CPU cores from 0.1 to 64, got ${JSON.stringify(value)}`);
        return 1;
    }
    return n;
}

function checkImage(r: Reader, key: string, value: unknown, allowUnpinned: boolean): string | undefined {
    if (typeof value !== "string") {
        r.problem(key, `expected an image reference string, got ${JSON.stringify(value)}`);
        return undefined;
    }
    const ref = parseImageRef(value);
    if (!ref) {
        r.problem(key, `${JSON.stringify(value)} is not a valid image reference; expected [registry/]repository:tag or repository@sha256:<digest>`);
        return undefined;
    }
    if (!allowUnpinned && !isPinned(ref)) {
        r.problem(key, `${JSON.stringify(value)} is not pinned; give an explicit version tag (not latest) or a digest`);
    }
    return value;
}

function readEnvMap(r: Reader, key: string, value: unknown): Record<string, string> {
    if (value === undefined) return {};
    if (!isPlainObject(value)) {
        r.problem(key, `expected an object of VARIABLE: value; set one with \`pulumi config set --path '${key}.VARIABLE' <value>\``);
        return {};
    }
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
        if (!ENV_NAME.test(name)) {
            r.problem(`${key}.${name}`, "is not a valid environment variable name (A-Z, 0-9, _; not starting with a digit)");
            continue;
        }
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
            out[name] = String(v);
        } else if (Array.isArray(v)) {
            out[name] = JSON.stringify(v); // lists reach pydantic-settings as JSON arrays
        } else {
            r.problem(`${key}.${name}`, `expected a string, number, boolean or list, got ${JSON.stringify(v)}`);
        }
    }
    return out;
}

function readHostPorts(r: Reader): HostPorts {
    const defaults: HostPorts = { dashboard: 8080, grafana: 3000, prometheus: 9090, alertmanager: 9093 };
    const raw = r.object("hostPorts");
    const ports = { ...defaults };
    for (const [name, v] of Object.entries(raw)) {
        if (!(name in defaults)) {
            r.problem(`hostPorts.${name}`, `unknown published service; the ones with host ports are ${Object.keys(defaults).join(", ")}`);
            continue;
        }
        const n = r.checkInteger(`hostPorts.${name}`, v, 1, 65535);
        if (n !== undefined) ports[name as keyof HostPorts] = n;
    }
    const seen = new Map<number, string>();
    for (const [name, port] of Object.entries(ports)) {
        const other = seen.get(port);
        if (other) r.problem(`hostPorts.${name}`, `host port ${port} is already used by hostPorts.${other}; pick another port`);
        seen.set(port, name);
    }
    return ports;
}

function readSecrets(r: Reader): Pick<StackConfig, "secretOverrides" | "rotations"> {
    const secretOverrides: Partial<Record<GeneratedSecretName, string>> = {};
    for (const name of generatedSecretNames) {
        const v = r.string(name);
        if (v === undefined) continue;
        const { minLength } = generatedSecrets[name];
        if (!r.isSecret(name)) {
            r.problem(name, `is stored in plain text; run \`pulumi config set --secret ${name} <value>\` (or \`pulumi config rm ${name}\` to let the program generate it)`);
        }
        if (v.length < minLength) {
            // Never echo the value: it is a secret, even a weak one.
            r.problem(name, `is ${v.length} characters long; it must have at least ${minLength}. Set a stronger value, or \`pulumi config rm ${name}\` to generate one`);
        }
        secretOverrides[name] = v;
    }

    const rawRotations = r.object("rotations");
    const rotations = Object.fromEntries(generatedSecretNames.map((n) => [n, 0])) as Record<GeneratedSecretName, number>;
    for (const [name, v] of Object.entries(rawRotations)) {
        if (!(generatedSecretNames as string[]).includes(name)) {
            r.problem(`rotations.${name}`, `unknown secret; the generated secrets are ${generatedSecretNames.join(", ")}`);
            continue;
        }
        const n = r.checkInteger(`rotations.${name}`, v, 0, 1_000_000);
        if (n !== undefined) rotations[name as GeneratedSecretName] = n;
    }
    return { secretOverrides, rotations };
}

function isValidTimezone(tz: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}

/** Reads the `minimarket:*` config of the running stack, exactly as the CLI passed it. */
export function readRawConfig(): RawConfig {
    // isConfigSecret is not in the type declarations, but it is how the SDK itself decides.
    const isSecret = (runtimeConfig as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    if (typeof isSecret !== "function") throw new Error("@pulumi/pulumi no longer exposes isConfigSecret; update stacks/config.ts");
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const [ns, key] = splitKey(fullKey);
        if (ns !== NAMESPACE) continue;
        values[key] = value;
        if (isSecret(fullKey)) secretKeys.add(key);
    }
    return { values, secretKeys };
}

function splitKey(fullKey: string): [string, string] {
    const i = fullKey.indexOf(":");
    return i < 0 ? ["", fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1)];
}

/** The validated config of the running stack; throws ConfigError before any resource exists. */
export function loadStackConfig(): StackConfig {
    return parseConfig(readRawConfig(), pulumi.getStack());
}
