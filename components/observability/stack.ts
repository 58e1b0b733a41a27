import * as pulumi from "@pulumi/pulumi";
import { PostgresConnection, RedisConnection } from "../data/connections";
import { DockerPlatform } from "../docker/platform";
import { CloudRunTelemetry, filesOf, renderStackFiles } from "../../renderers/observability";
import { CLOUD_RUN_METRIC_TYPES } from "../../renderers/cloudRunMeasures";
import { Alloy, Grafana, Loki } from "./logs";
import { Alertmanager, Cadvisor, NodeExporter, PostgresExporter, Prometheus, RedisExporter, StackdriverExporter } from "./metrics";

export interface ObservabilityStackArgs {
    platform: DockerPlatform;
    environment: string;
    /** How long Prometheus keeps samples. */
    metricsRetention: string;
    /** The backup container's schedule, when the stack runs one (its alerts are rendered with it). */
    backups?: { intervalHours: number; drillIntervalHours: number };
    /** Secret Slack incoming-webhook URL; unset: alerts reach Alertmanager, nobody is notified. */
    slackWebhookUrl?: pulumi.Output<string>;
    /** Secret heartbeat URL that receives the always-firing Watchdog (a dead man's switch). */
    deadMansSwitchUrl?: pulumi.Output<string>;
    /** Base of the alerts' runbook links. */
    runbookBaseUrl?: string;
    /** The stack's time zone: Grafana's default and the dashboards'. */
    timezone: string;
    /** PostgreSQL as the monitoring role sees it. */
    postgres: PostgresConnection;
    redis: RedisConnection;
    /** Prometheus and Alertmanager are for operators on the host: 127.0.0.1 at most. */
    operator: { ip: string; prometheusPort: number; alertmanagerPort: number };
    /** Grafana is for people: 0.0.0.0 on staging, 127.0.0.1 behind the prod proxy. */
    grafana: { ip?: string; port: number; rootUrl: string; adminPassword: pulumi.Output<string>; secretKey: pulumi.Output<string> };
    /**
     * The apps run on Cloud Run (gcp.runtime cloudrun): Prometheus also listens on the ops VM's
     * private address for their agents' remote writes, Cloud Monitoring gives their CPU and memory,
     * and Alloy pulls their logs from Pub/Sub.
     */
    cloudRun?: CloudRunTelemetry & { privateIp: pulumi.Input<string>; servicePrefix: string; ready: pulumi.Input<pulumi.Resource>[] };
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
        const { platform, environment } = args;
        const child = { parent: this };

        // Everything but Alertmanager's file is free of secrets: render it without the webhook
        // and the heartbeat URL, and Alertmanager's file, when it carries either, as a secret.
        const { backups, runbookBaseUrl, timezone } = args;
        const cloudRun = args.cloudRun && { projectId: args.cloudRun.projectId, logSubscription: args.cloudRun.logSubscription };
        const publicFiles = renderStackFiles({ environment, backups, runbookBaseUrl, cloudRun, timezone }).files;
        this.notificationsEnabled = args.slackWebhookUrl !== undefined;
        const alertmanagerFiles =
            args.slackWebhookUrl || args.deadMansSwitchUrl
                ? pulumi.secret(
                      pulumi
                          .all([args.slackWebhookUrl, args.deadMansSwitchUrl])
                          .apply(([slackWebhookUrl, deadMansSwitchUrl]) =>
                              filesOf(
                                  renderStackFiles({ environment, backups, runbookBaseUrl, cloudRun, slackWebhookUrl, deadMansSwitchUrl }).files,
                                  "alertmanager",
                              ),
                          ),
                  )
                : filesOf(publicFiles, "alertmanager");

        this.alertmanager = new Alertmanager(
            "alertmanager",
            { platform, files: alertmanagerFiles, publish: { port: args.operator.alertmanagerPort, ip: args.operator.ip } },
            child,
        );
        this.prometheus = new Prometheus(
            "prometheus",
            {
                platform,
                files: filesOf(publicFiles, "prometheus"),
                retention: args.metricsRetention,
                publish: { port: args.operator.prometheusPort, ip: args.operator.ip },
                remoteWrite: args.cloudRun && { ip: args.cloudRun.privateIp, port: args.operator.prometheusPort },
            },
            child,
        );
        if (args.cloudRun) {
            new StackdriverExporter(
                "stackdriver-exporter",
                { platform, project: args.cloudRun.projectId, metricTypes: Object.values(CLOUD_RUN_METRIC_TYPES), servicePrefix: args.cloudRun.servicePrefix },
                child,
            );
        }
        new NodeExporter("node-exporter", { platform }, child);
        new Cadvisor("cadvisor", { platform }, child);
        new PostgresExporter("postgres-exporter", { platform, connection: args.postgres }, child);
        new RedisExporter("redis-exporter", { platform, connection: args.redis }, child);

        this.loki = new Loki("loki", { platform, files: filesOf(publicFiles, "loki") }, child);
        this.grafana = new Grafana(
            "grafana",
            {
                platform,
                files: filesOf(publicFiles, "grafana"),
                adminPassword: args.grafana.adminPassword,
                secretKey: args.grafana.secretKey,
                rootUrl: args.grafana.rootUrl,
                timezone,
                publish: args.grafana.ip === undefined ? undefined : { port: args.grafana.port, ip: args.grafana.ip },
                dependsOn: [this.prometheus.container, this.loki.container],
            },
            child,
        );
        new Alloy("alloy", { platform, files: filesOf(publicFiles, "alloy"), dependsOn: [this.loki.container, ...(args.cloudRun?.ready ?? [])] }, child);

        this.registerOutputs({ notificationsEnabled: this.notificationsEnabled });
    }
}
