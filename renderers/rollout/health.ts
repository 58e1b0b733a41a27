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
