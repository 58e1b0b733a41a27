// The stack configuration as a schema: every `minimarket:*` key, its type, default, and the
// message that says how to fix it. parseConfig (./parse.ts) runs it once, before any resource
// exists, and reports every problem at once (lesson 6 of the SPEC). Types come from here too.

import { z } from "zod";
import { secretCatalog, SecretName, secretNames } from "../facts/secrets";
import { DEFAULT_RUNBOOK_BASE_URL, DEFAULT_TIMEZONE } from "../facts/telemetry";
import { serviceNames } from "../facts/services";
import { MAINTENANCE } from "../facts/endpoints";
import { parsePrometheusDuration } from "../facts/prometheusDuration";
import { ENVIRONMENT, envMap, LOG_LEVELS, originsProblem } from "./envVars";
import { always, boolean, documented, integer, isPlainObject, listCommands, oneOf, problem, record, show, stringList, suggestion, text } from "./fields";
import { timezoneProblem } from "./timezones";
import { backupSchema } from "./backupSchema";
import { gcpSchema } from "./gcpSchema";

export const NAMESPACE = "minimarket";

export { DEFAULT_MIGRATION, releaseStep } from "./releaseStep";
const DOCKER_HOST = /^(ssh|tcp|unix|npipe):\/\/\S+$/;

export const hostPortDefaults = { dashboard: 8080, grafana: 3000, prometheus: 9090, alertmanager: 9093 } as const;
export type HostPorts = Record<keyof typeof hostPortDefaults, number>;

const migrationCommand = z
    .union([z.literal(false), z.null(), z.array(z.string().min(1)).min(0)], {
        error: (iss) =>
            'expected a list of arguments such as ["alembic","upgrade","head"], or false to skip the release step' +
            // Stryker disable next-line Regex: listCommands drops the empty words, so /\s/ splits the same.
            (typeof iss.input === "string" ? `; ${listCommands(iss.input, /\s+/)}` : ""),
    })
    .optional()
    .meta({ description: "release step arguments; `false` skips it", default: '`["alembic","upgrade","head"]`' });

/** The fields of `services.<service>`. */
export const serviceShape = {
    image: documented(text(), {
        description: "pinned image: explicit version tag (not `latest`) or `@sha256:` digest; prod: an exact version, not `main`, `stable` or `2`",
        default: "demo stand-in (staging); required in prod",
    }),
    memoryMb: documented(integer(64, 65536), { description: "memory limit of the container (MemoryPressure alerts at 85 %)", default: "`512`" }),
    cpus: z
        .preprocess(
            (v) => (typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
            // The schema's error also words the refinement's issue (a number out of range).
            z.number({ error: (iss) => `expected a number of CPU cores from 0.1 to 64, got ${show(iss.input)}` }).refine((n) => n >= 0.1 && n <= 64),
        )
        .optional()
        .meta({ description: "CPU limit in cores (CPUHigh alerts at 80 %)", default: "`1`" }),
    // Stryker disable next-line StringLiteral: envMap compares its kind with "secret" only.
    env: envMap("plain").optional().meta({
        description:
            "add or override a plain variable (lists become JSON arrays); names like `*_KEY`, `*_TOKEN`, `*PASSWORD*` belong in `secretEnv`; `LOG_LEVEL`, `TZ`, `CORS_ORIGINS`, … are checked like their settings",
    }),
    migrationCommand,
};
export const serviceSchema = record(serviceShape, (_, known) => `unknown field; the fields are ${known.join(", ")}`);

/** The published services of `hostPorts`. */
export const hostPortsShape = {
    dashboard: documented(integer(1, 65535), { description: "host port of the dashboard (the only published app)", default: "`8080`" }),
    grafana: documented(integer(1, 65535), { description: "host port of Grafana", default: "`3000`" }),
    prometheus: documented(integer(1, 65535), { description: "Prometheus, bound to 127.0.0.1", default: "`9090`" }),
    alertmanager: documented(integer(1, 65535), { description: "Alertmanager, bound to 127.0.0.1", default: "`9093`" }),
};
const hostPortsSchema = record(hostPortsShape, (_, known) => `unknown published service; the ones with host ports are ${known.join(", ")}`).superRefine(
    (ports, ctx) => {
        if (!isPlainObject(ports)) return;
        const seen = new Map<number, string>();
        for (const [name, dflt] of Object.entries(hostPortDefaults)) {
            const port = typeof ports[name] === "number" ? (ports[name] as number) : ports[name] === undefined ? dflt : undefined;
            if (port === undefined) continue;
            const other = seen.get(port);
            if (other) problem(ctx, [name], `host port ${port} is already used by hostPorts.${other}; pick another port`);
            seen.set(port, name);
        }
    },
    always,
);

const rotationsSchema = z
    .record(z.string(), z.unknown(), { error: "expected an object; set a counter with `{config} set --path 'rotations.<secret>' 1`" })
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

/** The fields of `maintenance`. */
export const maintenanceShape = {
    enabled: documented(boolean(), {
        description:
            "the proxy answers the dashboard with 503 and the message while true (Grafana stays reachable); `scripts/stack.sh maintenance on` and `off`",
        default: "`false`",
    }),
    message: documented(
        text({
            pattern: MAINTENANCE.message,
            message: (v) => `must be one line of 1 to 300 characters without { } " or \\ (got ${show(v)})`,
        }),
        { description: "the text of the 503 answer", default: `\`${MAINTENANCE.defaultMessage}\`` },
    ),
};

/** Fields shared by every platform; `services` and `secretEnv` are per service name. */
const common = {
    environment: documented(text({ pattern: ENVIRONMENT, message: (v) => `must be lowercase letters, digits and dashes (got ${show(v)})` }), {
        description: "environment label, container and network names",
        default: "stack name",
    }),
    dockerHost: documented(
        text({
            pattern: DOCKER_HOST,
            message: (v) => `must be a Docker daemon address such as ssh://deploy@host or unix:///var/run/docker.sock, got ${show(v)}`,
        }),
        {
            description: "`ssh://user@host` (or `tcp://…`) to deploy to a remote Docker host; the provider and every docker CLI step use it",
            default: "`DOCKER_HOST` (scripts/stack.sh sets it from the docker CLI's current context), else `unix:///var/run/docker.sock`",
        },
    ),
    dockerSshOpts: documented(stringList(), { description: 'extra ssh options, e.g. `["-i","~/.ssh/deploy"]`', default: "`[]`" }),
    dockerHubUsername: documented(text({ pattern: /^[a-z0-9][a-z0-9_.-]{1,63}$/i, message: (v) => `must be a Docker Hub user name, got ${show(v)}` }), {
        description: "Docker Hub account for image pulls (anonymous pulls are rate-limited per address); needs `dockerHubToken`",
        default: "unset (anonymous pulls)",
    }),
    dockerHubToken: documented(z.string({ error: "expected a string" }).min(1, { error: "must not be empty" }), {
        description: "secret Docker Hub access token of `dockerHubUsername` (read-only scope is enough)",
        default: "unset",
    }),
    allowUnpinnedImages: documented(boolean(), { description: "allow `latest`/tagless images outside prod; prod refuses it", default: "`false`" }),
    logLevel: documented(
        z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), oneOf(LOG_LEVELS)),
        { description: LOG_LEVELS.map((l) => `\`${l}\``).join(", "), default: "`INFO`" },
    ),
    timezone: documented(
        z.string({ error: (iss) => `expected a string, got ${show(iss.input)}` }).superRefine((tz, ctx) => {
            const why = timezoneProblem(tz);
            if (why) problem(ctx, [], why);
        }),
        {
            description:
                "the stack's time zone: `TZ` of the apps, and the time zone Grafana and the dashboards display; an IANA zone name as the containers' tzdata spells it (case-sensitive)",
            default: `\`${DEFAULT_TIMEZONE}\``,
        },
    ),
    corsOrigins: documented(
        stringList().superRefine((origins, ctx) => {
            const why = originsProblem(origins);
            if (why) problem(ctx, [], why);
        }),
        {
            description: "`CORS_ORIGINS` and `DASHBOARD_CORS_ORIGINS`; prod takes https:// origins only",
            default: '`["http://localhost:8080"]`; on gcp `https://<gcp.domain>`',
        },
    ),
    dashboardForceHttps: documented(boolean(), { description: "`DASHBOARD_FORCE_HTTPS`", default: "`false` (`true` in prod)" }),
    services: z
        .record(z.string(), z.unknown(), { error: "expected an object; set fields with `{config} set --path 'services.<service>.<field>' <value>`" })
        .pipe(z.looseObject(Object.fromEntries(serviceNames.map((n) => [n, serviceSchema.optional()]))))
        // No description of its own: the config table documents each field of services.<service>.
        .optional(),
    secretEnv: z
        .record(z.string(), z.unknown(), {
            error: "expected an object; set each value with `{config} set --secret --path 'secretEnv.<service>.<VAR>'`",
        })
        .pipe(z.looseObject(Object.fromEntries(serviceNames.map((n) => [n, envMap("secret").optional()]))))
        .optional()
        .meta({ description: "add or override a secret variable (`scripts/stack.sh config set --secret --path <key>`, which prompts)" }),
    // No description of its own: the config table documents each of hostPorts.<service>.
    hostPorts: hostPortsSchema.optional(),
    // No description of its own: the table documents maintenance.enabled and maintenance.message.
    maintenance: record(maintenanceShape, (_, known) => `unknown field; the fields are ${known.join(", ")}`).optional(),
    rotations: rotationsSchema,
    slackWebhookUrl: documented(text({ pattern: /^https:\/\/\S+$/, message: () => "must be an https:// Slack incoming-webhook URL" }), {
        description: "secret Slack incoming-webhook URL for Alertmanager",
        default: "unset (notifications off)",
    }),
    deadMansSwitchUrl: documented(
        // Never echo the value: the URL is the credential of the heartbeat check.
        text({ pattern: /^https:\/\/[^\s/?#]\S*$/, message: () => "must be an https:// heartbeat URL, e.g. https://hc-ping.com/<uuid>" }),
        {
            description:
                "secret heartbeat URL (a dead man's switch such as healthchecks.io) that Alertmanager posts the always-firing `Watchdog` to every minute; it alerts you when they stop",
            default: "unset (no heartbeat: a broken alert pipeline goes unnoticed)",
        },
    ),
    runbookBaseUrl: documented(
        text({
            pattern: /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
            message: (v) => `must be an http(s) URL without query or fragment, where docs/runbooks/<Alert>.md is appended; got ${show(v)}`,
        }),
        { description: "base of the alerts' runbook links: `<runbookBaseUrl>/docs/runbooks/<Alert>.md`", default: `\`${DEFAULT_RUNBOOK_BASE_URL}\`` },
    ),
    registryPassword: documented(z.string({ error: "expected a string" }), {
        description: "secret password or key of `gcp.registry` (prod's private registry)",
        default: "unset",
    }),
    postgresMemoryMb: documented(integer(256, 65536), { description: "memory limit of the PostgreSQL container", default: "`1024`" }),
    redisMemoryMb: documented(integer(600, 65536), { description: "memory limit of Redis (maxmemory is 512mb)", default: "`768`" }),
    backup: documented(backupSchema, {
        description: "PostgreSQL backups and restore drills on staging, disk snapshots on prod (see [backups.md](backups.md))",
        default: "daily at 03:00 UTC, 7 daily + 4 weekly, daily drill",
    }),
    backupOffsiteCredentials: documented(z.string({ error: "expected a string" }), {
        description: "secret credentials of `backup.offsite` (a service-account key for gs://, `<key id>:<secret>` for s3://)",
        default: "unset",
    }),
    metricsRetention: documented(
        text().refine((v) => (parsePrometheusDuration(v) ?? 0) > 0, {
            error: (iss) =>
                `expected a Prometheus duration such as 7d, 30d or 1d12h (whole numbers with y, w, d, h, m, s, ms, largest unit first), got ${show(iss.input)}`,
        }),
        {
            description: "how long Prometheus keeps samples (a Prometheus duration)",
            default: "`7d` (`30d` in prod)",
        },
    ),
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
    gcp: documented(gcpSchema, { description: "prod platform settings", default: "see [prod.md](prod.md)" }),
};
export const topLevelKeys: ReadonlySet<string> = new Set(Object.keys(topLevelShape));
