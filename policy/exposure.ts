// What a container exposes: host ports and networks. The data services and the exporters are
// reached over Docker networks only; people reach the entry proxy and nothing else.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { ENDPOINTS, networkName } from "../facts/endpoints";
import { serviceSpec } from "../facts/services";
import {
    CONTAINER,
    containerView,
    DATA_AND_EXPORTER_PORTS,
    DATA_SERVICES,
    EXPORTERS,
    finding,
    forType,
    isLoopback,
    known,
    knownItems,
    portsOf,
    showPort,
} from "./resources";

/** The entry proxy's role label (components/docker/container.ts Role). */
const EDGE_ROLE = "edge";

/**
 * Ports people open: HTTP and HTTPS of the prod proxy, and the staging proxy's sites, which
 * listen on the dashboard's and Grafana's own ports (stacks/dockerHost.ts stagingEntry). The host
 * port of a staging site is configurable (hostPorts); the port inside the proxy is not.
 */
export const PEOPLE_PORTS: readonly number[] = [80, 443, serviceSpec("dashboard").port, ENDPOINTS.grafana.port];

export const dataServicesPublishNoHostPort: ResourceValidationPolicy = {
    name: "data-services-publish-no-host-port",
    description: "PostgreSQL, Redis and the exporters publish no host port, not even on 127.0.0.1",
    enforcementLevel: "mandatory",
    validateResource: forType(CONTAINER, (props, args, report) => {
        const { service } = containerView(props, args.urn);
        const guarded = DATA_SERVICES.includes(service) || EXPORTERS.includes(service);
        for (const p of portsOf(props)) {
            if (!guarded && !DATA_AND_EXPORTER_PORTS.includes(p.internal)) continue;
            const what = guarded ? `\`${service || args.name}\`` : `\`${args.name}\` (port ${p.internal} is a data service's or an exporter's)`;
            report(
                finding(
                    `${what} publishes ${showPort(p)} on the Docker host`,
                    "whoever reaches the host can then try passwords against the data or read what the exporters know; the apps, the backup and Prometheus reach these services over the Docker networks",
                    "remove the port mapping (`ports`); for a one-off look, `docker exec` into the container or open an SSH tunnel to the Docker network",
                ),
            );
        }
    }),
};

export const onlyPeoplePortsPublished: ResourceValidationPolicy = {
    name: "only-people-ports-published",
    description: "Only the entry proxy publishes ports beyond the host itself, and only the ports people open",
    enforcementLevel: "mandatory",
    validateResource: forType(CONTAINER, (props, args, report) => {
        const { role, service } = containerView(props, args.urn);
        for (const p of portsOf(props)) {
            if (isLoopback(p.ip)) continue;
            if (role === EDGE_ROLE && PEOPLE_PORTS.includes(p.internal)) continue;
            const why =
                role === EDGE_ROLE
                    ? `port ${p.internal} is none of the proxy's sites (${PEOPLE_PORTS.join(", ")})`
                    : "only the entry proxy faces people: it terminates HTTPS on prod, and every other service relies on not being reachable from outside";
            report(
                finding(
                    `\`${service || args.name}\` publishes ${showPort(p)} on every address of the host`,
                    why,
                    'serve it through the proxy (components/proxy.ts, a site per service), or bind it to 127.0.0.1 (`ip: "127.0.0.1"`) for operator access over SSH',
                ),
            );
        }
    }),
};

export const dataServicesOffServiceNetwork: ResourceValidationPolicy = {
    name: "data-services-off-service-network",
    description: "PostgreSQL and Redis are on the data network only, never on the service network or the host's",
    enforcementLevel: "mandatory",
    validateResource: forType(CONTAINER, (props, args, report) => {
        const { service, environment } = containerView(props, args.urn);
        if (!DATA_SERVICES.includes(service)) return;
        const why =
            "the service network holds everything that talks to people or is scraped (the proxy, Grafana, the exporters); only the apps, the exporters and the backup join the data network to reach PostgreSQL and Redis";
        if (known(() => props.networkMode) === "host") {
            report(finding(`\`${service}\` uses the host's network`, why, "remove `networkMode` and attach it to the data network only"));
        }
        // A network created by this same preview has no name yet: it is left out, and checked at `up`.
        const networks = knownItems(
            () => props.networksAdvanced,
            (n) => n.name as string,
        );
        const serviceNetwork = environment ? networkName(environment, "services") : undefined;
        for (const name of networks) {
            if (name === serviceNetwork || (!serviceNetwork && name.endsWith("-services"))) {
                report(
                    finding(`\`${service}\` is attached to the service network \`${name}\``, why, "attach it to the data network only (`networksAdvanced`)"),
                );
            }
        }
    }),
};
