import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { containerName, LABELS } from "../../facts/endpoints";
import { dockerHealthcheck, ProbeTiming, waitTimeoutSeconds } from "../../renderers/rollout/health";

export { containerName };

/** What part of the system a container is; cAdvisor exposes these labels to Prometheus. */
export type Role = "app" | "data" | "observability" | "edge" | "release";

/**
 * Seconds a container gets between SIGTERM and SIGKILL when the provider removes it. Without
 * `destroyGraceSeconds` the provider stops with timeout 0 (an immediate kill): PostgreSQL would
 * crash-recover on every replacement and apps would drop requests in flight.
 */
export const STOP_GRACE_SECONDS: Record<Role, number> = { data: 60, app: 30, observability: 30, edge: 30, release: 10 };

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
): Pick<docker.ContainerArgs, "name" | "restart" | "memory" | "memorySwap" | "destroyGraceSeconds" | "logDriver" | "logOpts" | "labels" | "hostname"> {
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
        // Without it the daemon sets swap to 2x memory at create, the provider does not send it on
        // update, and raising memory above that fails; equal to memory means no swap at all.
        memorySwap: c.memoryMb,
        destroyGraceSeconds: STOP_GRACE_SECONDS[c.role],
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
 * Container fields the docker provider neither replaces on nor updates (kreuzwerker/terraform-provider-docker
 * v4.5.0: `healthcheck` is not ForceNew and resourceDockerContainerUpdate never sends it), so an
 * edit would only change state and come back after every refresh. Declaring them
 * `replaceOnChanges` makes an edit re-create the container with the new value. Every container
 * of the program takes these (test/providersProgram.test.ts checks).
 */
export const CONTAINER_REPLACE_ON_CHANGES = ["healthcheck"];

/**
 * Container names are fixed and some hold host ports or a data volume, so a replacement must
 * remove the old container first: otherwise the new one fails on the name, the port, or two
 * databases writing one volume.
 */
export const replaceInPlace: pulumi.CustomResourceOptions = { deleteBeforeReplace: true, replaceOnChanges: CONTAINER_REPLACE_ON_CHANGES };

/**
 * Stateless services with no fixed name or host port, reached by a DNS alias they share while old
 * and new run side by side: the new container is created and waited healthy first, the old one is
 * stopped gracefully and removed at the end of the deploy. Explicit `false` is needed: the docker
 * provider asks for delete-first on every container (pulumi-docker provider/resources.go:114), and
 * only a resource option set either way overrides it (pulumi/pulumi step_generator.go).
 */
export const createBeforeDelete: pulumi.CustomResourceOptions = { deleteBeforeReplace: false, replaceOnChanges: CONTAINER_REPLACE_ON_CHANGES };

/** A container whose creation waits until it is healthy, no longer than its probes can take to say unhealthy. */
export function healthGate(tests: string[], timing: ProbeTiming): Pick<docker.ContainerArgs, "healthcheck" | "wait" | "waitTimeout"> {
    return { healthcheck: dockerHealthcheck(tests, timing), wait: true, waitTimeout: waitTimeoutSeconds(timing) };
}

/** `KEY=value` lines for the Docker API, in a stable order so that diffs show real changes only. */
export function envList(env: Record<string, string>): string[] {
    return Object.keys(env)
        .sort()
        .map((k) => `${k}=${env[k]}`);
}

/**
 * A CPU limit written the way the docker provider reads it back (kreuzwerker/terraform-provider-docker
 * v4.5.0 helpers.go nanoInt64ToDecimalString): `cpus` forces replacement, so "1" against a stored
 * "1.0" would replace the container on every `up`. Quirks included: 1 -> "1.0", 1.5 -> "1.5", 10 -> "10.".
 */
export function dockerCpus(cores: number): string {
    const nano = BigInt(Math.round(cores * 1e9));
    const nine = `${nano / 1_000_000_000n}.${(nano % 1_000_000_000n).toString().padStart(9, "0")}`;
    if ((nine.match(/0/g) ?? []).length !== 9) return nine.replace(/0+$/, "");
    // Go's big.Rat FloatString(1): one decimal, rounded half away from zero.
    const tenths = (nano + 50_000_000n) / 100_000_000n;
    return `${tenths / 10n}.${tenths % 10n}`;
}
