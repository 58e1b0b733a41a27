// The Docker Engine API requests the docker provider makes for a resource the program declares,
// computed from the inputs a mocked run recorded (after unwrapping secrets). Pure.
//
// Source: github.com/kreuzwerker/terraform-provider-docker v4.5.0 (the upstream of @pulumi/docker
// 5.2.0, test/support/providers/docker.ts says how that pin was read):
//   CF = internal/provider/resource_docker_container_funcs.go, resourceDockerContainerCreate:
//        Config 69-137, healthcheck 139-164, mounts 166-248, HostConfig 250-452, ContainerCreate
//        456, networks_advanced 463-503 (disconnect `bridge`, then connect each), uploads 505-582
//        (one tar per file: mode from permissions, else 0744 executable / 0644; no owner, so root),
//        start 584-588, wait for healthy 590-628 (inspect once a second until wait_timeout).
//        Delete 1079-1131: stop with destroy_grace_seconds (0 when unset), remove with force.
//   CS = internal/provider/resource_docker_container_structures.go: ports 228-258, ulimits
//        260-274, hosts 276-287, volumes 289-329 (host_path or volume_name -> Binds
//        "source:path:rw|ro"), devices 365-386.
//   C  = internal/provider/resource_docker_container.go: defaults (start true 72, restart "no"
//        230, network_mode "bridge" 901; log_driver and init are computed: unset is not sent,
//        except init, which CF:447-448 always sends as a bool).
//   N  = internal/provider/resource_docker_network_funcs.go 26-82; V = resource_docker_volume.go 270-285.

type Obj = Record<string, any>;

/** Go's time.ParseDuration for the whole-unit durations the program writes ("1s", "1m0s", "500ms"), in nanoseconds. */
export function goDurationNanos(text: string): number {
    if (text === "0" || text === "") return 0;
    const unit: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    let total = 0;
    let consumed = 0;
    for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) {
        total += Number(m[1]) * unit[m[2]];
        consumed += m[0].length;
    }
    if (consumed !== text.length) throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
    return Math.round(total);
}

/** docker/cli opts.ParseCPUs, as CF:354-360 calls it: "1.5" -> 1500000000 nano CPUs. */
export function parseCpus(text: string): number {
    const value = Number(text);
    if (!Number.isFinite(value) || text.trim() === "") throw new Error(`failed to parse ${text} as a rational number`);
    const nano = Math.round(value * 1e9);
    if (Math.abs(nano - value * 1e9) > 1e-3 * 1e9) throw new Error(`value is too precise`);
    return nano;
}

export interface Upload {
    /** Absolute path in the container (the tar entry's name; CF:559-564). */
    file: string;
    content: Buffer;
    mode: number;
}

export interface NetworkAttachment {
    name: string;
    aliases: string[];
    ipv4Address?: string;
    ipv6Address?: string;
}

export interface ContainerRequest {
    name: string;
    /** Body of POST /containers/create. */
    body: Obj;
    /** POST /networks/{name}/connect, after disconnecting `bridge` (CF:463-503). */
    networks: NetworkAttachment[];
    uploads: Upload[];
    start: boolean;
    /** Seconds to wait for healthy, when `wait` is set (CF:590-628). */
    waitSeconds?: number;
    /** Stop timeout on delete (CF:1086-1093). */
    destroyGraceSeconds: number;
}

/** Every input the mapping below reads; anything else fails loudly instead of being dropped. */
const KNOWN = new Set([
    "name",
    "image",
    "hostname",
    "domainname",
    "tty",
    "stdinOpen",
    "stopSignal",
    "stopTimeout",
    "envs",
    "command",
    "entrypoints",
    "user",
    "ports",
    "workingDir",
    "hosts",
    "ulimits",
    "volumes",
    "labels",
    "healthcheck",
    "mounts",
    "privileged",
    "publishAllPorts",
    "restart",
    "maxRetryCount",
    "runtime",
    "rm",
    "readOnly",
    "logDriver",
    "logOpts",
    "tmpfs",
    "capabilities",
    "devices",
    "dns",
    "dnsOpts",
    "dnsSearches",
    "securityOpts",
    "memory",
    "memoryReservation",
    "memorySwap",
    "shmSize",
    "cpus",
    "cpuPeriod",
    "cpuQuota",
    "cpuShares",
    "cpuSet",
    "networkMode",
    "usernsMode",
    "pidMode",
    "sysctls",
    "ipcMode",
    "groupAdds",
    "cgroupnsMode",
    "cgroupParent",
    "init",
    "storageOpts",
    "networksAdvanced",
    "uploads",
    "start",
    "wait",
    "waitTimeout",
    "destroyGraceSeconds",
    "mustRun",
    "removeVolumes",
    "attach",
    "logs",
]);

const set = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
const mb = (v: number) => v * 1024 * 1024;

/**
 * The create request of a docker.Container from its recorded inputs. `image` is the image id the
 * program passes (RemoteImage.imageId); the caller maps a mock's id to the engine's.
 */
export function containerRequest(inputs: Obj, autoName: () => string): ContainerRequest {
    const unknown = Object.keys(inputs).filter((k) => !KNOWN.has(k) && inputs[k] !== undefined);
    if (unknown.length > 0)
        throw new Error(`container inputs not mapped to the Docker API here: ${unknown.join(", ")} (add them from resource_docker_container_funcs.go)`);
    const config: Obj = {
        Image: inputs.image,
        Hostname: inputs.hostname ?? "",
        Domainname: inputs.domainname ?? "",
        Tty: inputs.tty ?? false,
        OpenStdin: inputs.stdinOpen ?? false,
        StopSignal: inputs.stopSignal ?? "",
    };
    if (inputs.stopTimeout !== undefined) config.StopTimeout = inputs.stopTimeout;
    if (set(inputs.envs)) config.Env = [...inputs.envs];
    if (set(inputs.command)) {
        if ((inputs.command as string[]).some((c) => c === "")) throw new Error("values for command may not be empty"); // CF:85-89
        config.Cmd = [...inputs.command];
    }
    if (set(inputs.entrypoints)) config.Entrypoint = [...inputs.entrypoints];
    if (set(inputs.user)) config.User = inputs.user;
    const exposed: Obj = {};
    const bindings: Obj = {};
    for (const p of (inputs.ports ?? []) as Obj[]) {
        const key = `${p.internal}/${p.protocol ?? "tcp"}`;
        exposed[key] = {};
        // CS:242-254: external and ip are Optional+Computed, so both are present in the schema map.
        (bindings[key] ??= []).push({ HostIp: p.ip ?? "0.0.0.0", HostPort: p.external === undefined ? "" : String(p.external) });
    }
    if (Object.keys(exposed).length > 0) config.ExposedPorts = exposed;
    if (set(inputs.workingDir)) config.WorkingDir = inputs.workingDir;
    const binds: string[] = [];
    const volumesFrom: string[] = [];
    const volumes: Obj = {};
    for (const v of (inputs.volumes ?? []) as Obj[]) {
        const source = v.hostPath || v.volumeName || "";
        if (!v.fromContainer && !v.containerPath) throw new Error("volume entry without container path or source container");
        if (v.fromContainer && v.containerPath) throw new Error("both a container and a path specified in a volume entry");
        if (v.fromContainer) volumesFrom.push(v.fromContainer);
        else {
            volumes[v.containerPath] = {};
            if (source) binds.push(`${source}:${v.containerPath}:${v.readOnly ? "ro" : "rw"}`);
        }
    }
    if (Object.keys(volumes).length > 0) config.Volumes = volumes;
    if (set(inputs.labels)) config.Labels = Object.fromEntries((inputs.labels as Obj[]).map((l) => [l.label, l.value]));
    if (inputs.healthcheck) {
        const h = inputs.healthcheck as Obj;
        config.Healthcheck = {
            Test: h.tests ?? [],
            Interval: goDurationNanos(h.interval ?? "0s"),
            Timeout: goDurationNanos(h.timeout ?? "0s"),
            StartPeriod: goDurationNanos(h.startPeriod ?? "0s"),
            StartInterval: goDurationNanos(h.startInterval ?? "0s"),
            Retries: h.retries ?? 0,
        };
    }
    const mounts = ((inputs.mounts ?? []) as Obj[]).map((m) => {
        const out: Obj = { Type: m.type, Target: m.target, Source: m.source ?? "", ReadOnly: m.readOnly ?? false };
        if (m.type === "bind" && m.bindOptions) out.BindOptions = { Propagation: m.bindOptions.propagation ?? "" };
        if (m.type === "volume" && m.volumeOptions) {
            const o = m.volumeOptions as Obj;
            out.VolumeOptions = {
                NoCopy: o.noCopy ?? false,
                Labels: Object.fromEntries(((o.labels ?? []) as Obj[]).map((l) => [l.label, l.value])),
                ...(o.driverName || o.driverOptions ? { DriverConfig: { Name: o.driverName ?? "", Options: o.driverOptions ?? {} } } : {}),
                ...(o.subpath ? { Subpath: o.subpath } : {}),
            };
        }
        if (m.type === "tmpfs" && m.tmpfsOptions) out.TmpfsOptions = { SizeBytes: m.tmpfsOptions.sizeBytes ?? 0, Mode: m.tmpfsOptions.mode ?? 0 };
        return out;
    });
    const host: Obj = {
        Privileged: inputs.privileged ?? false,
        PublishAllPorts: inputs.publishAllPorts ?? false,
        RestartPolicy: { Name: inputs.restart ?? "no", MaximumRetryCount: inputs.maxRetryCount ?? 0 },
        Runtime: inputs.runtime ?? "",
        Mounts: mounts,
        AutoRemove: inputs.rm ?? false,
        ReadonlyRootfs: inputs.readOnly ?? false,
        LogConfig: { Type: inputs.logDriver ?? "" },
    };
    if (set(inputs.tmpfs)) host.Tmpfs = { ...inputs.tmpfs };
    if (Object.keys(bindings).length > 0) host.PortBindings = bindings;
    if (set(inputs.hosts)) host.ExtraHosts = (inputs.hosts as Obj[]).map((h) => `${h.host}:${h.ip}`);
    if (binds.length > 0) host.Binds = binds;
    if (volumesFrom.length > 0) host.VolumesFrom = volumesFrom;
    if (set(inputs.ulimits)) host.Ulimits = (inputs.ulimits as Obj[]).map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
    if (inputs.capabilities) {
        host.CapAdd = [...(inputs.capabilities.adds ?? [])];
        host.CapDrop = [...(inputs.capabilities.drops ?? [])];
    }
    if (set(inputs.devices)) {
        host.Devices = (inputs.devices as Obj[]).map((d) => ({
            PathOnHost: d.hostPath,
            PathInContainer: d.containerPath || d.hostPath,
            CgroupPermissions: d.permissions ?? "rwm",
        }));
    }
    if (set(inputs.dns)) host.Dns = [...inputs.dns];
    if (set(inputs.dnsOpts)) host.DnsOptions = [...inputs.dnsOpts];
    if (set(inputs.dnsSearches)) host.DnsSearch = [...inputs.dnsSearches];
    if (set(inputs.securityOpts)) host.SecurityOpt = [...inputs.securityOpts];
    if (set(inputs.memory)) host.Memory = mb(inputs.memory);
    if (set(inputs.memoryReservation)) host.MemoryReservation = mb(inputs.memoryReservation);
    if (set(inputs.memorySwap)) host.MemorySwap = inputs.memorySwap > 0 ? mb(inputs.memorySwap) : inputs.memorySwap;
    if (set(inputs.shmSize)) host.ShmSize = mb(inputs.shmSize);
    if (set(inputs.cpus)) host.NanoCpus = parseCpus(inputs.cpus);
    else {
        if (set(inputs.cpuPeriod)) host.CpuPeriod = inputs.cpuPeriod;
        if (set(inputs.cpuQuota)) host.CpuQuota = inputs.cpuQuota;
    }
    if (set(inputs.cpuShares)) host.CpuShares = inputs.cpuShares;
    if (set(inputs.cpuSet)) host.CpusetCpus = inputs.cpuSet;
    if (set(inputs.logOpts)) host.LogConfig.Config = { ...inputs.logOpts };
    host.NetworkMode = inputs.networkMode ?? "bridge";
    if (set(inputs.usernsMode)) host.UsernsMode = inputs.usernsMode;
    if (set(inputs.pidMode)) host.PidMode = inputs.pidMode;
    if (set(inputs.sysctls)) host.Sysctls = { ...inputs.sysctls };
    if (set(inputs.ipcMode)) host.IpcMode = inputs.ipcMode;
    if (set(inputs.groupAdds)) host.GroupAdd = [...inputs.groupAdds];
    if (set(inputs.cgroupnsMode)) host.CgroupnsMode = inputs.cgroupnsMode;
    if (set(inputs.cgroupParent)) host.CgroupParent = inputs.cgroupParent;
    host.Init = inputs.init ?? false;
    if (set(inputs.storageOpts)) host.StorageOpt = { ...inputs.storageOpts };

    const uploads = ((inputs.uploads ?? []) as Obj[]).map((u): Upload => {
        const given = [u.content, u.contentBase64, u.source].filter((x) => x !== undefined && x !== "");
        if (given.length !== 1) throw new Error(`upload ${u.file}: exactly one of content, content_base64, source must be set`); // CF:521-526
        const content = u.contentBase64 ? Buffer.from(u.contentBase64, "base64") : Buffer.from(String(u.content ?? ""), "utf8");
        const mode = u.permissions ? parseInt(u.permissions, 8) : u.executable ? 0o744 : 0o644;
        return { file: u.file, content, mode };
    });
    return {
        name: inputs.name ?? autoName(),
        body: { ...config, HostConfig: host, NetworkingConfig: {} },
        networks: ((inputs.networksAdvanced ?? []) as Obj[]).map((n) => ({
            name: n.name,
            aliases: [...(n.aliases ?? [])],
            ipv4Address: n.ipv4Address,
            ipv6Address: n.ipv6Address,
        })),
        uploads,
        start: inputs.start ?? true,
        waitSeconds: inputs.wait ? (inputs.waitTimeout ?? 60) : undefined,
        destroyGraceSeconds: inputs.destroyGraceSeconds > 0 ? inputs.destroyGraceSeconds : 0,
    };
}

/** POST /networks/create (N:26-82). */
export function networkRequest(inputs: Obj): Obj {
    return {
        Name: inputs.name,
        Labels: Object.fromEntries(((inputs.labels ?? []) as Obj[]).map((l) => [l.label, l.value])),
        Driver: inputs.driver ?? "",
        Options: inputs.options ?? {},
        Internal: inputs.internal ?? false,
        Attachable: inputs.attachable ?? false,
        ...(inputs.ipv6 !== undefined ? { EnableIPv6: inputs.ipv6 } : {}),
    };
}

/** POST /volumes/create (V:270-285). */
export function volumeRequest(inputs: Obj): Obj {
    return {
        Name: inputs.name ?? "",
        Labels: Object.fromEntries(((inputs.labels ?? []) as Obj[]).map((l) => [l.label, l.value])),
        Driver: inputs.driver ?? "",
        DriverOpts: inputs.driverOpts ?? {},
    };
}

/** A one-file tar archive as CF:547-573 writes it (ustar header, mode, size, no owner: uid/gid 0). */
export function tarOf(upload: Upload, mtime = Math.floor(Date.now() / 1000)): Buffer {
    const header = Buffer.alloc(512, 0);
    const name = upload.file.replace(/^\/+/, "");
    if (Buffer.byteLength(name) > 100) throw new Error(`upload path too long for this tar writer: ${upload.file}`);
    const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, "0") + "\0";
    header.write(name, 0, "utf8");
    header.write(octal(upload.mode, 8), 100);
    header.write(octal(0, 8), 108);
    header.write(octal(0, 8), 116);
    header.write(octal(upload.content.length, 12), 124);
    header.write(octal(mtime, 12), 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    const pad = Buffer.alloc((512 - (upload.content.length % 512)) % 512, 0);
    return Buffer.concat([header, upload.content, pad, Buffer.alloc(1024, 0)]);
}
