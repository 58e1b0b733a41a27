// The four MiniMarket services, as the SPEC defines them: ports, start order, and the extra
// variables each image reads. Everything here is fact about the app images, not stack config.

export type ServiceName = "agente-deposito" | "agente-negocio" | "ml-service" | "dashboard";

export interface ServiceSpec {
    name: ServiceName;
    port: number;
    /** Services that must be healthy before this one starts (besides the data services). */
    waitsFor: ServiceName[];
    /** Whether the service needs PostgreSQL and Redis to be healthy first. */
    needsData: boolean;
    /** The env var that repeats the service's own JWT secret. */
    jwtVar: string;
}

export const services: readonly ServiceSpec[] = [
    { name: "agente-deposito", port: 8001, waitsFor: [], needsData: true, jwtVar: "JWT_SECRET_DEPOSITO" },
    { name: "agente-negocio", port: 8002, waitsFor: ["agente-deposito"], needsData: true, jwtVar: "JWT_SECRET_NEGOCIO" },
    { name: "ml-service", port: 8003, waitsFor: [], needsData: true, jwtVar: "JWT_SECRET_ML" },
    {
        name: "dashboard",
        port: 8080,
        waitsFor: ["agente-deposito", "agente-negocio", "ml-service"],
        needsData: false,
        jwtVar: "JWT_SECRET_DASHBOARD",
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
