import * as pulumi from "@pulumi/pulumi";
import { PostgresConnection, postgresConnectionUrl, RedisConnection, redisCaFiles, redisConnectionUrl } from "../data/connections";
import { DockerPlatform } from "../docker/platform";
import { ServiceName, services, serviceUrl } from "../../facts/services";
import { AppService } from "./appService";
import { appEnvironment, AppSettings } from "./environment";

/** How one service runs (the `services.<service>` and `secretEnv.<service>` settings). */
export interface AppServiceSettings {
    /** Pinned image; undefined runs the demo stand-in. */
    image?: string;
    memoryMb: number;
    cpus: number;
    /** Extra or overriding plain variables. */
    env: Record<string, string>;
    /** Extra or overriding secret variables. */
    secretEnv: Record<string, string>;
    /** Release step run from the same image before it serves; undefined skips it. */
    migrationCommand?: string[];
}

/** The credentials the apps read besides their data connections. */
export interface AppCredentials {
    /** Each service's own JWT secret. */
    jwt: Record<ServiceName, pulumi.Output<string>>;
    dashboardApiKey: pulumi.Output<string>;
    dashboardUiApiKey: pulumi.Output<string>;
}

export interface AppTierArgs {
    platform: DockerPlatform;
    settings: Omit<AppSettings, "serviceUrls">;
    services: Record<ServiceName, AppServiceSettings>;
    /** The application role's connection (DATABASE_URL). */
    postgres: PostgresConnection;
    /** REDIS_URL. */
    redis: RedisConnection;
    credentials: AppCredentials;
}

/** The four MiniMarket services, started in the SPEC's order, each once its dependencies are healthy. */
export class AppTier extends pulumi.ComponentResource {
    readonly services = {} as Record<ServiceName, AppService>;

    constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:apps:AppTier", name, {}, opts);
        const { credentials } = args;
        const settings: AppSettings = {
            ...args.settings,
            serviceUrls: Object.fromEntries(services.map((s) => [s.name, serviceUrl(s)])) as Record<ServiceName, string>,
        };
        const databaseUrl = postgresConnectionUrl(args.postgres);
        const redisUrlValue = redisConnectionUrl(args.redis);
        const dataReady = [...args.postgres.ready, ...args.redis.ready];

        // Declared in dependency order: each service waits for those the SPEC lists.
        for (const spec of services) {
            const svc = args.services[spec.name];
            // A TLS Redis (Memorystore): its CA goes into the container, and its path into the environment.
            const caEnv: Record<string, string> = args.redis.caFile ? { REDIS_SSL_CA_CERTS: args.redis.caFile } : {};
            const overrides = { plain: { ...caEnv, ...svc.env }, secret: svc.secretEnv };
            const blank = { databaseUrl: "", redisUrl: "", jwtSecret: "", dashboardApiKey: "", dashboardUiApiKey: "" };
            const names = appEnvironment(spec.name, settings, blank, overrides);
            const environment = pulumi.secret(
                pulumi
                    .all([databaseUrl, redisUrlValue, credentials.jwt[spec.name], credentials.dashboardApiKey, credentials.dashboardUiApiKey])
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
                    files: args.redis.caFile ? redisCaFiles(args.redis) : undefined,
                    dependsOn: [...(spec.needsData ? dataReady : []), ...spec.waitsFor.map((w) => this.services[w].container)],
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
