// The stack configuration as a schema: every `minimarket:*` key, its type, default, and the
// message that says how to fix it. parseConfig (./parse.ts) runs it once, before any resource
// exists, and reports every problem at once (lesson 6 of the SPEC). Types come from here too.

import { z } from "zod";
import { isPinned, parseImageRef } from "../facts/images";
import { secretCatalog, SecretName, secretNames } from "../facts/secrets";
import { isServiceName, ServiceName, serviceNames } from "../facts/services";
import { always, boolean, documented, FieldDoc, integer, isPlainObject, oneOf, problem, record, show, stringList, suggestion, text } from "./fields";
import { GcpConfig, gcpSchema } from "./gcpSchema";

export const NAMESPACE = "minimarket";

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const DEFAULT_MIGRATION = ["alembic", "upgrade", "head"];
/** Variables that carry credentials: overriding them in plain config would leak them. */
const SECRET_VARS = /^(DATABASE_URL|REDIS_URL|JWT_SECRET_[A-Z_]+|DASHBOARD_(UI_)?API_KEY|OPENAI_API_KEY|AWS_SECRET_ACCESS_KEY|.*PASSWORD.*|.*TOKEN.*)$/;
const DOCKER_HOST = /^(ssh|tcp|unix|npipe):\/\/\S+$/;
const ORIGIN = /^https?:\/\/[^\s/]+$/;
const RETENTION = /^[1-9][0-9]*(h|d|w|y)$/;

export const hostPortDefaults = { dashboard: 8080, grafana: 3000, prometheus: 9090, alertmanager: 9093 } as const;
export type HostPorts = Record<keyof typeof hostPortDefaults, number>;

/** What the schema needs to know beyond the values: which keys were set with `--secret`, and the stack. */
export interface ParseContext {
    stack: string;
    secretKeys: ReadonlySet<string>;
}

/** One variable map (`services.<svc>.env` or `secretEnv.<svc>`): names checked, values rendered as the apps parse them. */
function envMap() {
    return z
        .record(z.string(), z.unknown(), {
            error: "expected an object of VARIABLE: value; set one with `pulumi config set --path '{key}.VARIABLE' <value>`",
        })
        .superRefine((vars, ctx) => {
            for (const [name, v] of Object.entries(vars)) {
                if (!ENV_NAME.test(name)) problem(ctx, [name], "is not a valid environment variable name (A-Z, 0-9, _; not starting with a digit)");
                else if (!["string", "number", "boolean"].includes(typeof v) && !Array.isArray(v)) {
                    problem(ctx, [name], `expected a string, number, boolean or list, got ${show(v)}`);
                }
            }
        })
        .transform((vars) =>
            Object.fromEntries(
                Object.entries(vars)
                    .filter(([name]) => ENV_NAME.test(name))
                    // Lists reach pydantic-settings as JSON arrays.
                    .map(([name, v]) => [name, Array.isArray(v) ? JSON.stringify(v) : String(v)]),
            ),
        );
}

const migrationCommand = z
    .union([z.literal(false), z.null(), z.array(z.string().min(1)).min(0)], {
        error: 'expected a list of arguments such as ["alembic","upgrade","head"], or false to skip the release step',
    })
    .optional()
    .meta({ description: "release step arguments; `false` skips it", default: '`["alembic","upgrade","head"]`' });

const serviceSchema = record(
    {
        image: documented(text(), {
            description: "pinned image: explicit version tag (not `latest`) or `@sha256:` digest",
            default: "demo stand-in (staging); required in prod",
        }),
        memoryMb: documented(integer(64, 65536), { description: "memory limit of the container (MemoryPressure alerts at 85 %)", default: "`512`" }),
        cpus: z
            .preprocess(
                (v) => (typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
                z.number({ error: (iss) => `expected a number of CPU cores from 0.1 to 64, got ${show(iss.input)}` }).refine((n) => n >= 0.1 && n <= 64, {
                    error: (iss) => `expected a number of CPU cores from 0.1 to 64, got ${show(iss.input)}`,
                }),
            )
            .optional()
            .meta({ description: "CPU limit in cores (CPUHigh alerts at 80 %)", default: "`1`" }),
        env: envMap().optional().meta({ description: "add or override a plain variable (lists become JSON arrays)" }),
        migrationCommand,
    },
    (_, known) => `unknown field; the fields are ${known.join(", ")}`,
);

const hostPortsSchema = record(
    {
        dashboard: documented(integer(1, 65535), { description: "host port of the dashboard (the only published app)", default: "`8080`" }),
        grafana: documented(integer(1, 65535), { description: "host port of Grafana", default: "`3000`" }),
        prometheus: documented(integer(1, 65535), { description: "Prometheus, bound to 127.0.0.1", default: "`9090`" }),
        alertmanager: documented(integer(1, 65535), { description: "Alertmanager, bound to 127.0.0.1", default: "`9093`" }),
    },
    (_, known) => `unknown published service; the ones with host ports are ${known.join(", ")}`,
).superRefine((ports, ctx) => {
    if (!isPlainObject(ports)) return;
    const seen = new Map<number, string>();
    for (const [name, dflt] of Object.entries(hostPortDefaults)) {
        const port = typeof ports[name] === "number" ? (ports[name] as number) : ports[name] === undefined ? dflt : undefined;
        if (port === undefined) continue;
        const other = seen.get(port);
        if (other) problem(ctx, [name], `host port ${port} is already used by hostPorts.${other}; pick another port`);
        seen.set(port, name);
    }
}, always);

const rotationsSchema = z
    .record(z.string(), z.unknown(), { error: "expected an object; set a counter with `pulumi config set --path 'rotations.<secret>' 1`" })
    .pipe(
        z.looseObject(Object.fromEntries(secretNames.map((n) => [n, integer(0, 1_000_000).optional()]))).superRefine((obj, ctx) => {
            for (const name of Object.keys(obj)) {
                if (!(secretNames as string[]).includes(name)) {
                    problem(ctx, [name], `unknown secret; the generated secrets are ${secretNames.join(", ")}${suggestion(name, secretNames)}`);
                }
            }
        }, always),
    )
    .optional()
    .meta({ description: "bump to generate a new value of that secret on the next `pulumi up`", default: "`0`" });

/** Fields shared by every platform; `services` and `secretEnv` are per service name. */
const common = {
    environment: documented(
        text({ pattern: /^[a-z][a-z0-9-]{0,30}$/, message: (v) => `must be lowercase letters, digits and dashes (got ${show(v)})` }),
        { description: "environment label, container and network names", default: "stack name" },
    ),
    dockerHost: documented(
        text({
            pattern: DOCKER_HOST,
            message: (v) => `must be a Docker daemon address such as ssh://deploy@host or unix:///var/run/docker.sock, got ${show(v)}`,
        }),
        { description: "`ssh://user@host` (or `tcp://…`) to deploy to a remote Docker host", default: "local daemon" },
    ),
    dockerSshOpts: documented(stringList(), { description: 'extra ssh options, e.g. `["-i","~/.ssh/deploy"]`', default: "`[]`" }),
    allowUnpinnedImages: documented(boolean(), { description: "allow `latest`/tagless images outside prod; prod refuses it", default: "`false`" }),
    logLevel: documented(
        z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), oneOf(LOG_LEVELS)),
        { description: LOG_LEVELS.map((l) => `\`${l}\``).join(", "), default: "`INFO`" },
    ),
    timezone: documented(
        z.string({ error: (iss) => `expected a string, got ${show(iss.input)}` }).refine((tz) => isValidTimezone(tz), {
            error: (iss) => `unknown IANA time zone ${show(iss.input)}; for example America/Argentina/Buenos_Aires`,
        }),
        { description: "`TZ` of the apps", default: "`America/Argentina/Buenos_Aires`" },
    ),
    corsOrigins: documented(
        stringList().superRefine((origins, ctx) => {
            for (const origin of origins) {
                if (!ORIGIN.test(origin)) problem(ctx, [], `${show(origin)} is not an origin like https://shop.example.com (scheme and host, no path)`);
            }
        }),
        { description: "`CORS_ORIGINS` and `DASHBOARD_CORS_ORIGINS`", default: '`["http://localhost:8080"]`' },
    ),
    dashboardForceHttps: documented(boolean(), { description: "`DASHBOARD_FORCE_HTTPS`", default: "`false` (`true` in prod)" }),
    services: z
        .record(z.string(), z.unknown(), { error: "expected an object; set fields with `pulumi config set --path 'services.<service>.<field>' <value>`" })
        .pipe(z.looseObject(Object.fromEntries(serviceNames.map((n) => [n, serviceSchema.optional()]))))
        .optional()
        .meta({ description: "per-service settings (below)" }),
    secretEnv: z
        .record(z.string(), z.unknown(), {
            error: "expected an object; set each value with `pulumi config set --secret --path 'secretEnv.<service>.<VAR>' <value>`",
        })
        .pipe(z.looseObject(Object.fromEntries(serviceNames.map((n) => [n, envMap().optional()]))))
        .optional()
        .meta({ description: "add or override a secret variable (`pulumi config set --secret --path`)" }),
    hostPorts: documented(hostPortsSchema, { description: "host ports of the services meant for people and operators (below)" }),
    rotations: rotationsSchema,
    slackWebhookUrl: documented(text({ pattern: /^https:\/\/\S+$/, message: () => "must be an https:// Slack incoming-webhook URL" }), {
        description: "secret Slack incoming-webhook URL for Alertmanager",
        default: "unset (notifications off)",
    }),
    registryPassword: documented(z.string({ error: "expected a string" }), {
        description: "secret password or key of `gcp.registry` (prod's private registry)",
        default: "unset",
    }),
    postgresMemoryMb: documented(integer(256, 65536), { description: "memory limit of the PostgreSQL container", default: "`1024`" }),
    redisMemoryMb: documented(integer(600, 65536), { description: "memory limit of Redis (maxmemory is 512mb)", default: "`768`" }),
    metricsRetention: documented(text({ pattern: RETENTION, message: (v) => `expected a duration such as 7d or 30d, got ${show(v)}` }), {
        description: "how long Prometheus keeps samples",
        default: "`7d` (`30d` in prod)",
    }),
    ...(Object.fromEntries(
        secretNames.map((n) => [
            n,
            // Never echo the value: it is a secret, even a weak one.
            z.string({ error: "expected a string" }).optional().meta({ description: secretCatalog[n].description }),
        ]),
    ) as Record<SecretName, z.ZodOptional<z.ZodString>>),
};

/** Every top-level key the program reads, with its schema. */
export const topLevelShape = {
    platform: documented(z.enum(["docker", "gcp"], { error: (iss) => `must be "docker" or "gcp", got ${show(iss.input)}` }), {
        description: "`docker` (one Docker host) or `gcp` (prod on Google Cloud)",
        default: "`docker`",
    }),
    ...common,
    gcp: documented(gcpSchema, { description: "prod platform settings", default: "see [Production on Google Cloud](#production-on-google-cloud)" }),
};
export const topLevelKeys: ReadonlySet<string> = new Set(Object.keys(topLevelShape));

/** The documentation of every key, for the README table (./table.ts). */
export function fieldDoc(schema: z.ZodType): FieldDoc | undefined {
    return schema.meta() as FieldDoc | undefined;
}

export function isValidTimezone(tz: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}

/** The schema of the whole `minimarket:*` namespace for one stack. */
export function stackSchema(ctx: ParseContext) {
    return record(topLevelShape, (k) => `unknown key; remove it with \`pulumi config rm ${k}\`${suggestion(k, [...topLevelKeys])} (known keys: ${[...topLevelKeys].sort().join(", ")})`)
        .superRefine((values, rctx) => crossFieldRules(values as Record<string, unknown>, ctx, rctx), always)
        .transform((v) => toStackConfig(v as RawValues, ctx));
}

type RawValues = z.output<ReturnType<typeof rawShape>>;
const rawShape = () => z.object(topLevelShape);

/** Environment "prod" or stack "prod": the rules that protect production apply. */
export function isProdStack(environment: unknown, stack: string): boolean {
    return environment === "prod" || stack === "prod";
}

/** Rules that involve more than one key, or how a key was stored (`--secret` or not). */
function crossFieldRules(v: Record<string, unknown>, ctx: ParseContext, r: z.RefinementCtx): void {
    const isProd = isProdStack(v.environment ?? ctx.stack, ctx.stack);
    const secret = (k: string) => ctx.secretKeys.has(k);
    const allowUnpinned = v.allowUnpinnedImages === true || v.allowUnpinnedImages === "true";
    if (allowUnpinned && isProd) {
        problem(r, ["allowUnpinnedImages"], "prod never deploys `latest` or tagless images; run `pulumi config rm allowUnpinnedImages`");
    }
    if (v.services !== undefined && secret("services")) {
        problem(r, ["services"], "holds a secret value, which would reach containers as a plain variable; move it under secretEnv with `pulumi config set --secret --path 'secretEnv.<service>.<VAR>' <value>`");
    }
    if (v.secretEnv !== undefined && !secret("secretEnv")) {
        problem(r, ["secretEnv"], "is stored in plain text; set each value with `pulumi config set --secret --path 'secretEnv.<service>.<VAR>' <value>`");
    }
    for (const where of ["services", "secretEnv"] as const) {
        const obj = v[where];
        if (!isPlainObject(obj)) continue;
        for (const name of Object.keys(obj)) {
            if (!isServiceName(name)) problem(r, [where, name], `unknown service; the services are ${serviceNames.join(", ")}${suggestion(name, serviceNames)}`);
        }
    }
    const services = isPlainObject(v.services) ? v.services : {};
    for (const name of serviceNames) {
        const s = services[name];
        if (!isPlainObject(s)) continue;
        checkServiceImage(r, name, s.image, { isProd, allowUnpinned: allowUnpinned && !isProd });
        if (isPlainObject(s.env)) {
            for (const variable of Object.keys(s.env).filter((n) => SECRET_VARS.test(n))) {
                problem(r, ["services", name, "env", variable], `carries a credential; set it as a secret with \`pulumi config set --secret --path 'secretEnv.${name}.${variable}' <value>\``);
            }
        }
    }
    if (isProd) {
        for (const name of serviceNames) {
            const s = services[name];
            if (!isPlainObject(s) || s.image === undefined) {
                problem(r, ["services", name, "image"], `prod runs real images only; run \`pulumi config set --path 'services.${name}.image' <registry>/${name}:<version>\``);
            }
        }
    }
    if (v.slackWebhookUrl !== undefined && !secret("slackWebhookUrl")) {
        problem(r, ["slackWebhookUrl"], "is stored in plain text; run `pulumi config set --secret slackWebhookUrl <url>`");
    }
    if (v.registryPassword !== undefined && !secret("registryPassword")) {
        problem(r, ["registryPassword"], "is stored in plain text; run `pulumi config set --secret registryPassword <value>`");
    }
    if ((v.platform ?? "docker") === "gcp" && v.gcp === undefined) {
        problem(r, ["gcp"], "platform gcp needs the Google Cloud settings; start with `pulumi config set --path gcp.project <project-id>`");
    }
    if (isPlainObject(v.gcp) && v.gcp.registry !== undefined && v.registryPassword === undefined) {
        problem(r, ["registryPassword"], "gcp.registry is set but its password is not; run `pulumi config set --secret registryPassword <password or key>`");
    }
    for (const name of secretNames) {
        const value = v[name];
        if (value === undefined) continue;
        if (!secret(name)) {
            problem(r, [name], `is stored in plain text; run \`pulumi config set --secret ${name} <value>\` (or \`pulumi config rm ${name}\` to let the program generate it)`);
        }
        const { minLength } = secretCatalog[name];
        if (typeof value === "string" && value.length < minLength) {
            problem(r, [name], `is ${value.length} characters long; it must have at least ${minLength}. Set a stronger value, or \`pulumi config rm ${name}\` to generate one`);
        }
    }
}

function checkServiceImage(r: z.RefinementCtx, service: string, value: unknown, opts: { isProd: boolean; allowUnpinned: boolean }): void {
    if (typeof value !== "string") return;
    const path = ["services", service, "image"];
    const ref = parseImageRef(value);
    if (!ref) {
        problem(r, path, `${show(value)} is not a valid image reference; expected [registry/]repository:tag or repository@sha256:<digest>`);
    } else if (!opts.allowUnpinned && !isPinned(ref)) {
        problem(r, path, `${show(value)} is not pinned; give an explicit version tag (not latest) or a digest`);
    }
}

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

interface CommonConfig {
    stack: string;
    environment: string;
    isProd: boolean;
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
    secretOverrides: Partial<Record<SecretName, string>>;
    rotations: Record<SecretName, number>;
    slackWebhookUrl?: string;
    /** Password or key of the private registry of `gcp.registry`. */
    registryPassword?: string;
    postgresMemoryMb: number;
    redisMemoryMb: number;
    /** How long Prometheus keeps samples. */
    metricsRetention: string;
}

export type DockerStackConfig = CommonConfig & { platform: "docker" };
export type GcpStackConfig = CommonConfig & { platform: "gcp"; gcp: GcpConfig };
/** The validated config: the platform decides which settings exist, so prod's are typed without `!`. */
export type StackConfig = DockerStackConfig | GcpStackConfig;
export type Platform = StackConfig["platform"];

function toStackConfig(v: RawValues, ctx: ParseContext): StackConfig {
    const environment = v.environment ?? ctx.stack;
    const isProd = isProdStack(environment, ctx.stack);
    const services = {} as Record<ServiceName, ServiceConfig>;
    for (const name of serviceNames) {
        const s = (v.services?.[name] ?? {}) as NonNullable<z.output<typeof serviceSchema>>;
        const m = s.migrationCommand;
        const migration = m === false || m === null || (Array.isArray(m) && m.length === 0) ? undefined : (m ?? DEFAULT_MIGRATION);
        services[name] = {
            image: s.image,
            memoryMb: s.memoryMb ?? 512,
            cpus: (s.cpus as number | undefined) ?? 1,
            env: s.env ?? {},
            secretEnv: (v.secretEnv?.[name] as Record<string, string> | undefined) ?? {},
            // A stand-in has nothing to migrate.
            migrationCommand: s.image === undefined ? undefined : migration,
        };
    }
    const secretOverrides: Partial<Record<SecretName, string>> = {};
    for (const name of secretNames) if (v[name] !== undefined) secretOverrides[name] = v[name];
    const rotations = Object.fromEntries(secretNames.map((n) => [n, (v.rotations?.[n] as number | undefined) ?? 0])) as Record<SecretName, number>;
    const common: CommonConfig = {
        stack: ctx.stack,
        environment,
        isProd,
        dockerHost: v.dockerHost,
        dockerSshOpts: v.dockerSshOpts ?? [],
        allowUnpinnedImages: v.allowUnpinnedImages ?? false,
        logLevel: v.logLevel ?? "INFO",
        timezone: v.timezone ?? "America/Argentina/Buenos_Aires",
        corsOrigins: v.corsOrigins ?? ["http://localhost:8080"],
        dashboardForceHttps: v.dashboardForceHttps ?? isProd,
        services,
        hostPorts: { ...hostPortDefaults, ...(v.hostPorts as Partial<HostPorts> | undefined) },
        secretOverrides,
        rotations,
        slackWebhookUrl: v.slackWebhookUrl,
        registryPassword: v.registryPassword,
        postgresMemoryMb: v.postgresMemoryMb ?? 1024,
        redisMemoryMb: v.redisMemoryMb ?? 768,
        metricsRetention: v.metricsRetention ?? (isProd ? "30d" : "7d"),
    };
    // crossFieldRules has made sure gcp settings exist when the platform is gcp.
    return v.platform === "gcp" ? { ...common, platform: "gcp", gcp: v.gcp as GcpConfig } : { ...common, platform: "docker" };
}
