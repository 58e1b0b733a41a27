// What every long-running container carries so that one misbehaving container cannot take the
// host down, and a deploy or a restart treats it well: a health check, a memory limit, rotated
// logs, a restart policy, a grace period to stop in, and no privileges beyond cAdvisor's.

import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { ENDPOINTS } from "../facts/endpoints";
import { CONTAINER, ContainerView, containerView, DATA_SERVICES, finding, forType, isLongRunning, isUnknown, known, knownItems, Props } from "./resources";

/** A policy over long-running containers only (one-off tasks end by themselves). */
function longRunning(check: (props: Props, view: ContainerView, args: ResourceValidationArgs, report: ReportViolation) => void) {
    return forType(CONTAINER, (props, args, report) => {
        if (isLongRunning(props)) check(props, containerView(props, args.urn), args, report);
    });
}

const who = (view: ContainerView, args: ResourceValidationArgs) => `\`${view.service || args.name}\``;

/**
 * Containers whose image cannot probe itself, and what watches them instead. Each entry is a
 * decision a reviewer made; a new one belongs in a pull request of its own.
 */
export const UNPROBED: Readonly<Record<string, string>> = {
    [ENDPOINTS.loki.host]: "distroless image; the `loki-ready` readiness gate polls /ready before the deploy goes on",
    [ENDPOINTS.alloy.host]: "distroless image; the `alloy-ready` and `alloy-shipping` gates poll it before the deploy goes on",
    [ENDPOINTS.redisExporter.host]: "built FROM scratch (no shell or client to probe with); Prometheus scrapes it and alerts on `up == 0`",
};

export const containerHealthCheck: ResourceValidationPolicy = {
    name: "container-health-check",
    description: "Every long-running container has a Docker health check",
    enforcementLevel: "mandatory",
    validateResource: longRunning((props, view, args, report) => {
        const tests = knownItems(
            () => props.healthcheck?.tests,
            (t) => t as string,
        );
        // Not known during this preview: checked again at `up`, when it is.
        if (isUnknown(() => props.healthcheck?.tests)) return;
        const probed = tests.length > 0 && tests[0] !== "NONE";
        if (probed || view.service in UNPROBED) return;
        report(
            finding(
                `${who(view, args)} has no health check`,
                "a deploy waits for a new container to be healthy before it removes the old one (`wait: true`), and Docker reports an unhealthy one; without a probe a container that runs but does not answer counts as up",
                "give it a probe (components/docker/container.ts healthGate, or `healthcheck` in UpstreamService); for an image that cannot probe itself add a readiness gate and an entry in policy/guards.ts UNPROBED",
            ),
        );
    }),
};

export const containerMemoryLimit: ResourceValidationPolicy = {
    name: "container-memory-limit",
    description: "Every long-running container has a memory limit",
    enforcementLevel: "mandatory",
    validateResource: longRunning((props, view, args, report) => {
        const memory = known(() => props.memory);
        if (typeof memory === "number" && memory > 0) return;
        report(
            finding(
                `${who(view, args)} has no memory limit`,
                "one container with a leak would take the whole host's memory, and the kernel's OOM killer then picks any process, PostgreSQL included",
                "set `memory` (MB), as conventionalArgs in components/docker/container.ts does",
            ),
        );
    }),
};

/** Log drivers that keep nothing growing on the host's disk: they rotate by themselves or ship off the host. */
const SELF_ROTATING = ["local", "journald", "syslog", "gcplogs", "awslogs", "fluentd", "gelf", "splunk"];

export const containerLogRotation: ResourceValidationPolicy = {
    name: "container-log-rotation",
    description: "Every long-running container's logs are rotated",
    enforcementLevel: "mandatory",
    validateResource: longRunning((props, view, args, report) => {
        const driver = known(() => props.logDriver) as string | undefined;
        const maxSize = known(() => props.logOpts?.["max-size"]) as string | undefined;
        // Stryker disable next-line StringLiteral: any text that is no driver's name is as absent as "".
        if ((driver === "json-file" && maxSize) || SELF_ROTATING.includes(driver ?? "")) return;
        const what =
            driver === undefined
                ? "leaves its log driver to the daemon's default"
                : driver === "json-file"
                  ? "writes json-file logs without `max-size`"
                  : `logs to \`${driver}\``;
        report(
            finding(
                `${who(view, args)} ${what}`,
                driver === "none"
                    ? "its logs are thrown away, so Alloy and Loki never see them"
                    : "Docker's default json-file log grows without bound until the disk is full, and a full disk stops PostgreSQL",
                'set `logDriver: "json-file"` with `logOpts` `max-size` and `max-file`, as conventionalArgs in components/docker/container.ts does',
            ),
        );
    }),
};

const RESTARTING = ["always", "unless-stopped", "on-failure"];

export const containerRestartPolicy: ResourceValidationPolicy = {
    name: "container-restart-policy",
    description: "Every long-running container has a restart policy",
    enforcementLevel: "mandatory",
    validateResource: longRunning((props, view, args, report) => {
        const restart = known(() => props.restart) as string | undefined;
        // Stryker disable next-line StringLiteral: any text that is no restart policy is as absent as "".
        if (RESTARTING.includes(restart ?? "")) return;
        report(
            finding(
                `${who(view, args)} has restart policy \`${restart ?? "no"}\``,
                "after a crash or a reboot of the host it stays down until the next deploy",
                'set `restart: "unless-stopped"`, as conventionalArgs in components/docker/container.ts does',
            ),
        );
    }),
};

/** Docker's own stop timeout; the data services flush and checkpoint, so they get longer. */
export const MIN_STOP_GRACE_SECONDS = 10;
export const MIN_DATA_STOP_GRACE_SECONDS = 30;

export const containerStopGrace: ResourceValidationPolicy = {
    name: "container-stop-grace",
    description: "Every long-running container gets a grace period to stop before it is killed",
    enforcementLevel: "mandatory",
    validateResource: longRunning((props, view, args, report) => {
        const min = DATA_SERVICES.includes(view.service) ? MIN_DATA_STOP_GRACE_SECONDS : MIN_STOP_GRACE_SECONDS;
        const grace = known(() => props.destroyGraceSeconds);
        if (typeof grace === "number" && grace >= min) return;
        report(
            finding(
                `${who(view, args)} gets ${grace ?? 0}s to stop when it is replaced or removed`,
                // terraform-provider-docker v4.5.0 resource_docker_container_funcs.go:1086-1093 (test/support/providers/docker.ts).
                "the docker provider stops a container with `destroy_grace_seconds` as its timeout, and 0 means SIGKILL right after SIGTERM: requests in flight are cut, and PostgreSQL or Redis stop without a clean shutdown",
                `set \`destroyGraceSeconds\` to at least ${min}`,
            ),
        );
    }),
};

/** Capabilities that amount to `privileged`. */
const PRIVILEGED_CAPABILITIES = ["ALL", "SYS_ADMIN", "CAP_SYS_ADMIN"];

export const onlyCadvisorPrivileged: ResourceValidationPolicy = {
    name: "only-cadvisor-privileged",
    description: "No container is privileged except cAdvisor",
    enforcementLevel: "mandatory",
    validateResource: forType(CONTAINER, (props, args, report) => {
        const view = containerView(props, args.urn);
        if (view.service === ENDPOINTS.cadvisor.host) return;
        const added = knownItems(
            () => props.capabilities?.adds,
            (c) => String(c).toUpperCase(),
        ).filter((c) => PRIVILEGED_CAPABILITIES.includes(c));
        const what = known(() => props.privileged) === true ? "runs privileged" : added.length ? `adds ${added.join(", ")}` : undefined;
        if (!what) return;
        report(
            finding(
                `${who(view, args)} ${what}`,
                "a privileged container is root on the host: any flaw in it is a flaw of the host; only cAdvisor needs it, to read every container's cgroups",
                "remove `privileged` (and the capability); mount or add only what it needs",
            ),
        );
    }),
};
