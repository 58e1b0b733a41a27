// What of the Docker host a container may reach beyond its own: the host's namespaces, its files
// through bind mounts, its devices. Each grant is a decision a reviewer made, listed here with its
// reason; anything else is a violation, so a new grant comes in a pull request that says why.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { ENDPOINTS, TEXTFILE_DIR } from "../facts/endpoints";
import { CONTAINER, containerView, finding, forType, known, knownItems, Props } from "./resources";

/** What one service may reach of the host, and why. */
export interface HostGrant {
    /** The host's namespaces it shares (the container's `pidMode`, `ipcMode`, ... set to `host`). */
    namespaces: readonly HostNamespace[];
    /** Host paths it may bind-mount read-only. */
    readOnly: readonly string[];
    /** Host paths it may bind-mount writable. */
    writable: readonly string[];
    /** Host devices it may map. */
    devices: readonly string[];
    reason: string;
}

/** The docker provider's container properties that take `host` to share a host namespace. */
export const HOST_NAMESPACES = ["pidMode", "ipcMode", "networkMode", "usernsMode", "cgroupnsMode"] as const;
export type HostNamespace = (typeof HOST_NAMESPACES)[number];

const NONE = { namespaces: [], readOnly: [], writable: [], devices: [] };

export const HOST_GRANTS: Readonly<Record<string, HostGrant>> = {
    [ENDPOINTS.nodeExporter.host]: {
        ...NONE,
        namespaces: ["pidMode"],
        readOnly: ["/"],
        reason: "host metrics as its upstream runs it (prometheus/node_exporter README.md v1.12.1, Docker): the host's / read-only (with rslave, so later mounts show) and its PID namespace; not its network",
    },
    [ENDPOINTS.cadvisor.host]: {
        ...NONE,
        readOnly: ["/", "/var/run", "/sys", "/var/lib/docker", "/dev/disk"],
        devices: ["/dev/kmsg"],
        reason: "per-container metrics as its upstream runs it (google/cadvisor README.md): the cgroups, Docker's state and the kernel log, read-only",
    },
    [ENDPOINTS.alloy.host]: {
        ...NONE,
        readOnly: ["/var/run/docker.sock"],
        // `ro` keeps the socket file from being replaced, not the API from being used.
        reason: "finds the containers and reads their logs through the Docker API; the socket is root on the host whatever `ro` says, so Alloy is trusted like the deploy user",
    },
    backup: {
        ...NONE,
        writable: [TEXTFILE_DIR.path],
        reason: "writes the backup and drill metrics as textfile-collector files that node-exporter reads",
    },
};

/** Everything of the host a container reaches, each as a short phrase for the message. */
function hostAccess(props: Props, grant: Omit<HostGrant, "reason">): string[] {
    const found: string[] = [];
    for (const ns of HOST_NAMESPACES) {
        if (known(() => props[ns]) === "host" && !grant.namespaces.includes(ns)) found.push(`\`${ns}: host\``);
    }
    const binds = [
        ...knownItems(
            () => props.mounts,
            (m) => (m.type === "bind" ? { path: m.source as string, readOnly: m.readOnly === true } : undefined),
        ),
        ...knownItems(
            () => props.volumes,
            (v) => (v.hostPath ? { path: v.hostPath as string, readOnly: v.readOnly === true } : undefined),
        ),
    ];
    for (const b of binds) {
        const allowed = grant.writable.includes(b.path) || (b.readOnly && grant.readOnly.includes(b.path));
        if (!allowed) found.push(`the host's \`${b.path}\` ${b.readOnly ? "read-only" : "writable"}`);
    }
    for (const d of knownItems(
        () => props.devices,
        (d) => d.hostPath as string,
    )) {
        if (!grant.devices.includes(d)) found.push(`the host's device \`${d}\``);
    }
    return found;
}

export const hostAccessGranted: ResourceValidationPolicy = {
    name: "host-access-granted",
    description: "A container reaches the host's namespaces, files or devices only as policy/host.ts grants it",
    enforcementLevel: "mandatory",
    validateResource: forType(CONTAINER, (props, args, report) => {
        const view = containerView(props, args.urn);
        const found = hostAccess(props, HOST_GRANTS[view.service] ?? NONE);
        if (found.length === 0) return;
        report(
            finding(
                `\`${view.service || args.name}\` reaches ${found.join(", ")}`,
                "what a container reaches of the host, a flaw in it reaches too: the host's processes, files (its keys and the other containers' data) or the Docker API, which is root on the host",
                "use a Docker volume or an upload instead; if the host is what it watches, grant exactly that in policy/host.ts HOST_GRANTS with the reason, in a pull request of its own",
            ),
        );
    }),
};
