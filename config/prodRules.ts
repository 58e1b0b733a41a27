// Rules of the Google Cloud platform and of prod. On gcp the program creates the Docker host
// itself and publishes only the HTTPS proxy, so settings of the Docker platform would be
// ignored there: they are refused instead, and so are host ports the VM already uses. Prod
// serves over HTTPS and runs images that cannot change under the same name.

import { z } from "zod";
import { serviceNames } from "../facts/services";
import { corsVars, listValue } from "./envVars";
import { isPlainObject, problem, show } from "./fields";
import { hostPortDefaults } from "./schema";

/** Ports of the gcp VM that a loopback-published service cannot take. */
const GCP_HOST_PORTS: Record<number, string> = {
    22: "sshd, which deploys reach Docker through",
    80: "the HTTPS proxy (HTTP and ACME challenges)",
    443: "the HTTPS proxy",
};

export function gcpPlatformRules(v: Record<string, unknown>, r: z.RefinementCtx): void {
    if (v.dockerHost !== undefined) {
        problem(r, ["dockerHost"], "platform gcp deploys to the VM it creates and would ignore this address; run `{config} rm dockerHost`");
    }
    const ports = isPlainObject(v.hostPorts) ? v.hostPorts : {};
    if (ports.dashboard !== undefined) {
        problem(
            r,
            ["hostPorts", "dashboard"],
            "platform gcp publishes the dashboard only through the HTTPS proxy (https://<gcp.domain>), so this port would be ignored; run `{config} rm --path 'hostPorts.dashboard'`",
        );
    }
    for (const name of ["grafana", "prometheus", "alertmanager"] as const) {
        const port = Number(ports[name] ?? hostPortDefaults[name]);
        const holder = GCP_HOST_PORTS[port];
        if (holder) {
            problem(
                r,
                ["hostPorts", name],
                `port ${port} of the Docker host VM is held by ${holder}, so the deploy would fail midway; pick another port, e.g. the default ${hostPortDefaults[name]}`,
            );
        }
    }
}

function httpOrigins(value: unknown): string[] {
    // Stryker disable next-line ArrayDeclaration: a fallback item is no http:// origin, so the filter drops it
    return (listValue(value) ?? []).filter((o) => o.startsWith("http://"));
}

export function prodCorsRules(v: Record<string, unknown>, r: z.RefinementCtx): void {
    const fix = "use https:// origins: prod serves the dashboard over HTTPS only";
    const plain = httpOrigins(v.corsOrigins);
    if (plain.length) problem(r, ["corsOrigins"], `${plain.map(show).join(", ")} is plain HTTP; ${fix}`);
    const services = isPlainObject(v.services) ? v.services : {};
    for (const name of serviceNames) {
        const env = isPlainObject(services[name]) ? (services[name] as Record<string, unknown>).env : undefined;
        if (!isPlainObject(env)) continue;
        for (const variable of corsVars) {
            const bad = httpOrigins(env[variable]);
            if (bad.length) problem(r, ["services", name, "env", variable], `${bad.map(show).join(", ")} is plain HTTP; ${fix}`);
        }
    }
    if (v.corsOrigins === undefined && v.platform !== "gcp") {
        // On gcp the default is the dashboard's own https://<gcp.domain>; elsewhere there is no safe guess.
        problem(r, ["corsOrigins"], "prod has no default origin here; run `{config} set --path 'corsOrigins[0]' https://<the dashboard's address>`");
    }
}
