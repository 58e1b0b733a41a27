// Prometheus durations (flags such as --storage.tsdb.retention.time, and durations in its config
// files) as Prometheus itself parses them: model.ParseDuration of github.com/prometheus/common
// (model/time.go). Whole numbers with the units y w d h m s ms, each at most once and largest
// first, so `1d12h` is valid and `12h1d` is not; a bare `0` is zero; the total must fit Go's
// time.Duration (int64 nanoseconds). A year is 365 days, a week 7 days, a day 24 hours.

const UNITS: ReadonlyArray<[string, bigint]> = [
    ["y", 365n * 24n * 3_600_000n],
    ["w", 7n * 24n * 3_600_000n],
    ["d", 24n * 3_600_000n],
    ["h", 3_600_000n],
    ["m", 60_000n],
    ["s", 1000n],
    ["ms", 1n],
];
const GRAMMAR = new RegExp(`^${UNITS.map(([u]) => `(?:([0-9]+)${u})?`).join("")}$`);
const MAX_NANOSECONDS = (1n << 63n) - 1n;

/** The duration in milliseconds, or undefined when Prometheus would refuse the text. */
export function parsePrometheusDuration(text: string): number | undefined {
    if (text === "0") return 0;
    const m = text === "" ? null : GRAMMAR.exec(text);
    if (!m) return undefined;
    let ms = 0n;
    UNITS.forEach(([, mult], i) => {
        if (m[i + 1] !== undefined) ms += BigInt(m[i + 1]) * mult;
    });
    return ms * 1_000_000n > MAX_NANOSECONDS ? undefined : Number(ms);
}
