// Prod with `gcp.runtime: cloudrun`, as an operator would move Pulumi.prod.yaml there: Memorystore,
// a smaller ops VM, and whole CPUs (Cloud Run takes 1, 2, 4, 6 or 8).
import { StackSettings, stackFileConfig } from "./program";

const prod = stackFileConfig("prod").values;

/** `minimarket:gcp` of Pulumi.prod.yaml on cloudrun, with `fields` merged in. */
export function cloudRunGcp(fields: Record<string, unknown> = {}): string {
    const gcp = JSON.parse(prod["minimarket:gcp"]) as Record<string, unknown>;
    return JSON.stringify({ ...gcp, runtime: "cloudrun", machineType: "e2-standard-2", redis: { mode: "memorystore" }, ...fields });
}

/** `minimarket:services` of Pulumi.prod.yaml with whole CPUs, each service changed by `edit`. */
export function cloudRunServices(edit: Record<string, Record<string, unknown>> = {}): string {
    const services = JSON.parse(prod["minimarket:services"]) as Record<string, Record<string, unknown>>;
    const whole: Record<string, Record<string, unknown>> = {
        ...services,
        "agente-negocio": { ...services["agente-negocio"], cpus: 2 },
        dashboard: { ...services.dashboard, cpus: 1 },
    };
    return JSON.stringify(Object.fromEntries(Object.entries(whole).map(([name, s]) => [name, { ...s, ...edit[name] }])));
}

export const REGISTRY_PASSWORD = "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=";

/** The cloudrun prod stack, the registry password set with --secret; `gcp` and `services` edit its config. */
export function cloudRunProd(edits: { gcp?: Record<string, unknown>; services?: Record<string, Record<string, unknown>> } = {}): StackSettings {
    return {
        stack: "prod",
        config: { registryPassword: REGISTRY_PASSWORD },
        secretKeys: ["registryPassword"],
        rawConfig: { "minimarket:gcp": cloudRunGcp(edits.gcp), "minimarket:services": cloudRunServices(edits.services) },
    };
}
