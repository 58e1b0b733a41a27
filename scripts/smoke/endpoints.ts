// Where the smoke checks find each part of a deployed stack. The program should export this
// shape as the stack output `smokeEndpoints` (see stackEndpoints); until it does, the same facts
// are derived here from the outputs that exist today and the program's own naming conventions.
import { containerName, networkName } from "../../facts/endpoints";
import { ENDPOINTS as observabilityEndpoints } from "../../facts/endpoints";
import { defaultImages } from "../../facts/images";
import { services } from "../../facts/services";

export interface SmokeEndpoints {
    environment: string;
    /** Docker daemon of the stack (`ssh://user@host`, `tcp://…`); absent: the local daemon. */
    dockerHost?: string;
    /** Docker network shared by the apps and the observability containers. */
    serviceNetwork: string;
    /** A small image already on the host with `sh` and `wget` (busybox), to probe from inside the network. */
    probeImage: string;
    /** Base URLs as seen from the service network. */
    internal: {
        apps: Record<string, string>;
        prometheus: string;
        alertmanager: string;
        grafana: string;
        loki: string;
    };
    /** Where people reach the stack. */
    public: { dashboard: string; grafana: string };
    /**
     * Every service whose logs must reach Loki (Loki's `service` label), with the name it goes by in
     * messages: its fixed container name, or the service itself for the apps, whose containers are
     * auto-named `<service>-<random>` so that old and new can run side by side.
     */
    containers: Record<string, string>;
}

/** Docker network of the apps and observability (DockerPlatform names it this way). */
export function serviceNetworkName(environment: string): string {
    return networkName(environment, "services");
}

export interface StackEndpointsInput {
    environment: string;
    dashboardUrl: string;
    grafanaUrl: string;
    dockerHost?: string;
    /** False when PostgreSQL is not a container of the stack (Cloud SQL). */
    postgresContainer?: boolean;
    /** Extra containers of the platform (the proxy, in front on every stack, is always listed). */
    extraContainers?: string[];
}

const url = (e: { host: string; port: number }) => `http://${e.host}:${e.port}`;

/** The endpoints of a stack on one Docker host, from its environment and public URLs. */
export function stackEndpoints(input: StackEndpointsInput): SmokeEndpoints {
    const e = observabilityEndpoints;
    const appNames = new Set<string>(services.map((s) => s.name));
    const names = [
        ...services.map((s) => s.name),
        ...(input.postgresContainer === false ? [] : [e.postgres.host]),
        ...Object.values(e)
            .map((x) => x.host)
            .filter((host) => host !== e.postgres.host),
        "proxy",
        ...(input.extraContainers ?? []),
    ];
    return {
        environment: input.environment,
        ...(input.dockerHost ? { dockerHost: input.dockerHost } : {}),
        serviceNetwork: serviceNetworkName(input.environment),
        probeImage: defaultImages.prometheus,
        internal: {
            apps: Object.fromEntries(services.map((s) => [s.name, `http://${s.name}:${s.port}`])),
            prometheus: url(e.prometheus),
            alertmanager: url(e.alertmanager),
            grafana: url(e.grafana),
            loki: url(e.loki),
        },
        public: { dashboard: input.dashboardUrl, grafana: input.grafanaUrl },
        containers: Object.fromEntries(names.map((n) => [n, appNames.has(n) ? n : containerName(input.environment, n)])),
    };
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requireString(outputs: Record<string, unknown>, key: string): string {
    const v = outputs[key];
    if (typeof v !== "string" || v === "") throw new Error(`stack output "${key}" is missing or not a string`);
    return v;
}

/**
 * Endpoints from `pulumi stack output --json`: the `smokeEndpoints` output when the program
 * exports it, otherwise derived from environment, dashboardUrl and grafanaUrl.
 * `dockerHost` (from `pulumi config get dockerHost`) fills in a remote daemon when the output lacks it.
 */
export function endpointsFromOutputs(outputs: Record<string, unknown>, dockerHost?: string): SmokeEndpoints {
    const declared = outputs.smokeEndpoints;
    if (declared !== undefined) {
        if (!isRecord(declared) || typeof declared.serviceNetwork !== "string" || !isRecord(declared.internal) || !isRecord(declared.containers)) {
            throw new Error("stack output smokeEndpoints does not have the expected shape");
        }
        const endpoints = declared as unknown as SmokeEndpoints;
        return endpoints.dockerHost || !dockerHost ? endpoints : { ...endpoints, dockerHost };
    }
    return stackEndpoints({
        environment: requireString(outputs, "environment"),
        dashboardUrl: requireString(outputs, "dashboardUrl"),
        grafanaUrl: requireString(outputs, "grafanaUrl"),
        dockerHost,
        // Prod runs PostgreSQL on Cloud SQL.
        postgresContainer: outputs.cloudSqlConnectionName === undefined,
    });
}
