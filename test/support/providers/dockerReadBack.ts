// What the docker provider stores after Create (which ends in Read) and after a refresh, and what
// its Update makes the daemon do. Sources, all read at the revisions named in docker.ts:
//   docker/cli v28.5.2 opts/opts.go:429-439 ParseCPUs (the provider parses `cpus` with it, CF:354-360)
//   terraform-provider-docker v4.5.0 helpers.go:133-150 nanoInt64ToDecimalString (Read, CF:946-948)
//   Go time.Duration.String (Read of healthcheck durations, CF:960-971)
//   moby daemon/daemon_unix.go:321-324 and :417-420 (memory swap defaults),
//   moby daemon/container/container_unix.go:302-309 (update check)

export interface DaemonFacts {
    /** The kernel/cgroup supports swap limits (sysInfo.SwapLimit); cgroup v2 hosts normally do. */
    swapLimit: boolean;
}

const NANO = 1_000_000_000n;

/** docker/cli opts.ParseCPUs for decimal text: exact nanoCPUs, or an error like the CLI's. */
export function parseCpus(text: string): bigint {
    const m = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) throw new Error(`failed to parse ${text} as a rational number`);
    const frac = m[2] ?? "";
    if (frac.replace(/0+$/, "").length > 9) throw new Error("value is too precise");
    return BigInt(m[1] || "0") * NANO + BigInt((frac + "000000000").slice(0, 9));
}

/** Go big.Rat.FloatString(prec) of n/1e9 (n >= 0): rounds half away from zero. */
function floatString(n: bigint, prec: number): string {
    const scale = 10n ** BigInt(prec);
    const scaled = (n * scale * 2n + NANO) / (2n * NANO);
    const int = scaled / scale;
    return prec === 0 ? `${int}` : `${int}.${(scaled % scale).toString().padStart(prec, "0")}`;
}

/** The provider's nanoInt64ToDecimalString, quirks included ("10." for 10 CPUs, "0.1" for 0.05). */
export function nanoToDecimal(nano: bigint): string {
    if (nano === 0n) return "0";
    const str = floatString(nano, 9);
    if ((str.match(/0/g) ?? []).length === 9) return floatString(nano, 1);
    return str.replace(/0+$/, "");
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, ms: 1_000_000n, s: NANO, m: 60n * NANO, h: 3600n * NANO };

/** Go time.ParseDuration (non-negative values). */
export function parseGoDuration(text: string): bigint {
    if (text === "0") return 0n;
    const re = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/gy;
    let total = 0n;
    let consumed = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        const unit = UNITS[m[3]];
        const frac = m[2] ?? "";
        total += BigInt(m[1]) * unit + (BigInt(frac || "0") * unit) / 10n ** BigInt(frac.length);
        consumed = re.lastIndex;
    }
    if (consumed !== text.length || text.length === 0) throw new Error(`time: invalid duration "${text}"`);
    return total;
}

function fraction(v: bigint, div: bigint): string {
    const digits = div.toString().length - 1;
    const rest = (v % div).toString().padStart(digits, "0").replace(/0+$/, "");
    return rest ? `${v / div}.${rest}` : `${v / div}`;
}

/** Go time.Duration.String: "15s", "1m0s", "1h0m0s", "1.5s", "500ms". */
export function formatGoDuration(ns: bigint): string {
    if (ns === 0n) return "0s";
    if (ns < 1000n) return `${ns}ns`;
    if (ns < 1_000_000n) return `${fraction(ns, 1000n)}µs`;
    if (ns < NANO) return `${fraction(ns, 1_000_000n)}ms`;
    const h = ns / (3600n * NANO);
    const m = (ns / (60n * NANO)) % 60n;
    const s = ns % (60n * NANO);
    return `${h > 0n ? `${h}h` : ""}${h > 0n || m > 0n ? `${m}m` : ""}${fraction(s, NANO)}s`;
}

/** memory_swap (MB) the daemon settles on, as Read stores it (CF:940-944). */
export function settledSwap(memoryMb: number, swapMb: number | undefined, daemon: DaemonFacts): number {
    if (!(memoryMb > 0)) return swapMb ?? 0;
    if (!daemon.swapLimit) return -1;
    if (swapMb === undefined || swapMb === 0) return memoryMb * 2;
    return swapMb;
}

type Obj = Record<string, unknown>;

/** State of a docker.Container after Create (+Read) or a refresh, from the inputs that made it. */
export function readBackContainer(inputs: Obj, daemon: DaemonFacts = { swapLimit: true }): Obj {
    const state: Obj = { ...inputs, restart: inputs.restart ?? "no", mustRun: true, networkMode: inputs.networkMode ?? "bridge" };
    if (typeof inputs.cpus === "string" && inputs.cpus !== "") {
        const nano = parseCpus(inputs.cpus);
        if (nano > 0n) state.cpus = nanoToDecimal(nano);
    }
    const memory = Number(inputs.memory ?? 0);
    const swap = settledSwap(memory, inputs.memorySwap as number | undefined, daemon);
    if (swap !== 0 || inputs.memorySwap !== undefined) state.memorySwap = swap;
    const hc = inputs.healthcheck as Obj | undefined;
    if (hc) {
        const dur = (v: unknown) => formatGoDuration(parseGoDuration(String(v ?? "0s")));
        state.healthcheck = {
            tests: hc.tests,
            interval: dur(hc.interval),
            timeout: dur(hc.timeout),
            startPeriod: dur(hc.startPeriod),
            startInterval: dur(hc.startInterval),
            retries: hc.retries ?? 0,
        };
    }
    const ports = inputs.ports as Obj[] | undefined;
    if (ports && ports.length > 0) {
        state.ports = ports
            .map((p) => ({ internal: p.internal, external: p.external, ip: p.ip || "0.0.0.0", protocol: p.protocol ?? "tcp" }))
            .sort((a, b) => Number(a.internal) - Number(b.internal));
    }
    // CF:945 stores HostConfig.ShmSize in MB; the daemon's default is 64 MB (docker-library/docs
    // postgres/content.md at c4a9ba41: "the default /dev/shm size for containers is 64MB").
    state.shmSize = inputs.shmSize ?? 64;
    const devices = inputs.devices as Obj[] | undefined;
    if (devices && devices.length > 0) state.devices = devices.map((d) => ({ ...d, permissions: d.permissions ?? "rwm" }));
    return state;
}

/**
 * What a memory change does on the daemon: the provider sends Memory, and MemorySwap only when
 * memory_swap is set (CF:1040-1067); the daemon refuses a memory above the current swap limit when
 * no swap is sent. Returns the new [memory, memorySwap] in MB.
 */
export function updateMemory(
    current: { memory: number; memorySwap: number },
    inputs: { memory: number; memorySwap?: number },
    daemon: DaemonFacts = { swapLimit: true },
): [number, number] {
    let sentSwap = inputs.memorySwap ?? 0;
    // verifyPlatformContainerResources(update=true) runs first: without swap accounting it sends -1.
    if (inputs.memory > 0 && sentSwap !== -1 && !daemon.swapLimit) sentSwap = -1;
    if (inputs.memory > 0 && sentSwap > 0 && sentSwap < inputs.memory) {
        throw new Error("Minimum memoryswap limit should be larger than memory limit, see usage");
    }
    if (inputs.memory !== 0 && inputs.memory > current.memorySwap && sentSwap === 0) {
        throw new Error("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
    }
    return [inputs.memory || current.memory, sentSwap !== 0 ? sentSwap : current.memorySwap];
}
