import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../stacks/config";
import { filesOf, renderStackFiles } from "../../stacks/configFiles";
import { PostgresEndpoint, RedisEndpoint } from "../apps/urls";
import { DockerPlatform } from "../docker/platform";
import { Alertmanager, Cadvisor, NodeExporter, PostgresExporter, Prometheus, RedisExporter } from "../monitoring/metricsStack";
import { StackSecrets } from "../secrets";
import { Alloy, Grafana, Loki } from "./logsAndDashboards";

export interface ObservabilityStackArgs {
    platform: DockerPlatform;
    config: StackConfig;
    secrets: StackSecrets;
    /** PostgreSQL as the monitoring role sees it. */
    postgres: { endpoint: PostgresEndpoint; sslmode: "disable" | "require" };
    redis: RedisEndpoint;
    /** Prometheus and Alertmanager are for operators on the host: 127.0.0.1 at most. */
    operatorIp: string;
    /** Grafana is for people: 0.0.0.0 on staging, 127.0.0.1 behind the prod proxy. */
    grafana: { ip: string; rootUrl: string };
    /** Wait for these (data services) before the exporters start. */
    dataReady: pulumi.Input<pulumi.Resource>[];
}

/** Metrics, alerting, logs and dashboards beside the apps: the same on every platform. */
export class ObservabilityStack extends pulumi.ComponentResource {
    readonly notificationsEnabled: boolean;
    readonly prometheus: Prometheus;
    readonly alertmanager: Alertmanager;
    readonly grafana: Grafana;
    readonly loki: Loki;

    constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:observability:ObservabilityStack", name, {}, opts);
        const { platform, config, secrets } = args;
        const child = { parent: this };

        // Everything but Alertmanager's file is free of secrets; render once without the webhook.
        const { files, notificationsEnabled } = renderStackFiles(config, { slackWebhookUrl: config.slackWebhookUrl });
        this.notificationsEnabled = notificationsEnabled;
        const publicFiles = renderStackFiles(config, {}).files;
        const alertmanagerFiles = config.slackWebhookUrl
            ? pulumi.secret(filesOf(files, "alertmanager"))
            : filesOf(publicFiles, "alertmanager");

        this.alertmanager = new Alertmanager(
            "alertmanager",
            { platform, files: alertmanagerFiles, publish: { port: config.hostPorts.alertmanager, ip: args.operatorIp } },
            child,
        );
        this.prometheus = new Prometheus(
            "prometheus",
            { platform, files: filesOf(publicFiles, "prometheus"), retention: config.metricsRetention, publish: { port: config.hostPorts.prometheus, ip: args.operatorIp } },
            child,
        );
        new NodeExporter("node-exporter", { platform }, child);
        new Cadvisor("cadvisor", { platform }, child);
        new PostgresExporter(
            "postgres-exporter",
            {
                platform,
                endpoint: args.postgres.endpoint,
                password: secrets.values.postgresMonitorPassword,
                sslmode: args.postgres.sslmode,
                dependsOn: args.dataReady,
            },
            child,
        );
        new RedisExporter(
            "redis-exporter",
            { platform, endpoint: args.redis, password: secrets.values.redisPassword, dependsOn: args.dataReady },
            child,
        );

        this.loki = new Loki("loki", { platform, files: filesOf(publicFiles, "loki") }, child);
        this.grafana = new Grafana(
            "grafana",
            {
                platform,
                files: filesOf(publicFiles, "grafana"),
                adminPassword: secrets.values.grafanaAdminPassword,
                secretKey: secrets.values.grafanaSecretKey,
                rootUrl: args.grafana.rootUrl,
                publish: { port: config.hostPorts.grafana, ip: args.grafana.ip },
                dependsOn: [this.prometheus.container, this.loki.ready],
            },
            child,
        );
        new Alloy("alloy", { platform, files: filesOf(publicFiles, "alloy"), dependsOn: [this.loki.ready] }, child);

        this.registerOutputs({ notificationsEnabled });
    }
}
