import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { containerName, LABELS } from "../facts/endpoints";

export { containerName };

/** What part of the system a container is; cAdvisor exposes these labels to Prometheus. */
export type Role = "app" | "data" | "observability" | "edge" | "release";

export interface ContainerConventions {
    environment: string;
    /** Logical name: the DNS alias on its networks and the `service` label of its logs and metrics. */
    service: string;
    role: Role;
    memoryMb: number;
    /** Extra labels, e.g. marking a demo stand-in. */
    labels?: Record<string, string>;
}

/**
 * Arguments every container of the program shares: a fixed readable name, restart policy, a memory
 * limit, rotated json-file logs (lesson 8: disks filled with logs), and labels that the log shipper
 * and cAdvisor turn into `service`/`environment` labels.
 */
export function conventionalArgs(
    c: ContainerConventions,
): Pick<docker.ContainerArgs, "name" | "restart" | "memory" | "logDriver" | "logOpts" | "labels" | "hostname"> {
    const labels: Record<string, string> = {
        [LABELS.environment]: c.environment,
        [LABELS.service]: c.service,
        [LABELS.role]: c.role,
        ...c.labels,
    };
    return {
        name: containerName(c.environment, c.service),
        hostname: c.service,
        restart: "unless-stopped",
        memory: c.memoryMb,
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "5" },
        labels: Object.entries(labels)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([label, value]) => ({ label, value })),
    };
}

/** Attach to a network under the service's DNS name. */
export function onNetwork(network: docker.Network, alias: string): docker.types.input.ContainerNetworksAdvanced {
    return { name: network.name, aliases: [alias] };
}

/**
 * Container names are fixed and some hold host ports or a data volume, so a replacement must
 * remove the old container first: otherwise the new one fails on the name, the port, or two
 * databases writing one volume.
 */
export const replaceInPlace: pulumi.CustomResourceOptions = { deleteBeforeReplace: true };

/** `KEY=value` lines for the Docker API, in a stable order so that diffs show real changes only. */
export function envList(env: Record<string, string>): string[] {
    return Object.keys(env)
        .sort()
        .map((k) => `${k}=${env[k]}`);
}
