// Rules of `gcp.runtime: cloudrun`: what Cloud Run accepts (its CPU and memory table, name length,
// reserved variables), what the apps need there (Memorystore, a subnet Direct VPC egress can draw
// from), and what the capacity model says cannot work (more connections than Cloud SQL accepts).
// Every message names the key and the command that fixes it.

import { z } from "zod";
import { cloudRunJobName, cloudRunServiceName } from "../facts/endpoints";
import { CLOUD_RUN, CLOUD_RUN_MAX_NAME_LENGTH } from "../facts/googleCloud";
import { ServiceName, serviceNames } from "../facts/services";
import { capacityModel, ModelInput } from "./capacity";
import { parseCidr } from "./cidr";
import { CloudRunConfig } from "./cloudRunSchema";
import { isPlainObject, problem } from "./fields";
import { releaseStep } from "./releaseStep";

/** The gcp settings these rules read, once the gcp schema has applied its defaults. */
interface TypedGcp {
    region: string;
    networkCidr: string;
    cloudSql: { tier: string };
    cloudRun: CloudRunConfig;
}

/** Variables Cloud Run sets in every instance and refuses in a revision (cloud.google.com/run/docs/container-contract). */
const RESERVED_VARS = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"];

/** Rules among the `gcp` keys alone, on the values as given (before defaults). */
export function cloudRunGcpRules(g: Record<string, unknown>, ctx: z.RefinementCtx): void {
    const cloudRun = g.runtime === "cloudrun";
    if (!cloudRun) {
        if (g.cloudRun !== undefined) {
            problem(
                ctx,
                ["cloudRun"],
                "is only read with gcp.runtime cloudrun; run `{config} set --path gcp.runtime cloudrun`, or `{config} rm --path gcp.cloudRun`",
            );
        }
        return;
    }
    const redis = isPlainObject(g.redis) ? g.redis : {};
    if (redis.mode !== "memorystore") {
        problem(
            ctx,
            ["redis", "mode"],
            "must be memorystore with gcp.runtime cloudrun: Cloud Run's instances share one Redis, reached over Direct VPC egress; run `{config} set --path gcp.redis.mode memorystore`",
        );
    }
    // Unset (the default /24) or not a CIDR (refused by the range check): nothing to say here.
    const cidr = parseCidr(String(g.networkCidr));
    if (cidr && cidr.prefix > CLOUD_RUN.largestSubnetPrefix) {
        problem(
            ctx,
            ["networkCidr"],
            `is a /${cidr.prefix}, but Cloud Run's Direct VPC egress needs a /${CLOUD_RUN.largestSubnetPrefix} or larger; set a wider range with \`{config} set --path gcp.networkCidr <cidr>\``,
        );
    }
}

/** The validated gcp settings, when the gcp schema accepted them (its defaults applied). */
function typedGcp(gcp: Record<string, unknown>): TypedGcp | undefined {
    // The schema's transform gives every service its scaling; raw values (the gcp schema refused them) may hold anything.
    const services = (gcp as Partial<TypedGcp>).cloudRun?.services as Record<string, unknown> | undefined;
    const typed = isPlainObject(services) && serviceNames.every((n) => isPlainObject(services[n]) && typeof services[n].maxInstances === "number");
    return typed ? (gcp as unknown as TypedGcp) : undefined;
}

function serviceLimits(v: Record<string, unknown>, name: ServiceName): { cpus: unknown; memoryMb: unknown; migrates: boolean } {
    const all = isPlainObject(v.services) ? v.services : {};
    const s = isPlainObject(all[name]) ? all[name] : {};
    return { cpus: s.cpus ?? 1, memoryMb: s.memoryMb ?? 512, migrates: releaseStep(s.image, s.migrationCommand) !== undefined };
}

/** Rules across keys, on the parsed values: the services' limits, names, rollback pins, capacity. */
export function cloudRunCrossFieldRules(v: Record<string, unknown>, environment: string, ctx: z.RefinementCtx): void {
    if (!isPlainObject(v.gcp) || v.gcp.runtime !== "cloudrun") return;
    const limits = Object.fromEntries(serviceNames.map((n) => [n, serviceLimits(v, n)])) as Record<ServiceName, ReturnType<typeof serviceLimits>>;
    for (const name of serviceNames) {
        checkLimits(ctx, name, limits[name]);
        checkVariables(ctx, v, name);
    }
    // Maintenance is the proxy's 503; on cloudrun the dashboard is served by the load balancer, not the proxy.
    if (isPlainObject(v.maintenance) && [true, "true"].includes(v.maintenance.enabled as never)) {
        problem(
            ctx,
            ["maintenance", "enabled"],
            "has no effect with gcp.runtime cloudrun: the dashboard is served by the load balancer, not by the proxy that answers 503; run `{config} set --path maintenance.enabled false`, and route traffic with `gcp.cloudRun.<service>.serveRevision` instead",
        );
    }
    const longest = cloudRunJobName(environment, "agente-deposito");
    if (longest.length > CLOUD_RUN_MAX_NAME_LENGTH) {
        problem(
            ctx,
            ["environment"],
            `makes Cloud Run names too long (${longest} has ${longest.length} characters, at most ${CLOUD_RUN_MAX_NAME_LENGTH}); choose a shorter environment`,
        );
    }
    // The rest reads the gcp settings with their defaults: only once the gcp schema accepted them.
    const g = typedGcp(v.gcp);
    if (!g) return;
    for (const name of serviceNames) {
        const pin = g.cloudRun.services[name].serveRevision;
        const prefix = `${cloudRunServiceName(environment, name)}-`;
        if (pin !== undefined && !pin.startsWith(prefix)) {
            problem(
                ctx,
                ["gcp", "cloudRun", name, "serveRevision"],
                `${JSON.stringify(pin)} is not a revision of ${prefix.slice(0, -1)}; list them with \`gcloud run revisions list --service ${prefix.slice(0, -1)} --region ${g.region}\``,
            );
        }
    }
    checkCapacity(ctx, g, limits as ModelInput["services"]);
}

function checkLimits(ctx: z.RefinementCtx, name: ServiceName, s: { cpus: unknown; memoryMb: unknown }): void {
    // A value the schema refused is reported there already.
    if (typeof s.cpus !== "number" || typeof s.memoryMb !== "number") return;
    const range = CLOUD_RUN.memoryMb[s.cpus];
    if (!range) {
        problem(
            ctx,
            ["services", name, "cpus"],
            `${s.cpus} CPUs is not a Cloud Run size; use ${CLOUD_RUN.cpus.join(", ")} (below 1 needs request-based billing, which the metrics sidecar cannot run under)`,
        );
        return;
    }
    const [min, max] = range;
    if (s.memoryMb < min || s.memoryMb > max) {
        problem(
            ctx,
            ["services", name, "memoryMb"],
            `${s.memoryMb} MB does not fit ${s.cpus} CPU on Cloud Run, which takes ${min} to ${max} MB; change memoryMb or cpus`,
        );
    }
}

function checkVariables(ctx: z.RefinementCtx, v: Record<string, unknown>, name: ServiceName): void {
    for (const where of ["services", "secretEnv"] as const) {
        const all = isPlainObject(v[where]) ? v[where] : {};
        const entry = isPlainObject(all[name]) ? all[name] : {};
        const vars = where === "services" ? entry.env : entry;
        if (!isPlainObject(vars)) continue;
        for (const reserved of RESERVED_VARS.filter((k) => k in vars)) {
            const path = where === "services" ? ["services", name, "env", reserved] : ["secretEnv", name, reserved];
            problem(ctx, path, "is set by Cloud Run itself in every instance and cannot be overridden; run `{config} rm --path '{key}'`");
        }
    }
}

function checkCapacity(ctx: z.RefinementCtx, g: TypedGcp, services: ModelInput["services"]): void {
    const report = capacityModel({
        services,
        cloudRun: g.cloudRun,
        cloudSqlTier: g.cloudSql.tier,
        // Stryker disable next-line OptionalChaining: the gcp schema accepted networkCidr, so it parses
        subnetPrefix: parseCidr(g.networkCidr)?.prefix ?? 32,
    });
    const pools = serviceNames.map((n) => `${n} ${g.cloudRun.services[n].maxInstances}×${g.cloudRun.services[n].poolSize}`).join(", ");
    const db = report.database;
    if (db.connections > db.available) {
        const limit =
            db.limitSource === "flag" ? `gcp.cloudRun.databaseMaxConnections ${db.limit}` : `the ${db.limit} Google gives ${g.cloudSql.tier} by default`;
        problem(
            ctx,
            ["gcp", "cloudRun"],
            `the Cloud Run instances can open ${db.connections} connections to Cloud SQL (maxInstances × poolSize: ${pools}; plus the release jobs and the ops VM) but it takes ${db.available} (${limit}, less ${db.limit - db.available} kept for superusers); ` +
                "lower `gcp.cloudRun.<service>.maxInstances` or `gcp.cloudRun.<service>.poolSize`, or raise the limit with `{config} set --path gcp.cloudRun.databaseMaxConnections <n>` (Cloud SQL restarts once)",
        );
    }
    if (report.redis.clients > report.redis.limit) {
        problem(
            ctx,
            ["gcp", "cloudRun"],
            `the Cloud Run instances can open ${report.redis.clients} connections to Memorystore (maxInstances × poolSize: ${pools}) but it takes ${report.redis.limit}; lower \`gcp.cloudRun.<service>.maxInstances\` or \`poolSize\``,
        );
    }
    // Stryker disable next-line EqualityOperator: addresses come in blocks of 16 and a subnet's usable count is odd: never equal
    if (report.subnet.addresses > report.subnet.usable) {
        problem(
            ctx,
            ["gcp", "networkCidr"],
            `${g.networkCidr} has ${report.subnet.usable} usable addresses but Cloud Run's instances can hold ${report.subnet.addresses} during a rollout (16-address blocks, 2 per instance, old and new revision); widen it with \`{config} set --path gcp.networkCidr <cidr>\` or lower \`gcp.cloudRun.<service>.maxInstances\``,
        );
    }
}
