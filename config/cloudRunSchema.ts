// `minimarket:gcp.cloudRun`: how each app service scales when `gcp.runtime` is `cloudrun`. The
// service's CPU and memory stay in `services.<service>` (the same limits as on a Docker host);
// the rules that involve other keys (Cloud Run's CPU table, the capacity model) are in
// cloudRunRules.ts.

import { z } from "zod";
import { serviceNames, ServiceName } from "../facts/services";
import { always, documented, integer, problem, record, text } from "./fields";

export type GcpRuntime = "vm" | "cloudrun";

export const cloudRunDefaults = {
    // One warm instance each: Direct VPC egress can take a minute to connect a new one.
    minInstances: 1,
    maxInstances: 3,
    // Python services: fewer requests per instance than Cloud Run's 80, so CPU saturates later.
    concurrency: 40,
    poolSize: 5,
} as const;

/** A Cloud Run revision name: the service's name, then a suffix (`<service>-00007-abc`). */
const REVISION = /^[a-z][a-z0-9-]{0,62}$/;

/** The fields of `gcp.cloudRun.<service>`. */
export const cloudRunServiceShape = {
    minInstances: documented(integer(0, 1000), {
        description: "instances kept running (billed all the time; 0 scales to zero and the first request waits for a start)",
        default: `\`${cloudRunDefaults.minInstances}\``,
    }),
    maxInstances: documented(integer(1, 1000), {
        description: "most instances Cloud Run starts; with `poolSize` it bounds the database connections (checked against Cloud SQL's limit)",
        default: `\`${cloudRunDefaults.maxInstances}\``,
    }),
    concurrency: documented(integer(1, 1000), {
        description: "requests one instance serves at once (Cloud Run's max concurrency)",
        default: `\`${cloudRunDefaults.concurrency}\``,
    }),
    poolSize: documented(integer(1, 1000), {
        description: "connections one instance opens to PostgreSQL, and to Redis, at most (`DATABASE_POOL_SIZE`, `REDIS_MAX_CONNECTIONS`)",
        default: `\`${cloudRunDefaults.poolSize}\``,
    }),
    serveRevision: documented(text({ pattern: REVISION, what: "a Cloud Run revision name such as minimarket-prod-dashboard-00007-abc" }), {
        description: "roll back: send all traffic to this earlier revision (`gcloud run revisions list`); remove it to serve the latest again",
        default: "unset (the latest revision serves)",
    }),
};

const serviceSchema = record(cloudRunServiceShape, (_, known) => `unknown field; the fields are ${known.join(", ")}`).superRefine((s, ctx) => {
    const min = Number(s?.minInstances ?? cloudRunDefaults.minInstances);
    const max = Number(s?.maxInstances ?? cloudRunDefaults.maxInstances);
    if (Number.isInteger(min) && Number.isInteger(max) && min > max) {
        problem(ctx, ["minInstances"], `${min} is more than maxInstances (${max}); lower it or raise maxInstances`);
    }
}, always);

export const cloudRunShape = {
    ...(Object.fromEntries(serviceNames.map((n) => [n, serviceSchema.optional()])) as Record<ServiceName, z.ZodOptional<typeof serviceSchema>>),
    databaseMaxConnections: documented(integer(25, 262143), {
        description:
            "sets Cloud SQL's `max_connections` flag (the instance restarts once); the capacity check uses it instead of the smallest default Google documents for the tier's memory",
        default: "unset (Google's default for the tier)",
    }),
};

export const cloudRunSchema = record(cloudRunShape, (_, known) => `unknown field; the fields of gcp.cloudRun are ${known.join(", ")}`);

type CloudRunValues = NonNullable<z.output<typeof cloudRunSchema>>;

/** Per-service scaling with defaults applied. */
export function toCloudRunConfig(values: CloudRunValues | undefined) {
    const v = values ?? {};
    const services = Object.fromEntries(
        serviceNames.map((name) => {
            const s = v[name] ?? {};
            return [
                name,
                {
                    minInstances: s.minInstances ?? cloudRunDefaults.minInstances,
                    maxInstances: s.maxInstances ?? cloudRunDefaults.maxInstances,
                    concurrency: s.concurrency ?? cloudRunDefaults.concurrency,
                    poolSize: s.poolSize ?? cloudRunDefaults.poolSize,
                    /** Traffic pinned to this revision (a rollback); undefined: the latest ready revision. */
                    serveRevision: s.serveRevision,
                },
            ];
        }),
    ) as Record<ServiceName, CloudRunServiceConfig>;
    return { services, databaseMaxConnections: v.databaseMaxConnections };
}

export interface CloudRunServiceConfig {
    minInstances: number;
    maxInstances: number;
    concurrency: number;
    poolSize: number;
    serveRevision?: string;
}
export type CloudRunConfig = ReturnType<typeof toCloudRunConfig>;
