import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import { ServiceName, services } from "../../stacks/services";
import { DockerPlatform } from "../docker/platform";
import { StackSecrets } from "../secrets";
import { AppService, PublishedPort } from "./appService";
import { appEnvironment, AppSettings } from "./environment";
import { PostgresEndpoint, postgresUrl, RedisEndpoint, redisUrl } from "./urls";

/** Where the apps find their data, wherever it lives (containers, Cloud SQL, Memorystore). */
export interface DataEndpoints {
    postgres: PostgresEndpoint;
    /** Extra query parameters of DATABASE_URL, e.g. sslmode=require for Cloud SQL. */
    postgresParams?: Record<string, string>;
    redis: RedisEndpoint;
    /** Resources that must be ready (healthy, roles set) before any app starts. */
    ready: pulumi.Input<pulumi.Resource>[];
}

export interface AppTierArgs {
    platform: DockerPlatform;
    config: StackConfig;
    secrets: StackSecrets;
    data: DataEndpoints;
    /** Host ports of services meant for people (the dashboard). */
    publish: Partial<Record<ServiceName, PublishedPort>>;
}

const jwtSecretKey = {
    "agente-deposito": "jwtSecretDeposito",
    "agente-negocio": "jwtSecretNegocio",
    "ml-service": "jwtSecretMl",
    dashboard: "jwtSecretDashboard",
} as const;

/** The four MiniMarket services, started in the SPEC's order, each once its dependencies are healthy. */
export class AppTier extends pulumi.ComponentResource {
    readonly services = {} as Record<ServiceName, AppService>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:apps:AppTier", name, {}, opts);
        const { config, secrets, data } = args;
        const settings: AppSettings = {
            environment: config.environment,
            logLevel: config.logLevel,
            timezone: config.timezone,
            corsOrigins: config.corsOrigins,
            dashboardForceHttps: config.dashboardForceHttps,
            serviceUrls: Object.fromEntries(services.map((s) => [s.name, `http://${s.name}:${s.port}`])) as Record<ServiceName, string>,
        };
        const s = secrets.values;
        const databaseUrl = s.postgresPassword.apply((p) => postgresUrl(data.postgres, p, data.postgresParams));
        const redisUrlValue = s.redisPassword.apply((p) => redisUrl(data.redis, p));

        // Declared in dependency order: each service waits for those the SPEC lists.
        for (const spec of services) {
            const svc = config.services[spec.name];
            const overrides = { plain: svc.env, secret: svc.secretEnv };
            const blank = { databaseUrl: "", redisUrl: "", jwtSecret: "", dashboardApiKey: "", dashboardUiApiKey: "" };
            const names = appEnvironment(spec.name, settings, blank, overrides);
            const environment = pulumi.secret(
                pulumi
                    .all([databaseUrl, redisUrlValue, s[jwtSecretKey[spec.name]], s.dashboardApiKey, s.dashboardUiApiKey])
                    .apply(([db, redis, jwt, apiKey, uiKey]) =>
                        appEnvironment(
                            spec.name,
                            settings,
                            { databaseUrl: db, redisUrl: redis, jwtSecret: jwt, dashboardApiKey: apiKey, dashboardUiApiKey: uiKey },
                            overrides,
                        ),
                    ),
            );
            this.services[spec.name] = new AppService(
                spec.name,
                {
                    platform: args.platform,
                    spec,
                    image: svc.image,
                    memoryMb: svc.memoryMb,
                    cpus: svc.cpus,
                    environment,
                    variableNames: [...Object.keys(names.plain), ...Object.keys(names.secret)],
                    migrationCommand: svc.migrationCommand,
                    publish: args.publish[spec.name],
                    dependsOn: [...(spec.needsData ? data.ready : []), ...spec.waitsFor.map((w) => this.services[w].container)],
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
