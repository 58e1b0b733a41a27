// Runs the Google Cloud platform under Pulumi mocks. The mocks return what Google would compute
// (Cloud SQL's private IP and connection name, the VM's address, Memorystore's host and AUTH
// string), so the flows from those values into the apps can be followed.

import * as pulumi from "@pulumi/pulumi";
import { GcpConfig, GcpStackConfig, parseConfig, parseGcpConfig } from "../../config";
import { MOCK_CLOUD, MockedRun, Registered, underMocks as declareUnderMocks } from "../support/program";

export { MockedRun };

export const MOCK = MOCK_CLOUD;

export const PROD_IMAGES: Record<string, string> = {
    "agente-deposito": `southamerica-east1-docker.pkg.dev/${MOCK.project}/minimarket/agente-deposito:1.4.2`,
    "agente-negocio": `southamerica-east1-docker.pkg.dev/${MOCK.project}/minimarket/agente-negocio:1.4.2`,
    "ml-service": `southamerica-east1-docker.pkg.dev/${MOCK.project}/minimarket/ml-service:2.1.0`,
    dashboard: `southamerica-east1-docker.pkg.dev/${MOCK.project}/minimarket/dashboard:1.9.3`,
};

export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMockKeyForTestsOnly0123456789abcdef deploy@ci";

/** The smallest valid `minimarket:gcp` object. */
export function minimalGcp(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        project: MOCK.project,
        sshSourceRanges: ["203.0.113.7/32"],
        sshPublicKey: SSH_KEY,
        domain: "minimarket.example.com.ar",
        ...extra,
    };
}

/** `minimarket:*` values as the CLI passes them: structures as JSON text. */
function rawValues(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export function readGcp(gcp: unknown, opts = { required: true }): { gcp?: GcpConfig; problems: string[] } {
    return parseGcpConfig(gcp, opts);
}

/** A valid prod config on the gcp platform; `gcpExtra` goes into `minimarket:gcp`. */
export function prodConfig(extra: Record<string, unknown> = {}, gcpExtra: Record<string, unknown> = {}): GcpStackConfig {
    const services = Object.fromEntries(Object.entries(PROD_IMAGES).map(([name, image]) => [name, { image }]));
    const values = rawValues({ platform: "gcp", services, corsOrigins: ["https://minimarket.example.com.ar"], gcp: minimalGcp(gcpExtra), ...extra });
    const secretKeys = new Set(Object.keys(extra).filter((k) => k === "registryPassword"));
    const config = parseConfig({ values, secretKeys }, "prod");
    if (config.platform !== "gcp") throw new Error("prodConfig must be on the gcp platform");
    return config;
}

export function gcpConfig(extra: Record<string, unknown> = {}): GcpConfig {
    const { gcp, problems } = readGcp(minimalGcp(extra));
    if (problems.length > 0 || !gcp) throw new Error(`test gcp config is invalid: ${problems.join("; ")}`);
    return gcp;
}

/** Declares resources with `declare` under mocks for the prod stack. */
export function underMocks<T>(declare: () => T): Promise<MockedRun<T>> {
    return declareUnderMocks("prod", declare);
}

/** Whether `r` waits for the resource `type`/`name` (URNs end with `<type>::<name>`). */
export function dependsOn(r: Registered, type: string, name: string): boolean {
    return r.dependencies.some((urn) => urn.endsWith(`${type}::${name}`));
}

/** The value of an Output, and whether it is secret. */
export async function resolve<T>(o: pulumi.Output<T> | T): Promise<{ value: T; secret: boolean }> {
    if (!pulumi.Output.isInstance(o)) return { value: o as T, secret: false };
    const output = o as pulumi.Output<T>;
    const value = await new Promise<T>((r) => output.apply((v) => r(v)));
    return { value, secret: await pulumi.isSecret(output) };
}

export function get(run: MockedRun<unknown>, type: string, name: string): Registered {
    const found = run.byKey.get(`${type}/${name}`);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${[...run.byKey.keys()].join(", ")}`);
    return found;
}

export function ofType(run: MockedRun<unknown>, type: string): Registered[] {
    return run.resources.filter((r) => r.type === type);
}
