// The four MiniMarket services, as the SPEC defines them: ports, start order, and the extra
// variables each image reads. Everything here is fact about the app images, not stack config.

import { SecretName } from "./secrets";

export type ServiceName = "agente-deposito" | "agente-negocio" | "ml-service" | "dashboard";

/**
 * Where the app containers run: on a Docker host (staging, and prod with `gcp.runtime: vm`), where
 * cAdvisor sees them, or as Cloud Run services (`gcp.runtime: cloudrun`), where Cloud Monitoring does.
 */
export type AppRuntime = "docker" | "cloudrun";

export interface ServiceSpec {
    name: ServiceName;
    port: number;
    /** Services that must be healthy before this one starts (besides the data services). */
    waitsFor: ServiceName[];
    /** Whether the service needs PostgreSQL and Redis to be healthy first. */
    needsData: boolean;
    /** The env var that repeats the service's own JWT secret. */
    jwtVar: string;
    /** The catalog secret that is this service's JWT secret. */
    jwtSecret: SecretName;
}

export const services: readonly ServiceSpec[] = [
    { name: "agente-deposito", port: 8001, waitsFor: [], needsData: true, jwtVar: "JWT_SECRET_DEPOSITO", jwtSecret: "jwtSecretDeposito" },
    { name: "agente-negocio", port: 8002, waitsFor: ["agente-deposito"], needsData: true, jwtVar: "JWT_SECRET_NEGOCIO", jwtSecret: "jwtSecretNegocio" },
    { name: "ml-service", port: 8003, waitsFor: [], needsData: true, jwtVar: "JWT_SECRET_ML", jwtSecret: "jwtSecretMl" },
    {
        name: "dashboard",
        port: 8080,
        waitsFor: ["agente-deposito", "agente-negocio", "ml-service"],
        needsData: false,
        jwtVar: "JWT_SECRET_DASHBOARD",
        jwtSecret: "jwtSecretDashboard",
    },
];

export const serviceNames: readonly ServiceName[] = services.map((s) => s.name);

export function serviceSpec(name: ServiceName): ServiceSpec {
    const spec = services.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown service ${name}`);
    return spec;
}

export function isServiceName(name: string): name is ServiceName {
    return (serviceNames as readonly string[]).includes(name);
}

/** Base URL of a service on the service network, e.g. http://agente-deposito:8001. */
export function serviceUrl(spec: Pick<ServiceSpec, "name" | "port">): string {
    return `http://${spec.name}:${spec.port}`;
}
