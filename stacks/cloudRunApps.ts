// The four apps as Cloud Run services (`gcp.runtime: cloudrun`): their identities, their secrets in
// Secret Manager, their environment (the same contract as on the Docker host, with the other
// services' Cloud Run URLs), the metrics agent's config, and the release jobs.

import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GcpStackConfig } from "../config";
import { appEnvironment, AppSecrets, AppSettings, secretKeyOf } from "../components/apps/environment";
import { postgresConnectionUrl, REDIS_CA_FILE, redisConnectionUrl } from "../components/data/connections";
import { CloudRunApp } from "../components/gcp/cloudRunApp";
import { SecretStore, StoredSecret } from "../components/gcp/secretStore";
import { ServiceName, services } from "../facts/services";
import { renderAgentConfig } from "../renderers/observability/metricsAgent";
import { GcpFoundation } from "./gcpFoundation";

/** Short names of the services in their runtime identities' ids (6 to 30 characters). */
const ACCOUNT_SUFFIX: Record<ServiceName, string> = { "agente-deposito": "dep", "agente-negocio": "neg", "ml-service": "ml", dashboard: "dash" };

/** `mm-<environment>-<service>`, the environment cut so the id stays within 30 characters. */
export function runAccountId(environment: string, service: ServiceName): string {
    return `${`mm-${environment}`.slice(0, 25).replace(/-+$/, "")}-${ACCOUNT_SUFFIX[service]}`;
}

/** The secret that carries Memorystore's CA into every instance (as a file, like on the Docker host). */
const REDIS_CA_KEY = "redis-ca";

export interface CloudRunApps {
    apps: Record<ServiceName, CloudRunApp>;
}

export function declareCloudRunApps(config: GcpStackConfig, f: GcpFoundation, remoteWriteUrl: pulumi.Input<string>): CloudRunApps {
    const g = config.gcp;
    const env = config.environment;
    const s = f.secrets.values;
    const accounts = Object.fromEntries(
        services.map((spec) => [
            spec.name,
            new gcp.serviceaccount.Account(
                `${spec.name}-run`,
                { accountId: runAccountId(env, spec.name), displayName: `MiniMarket ${env} ${spec.name} on Cloud Run` },
                { provider: f.provider },
            ),
        ]),
    ) as Record<ServiceName, gcp.serviceaccount.Account>;
    const member = (name: ServiceName) => pulumi.interpolate`serviceAccount:${accounts[name].email}`;

    const settings: Omit<AppSettings, "serviceUrls"> = {
        environment: env,
        logLevel: config.logLevel,
        timezone: config.timezone,
        corsOrigins: config.corsOrigins,
        dashboardForceHttps: config.dashboardForceHttps,
    };
    const jwt: Record<ServiceName, pulumi.Output<string>> = {
        "agente-deposito": s.jwtSecretDeposito,
        "agente-negocio": s.jwtSecretNegocio,
        "ml-service": s.jwtSecretMl,
        dashboard: s.jwtSecretDashboard,
    };
    const blankUrls = Object.fromEntries(services.map((spec) => [spec.name, ""])) as Record<ServiceName, string>;
    const blank: AppSecrets = { databaseUrl: "", redisUrl: "", jwtSecret: "", dashboardApiKey: "", dashboardUiApiKey: "" };
    const secretValues = (name: ServiceName) =>
        pulumi
            .all([postgresConnectionUrl(f.connections.app), redisConnectionUrl(f.redis), jwt[name], s.dashboardApiKey, s.dashboardUiApiKey])
            .apply(([databaseUrl, redisUrl, jwtSecret, dashboardApiKey, dashboardUiApiKey]) => ({
                databaseUrl,
                redisUrl,
                jwtSecret,
                dashboardApiKey,
                dashboardUiApiKey,
            }));

    // Which variable of which service reads which secret; shared values are one secret.
    const stored: Record<string, StoredSecret> = {};
    const refsOf = {} as Record<ServiceName, Record<string, string>>;
    for (const spec of services) {
        const own = config.services[spec.name].secretEnv;
        const names = appEnvironment(spec.name, { ...settings, serviceUrls: blankUrls }, blank, { secret: own });
        refsOf[spec.name] = {};
        const values = secretValues(spec.name).apply((v) => appEnvironment(spec.name, { ...settings, serviceUrls: blankUrls }, v, { secret: own }).secret);
        for (const variable of Object.keys(names.secret)) {
            const key = secretKeyOf(spec.name, variable, variable in own);
            refsOf[spec.name][variable] = key;
            stored[key] ??= { value: pulumi.secret(values.apply((v) => v[variable])), readers: [] };
            // JWT_SECRET_KEY and JWT_SECRET_<SERVICE> are one secret: one grant.
            if (!stored[key].readers.some((r) => r.name === spec.name)) stored[key].readers.push({ name: spec.name, member: member(spec.name) });
        }
    }
    if (f.memorystoreCa) {
        stored[REDIS_CA_KEY] = { value: f.memorystoreCa, readers: services.map((spec) => ({ name: spec.name, member: member(spec.name) })) };
    }
    const store = new SecretStore("app-secrets", { environment: env, secrets: stored }, f.onGcp);

    const apps = {} as Record<ServiceName, CloudRunApp>;
    // In dependency order: each service's environment names the services it calls by their URLs.
    for (const spec of services) {
        const svc = config.services[spec.name];
        const scaling = g.cloudRun.services[spec.name];
        const urls = pulumi.all(Object.fromEntries(spec.waitsFor.map((w) => [w, apps[w].uri])));
        // The pool caps the capacity model counts on (docs/app-contract.md); the operator's variables win.
        const extra = {
            DATABASE_POOL_SIZE: String(scaling.poolSize),
            REDIS_MAX_CONNECTIONS: String(scaling.poolSize),
            ...(f.memorystoreCa ? { REDIS_SSL_CA_CERTS: REDIS_CA_FILE } : {}),
            ...svc.env,
        };
        const plain = urls.apply((known) => {
            const serviceUrls = { ...blankUrls, ...known } as Record<ServiceName, string>;
            return appEnvironment(spec.name, { ...settings, serviceUrls }, blank, { plain: extra, secret: svc.secretEnv }).plain;
        });
        const ca = f.memorystoreCa ? store.refs[REDIS_CA_KEY] : undefined;
        apps[spec.name] = new CloudRunApp(
            spec.name,
            {
                environment: env,
                project: g.project,
                region: g.region,
                spec,
                // Prod refuses a config without real images (config/rules.ts).
                image: svc.image!,
                cpus: svc.cpus,
                memoryMb: svc.memoryMb,
                scaling,
                serviceAccount: accounts[spec.name].email,
                env: plain,
                secretEnv: Object.fromEntries(Object.entries(refsOf[spec.name]).map(([variable, key]) => [variable, store.refs[key]])),
                files: ca && {
                    directory: REDIS_CA_FILE.slice(0, REDIS_CA_FILE.lastIndexOf("/")),
                    file: REDIS_CA_FILE.slice(REDIS_CA_FILE.lastIndexOf("/") + 1),
                    ref: ca,
                },
                subnetwork: f.network.subnet.name,
                public: spec.name === "dashboard",
                agentConfig: pulumi
                    .output(remoteWriteUrl)
                    .apply((url) => renderAgentConfig({ environment: env, service: spec.name, port: spec.port, remoteWriteUrl: url })),
                migrationCommand: svc.migrationCommand,
                // The database, its roles and Redis are ready, and the identity can read its secrets.
                dependsOn: [...f.connections.app.ready, ...f.redis.ready, ...store.grants],
            },
            f.onGcp,
        );
    }
    return { apps };
}
