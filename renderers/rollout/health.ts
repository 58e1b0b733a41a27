// Health probe timing of every container, and the deploy gates sized from it. Pure: numbers in,
// Docker healthcheck arguments and seconds out.
//
// How the engine schedules probes (moby daemon/health.go, monitor/getInterval/handleProbeResult):
// while a container is "starting" and within its start period, probes run every `startInterval`
// (Docker Engine >= 25, API 1.44); once it is healthy, or the start period is over, every
// `interval`. Failures inside the start period do not count; after it, `retries` failures in a row
// make the container unhealthy. Without a start interval the first probe comes only after a full
// `interval`, which is what made a fresh deploy wait 10 + 15 + 15 + 15 s for first probes.

/** Seconds, as the numbers the figures are computed from. */
export interface ProbeTiming {
    /** Steady-state probe period. */
    interval: number;
    timeout: number;
    /** Failures in a row, after the start period, that make the container unhealthy. */
    retries: number;
    /** Time given to start; must cover start-up plus one interval for the fast probes to matter. */
    startPeriod: number;
    /** Probe period while starting (0: none, the first probe waits a full interval). */
    startInterval: number;
}

/**
 * Steady-state probes are what they were; only the start interval is new. The start periods cover
 * a slow first start (PostgreSQL crash recovery, Redis loading its AOF, an app loading models).
 */
export const PROBE_TIMING = {
    app: { interval: 15, timeout: 5, retries: 3, startPeriod: 60, startInterval: 1 },
    postgres: { interval: 10, timeout: 5, retries: 5, startPeriod: 60, startInterval: 1 },
    redis: { interval: 10, timeout: 5, retries: 5, startPeriod: 30, startInterval: 1 },
    upstream: { interval: 15, timeout: 5, retries: 5, startPeriod: 20, startInterval: 1 },
} as const satisfies Record<string, ProbeTiming>;

/** How often the docker provider asks the daemon whether a new container is healthy yet. */
export const PROVIDER_POLL_SECONDS = 1;

/** How often a readiness gate (a probe from outside, for images that cannot probe themselves) retries. */
export const GATE_POLL_SECONDS = 1;

/** Duration text the docker provider reads back unchanged (Go's time.Duration String for whole seconds). */
export function seconds(s: number): string {
    if (!Number.isInteger(s) || s < 0) throw new Error(`probe durations are whole seconds, got ${s}`);
    if (s < 60) return `${s}s`;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${h > 0 ? `${h}h` : ""}${m}m${s % 60}s`;
}

/** Parses a Docker/Go duration such as "1s", "1m30s", "500ms" into seconds. */
export function parseSeconds(text: string): number {
    if (text === "0" || text === "") return 0;
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
    let total = 0;
    let consumed = 0;
    for (const m of text.matchAll(re)) {
        total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
        consumed += m[0].length;
    }
    if (consumed !== text.length) throw new Error(`not a duration: ${JSON.stringify(text)}`);
    return total;
}

export interface DockerHealthcheck {
    tests: string[];
    interval: string;
    timeout: string;
    retries: number;
    startPeriod: string;
    startInterval: string;
}

export function dockerHealthcheck(tests: string[], t: ProbeTiming): DockerHealthcheck {
    return {
        tests,
        interval: seconds(t.interval),
        timeout: seconds(t.timeout),
        retries: t.retries,
        startPeriod: seconds(t.startPeriod),
        startInterval: seconds(t.startInterval),
    };
}

/**
 * The latest moment the engine can still call a container that never passes a probe unhealthy:
 * the start period, then `retries` probes an interval apart, the last one timing out. Waiting
 * longer for "healthy" only delays the failed deploy, so this is the provider's `waitTimeout`.
 */
export function waitTimeoutSeconds(t: ProbeTiming): number {
    return t.startPeriod + t.retries * t.interval + t.timeout;
}

/** Worst time from "ready" to "seen healthy by the engine" while starting. */
export function probeWaitSeconds(t: Pick<ProbeTiming, "interval" | "startInterval">): number {
    return t.startInterval > 0 ? t.startInterval : t.interval;
}

/** Cloud Run's probe of an app: HTTP GET on its health path, timings in seconds. */
export interface CloudRunProbe {
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
}

/**
 * The apps' probes on Cloud Run. Startup: every 10 s for up to 240 s, because Direct VPC egress
 * can take a minute or more to connect a new instance (cloud.google.com/run/docs/configuring/vpc-direct-vpc,
 * "Limitations") and the apps reach Cloud SQL through it. Liveness: as the Docker healthcheck
 * (every 15 s, 3 failures). Cloud Run restarts a container that fails liveness, and sends no
 * traffic to a revision that never passes startup.
 */
export const CLOUD_RUN_PROBES = {
    startup: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 24 },
    liveness: {
        initialDelaySeconds: 0,
        periodSeconds: PROBE_TIMING.app.interval,
        timeoutSeconds: PROBE_TIMING.app.timeout,
        failureThreshold: PROBE_TIMING.app.retries,
    },
} as const satisfies Record<string, CloudRunProbe>;

/**
 * What Cloud Run accepts (the API's field documentation, as google_cloud_run_v2_service's schema
 * repeats it: terraform-provider-google-beta v7.45.0 services/cloudrunv2/resource_cloud_run_v2_service.go
 * 604-640 startup, 224-338 liveness): initial delay and period at most 240 s for a startup probe
 * and 3600 s for liveness, the timeout at least 1 s and below the period, at least one failure.
 * Returns what is wrong, or nothing.
 */
export function cloudRunProbeProblems(kind: "startup" | "liveness", p: CloudRunProbe): string[] {
    const max = kind === "startup" ? 240 : 3600;
    const problems: string[] = [];
    if (p.initialDelaySeconds < 0 || p.initialDelaySeconds > max) problems.push(`initialDelaySeconds must be 0 to ${max}`);
    if (p.periodSeconds < 1 || p.periodSeconds > max) problems.push(`periodSeconds must be 1 to ${max}`);
    if (p.timeoutSeconds < 1 || p.timeoutSeconds >= p.periodSeconds) problems.push("timeoutSeconds must be at least 1 and below periodSeconds");
    if (p.failureThreshold < 1) problems.push("failureThreshold must be at least 1");
    return problems;
}

/** How long a new instance has to pass its startup probe before Cloud Run gives up on it. */
export function startupWindowSeconds(p: CloudRunProbe): number {
    return p.initialDelaySeconds + p.failureThreshold * p.periodSeconds;
}
