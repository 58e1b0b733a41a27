import * as pulumi from "@pulumi/pulumi";
import { AppTier } from "./apps/appTier";
import { StackConfig } from "./config";
import { defaultImages } from "./facts/images";
import { ObservabilityStack } from "./observability/containers/stack";

/** What `pulumi stack output` shows, the same on every platform. */
export interface StackOutputs {
    environment: string;
    dashboardUrl: pulumi.Output<string> | string;
    /** Services running the demo stand-in instead of their real image. */
    standIns: string[];
    images: Record<string, string>;
    /** Every credential, only ever as a secret: `pulumi stack output secrets --show-secrets`. */
    secrets: pulumi.Output<Record<string, string>>;
    [extra: string]: unknown;
}

export function stackOutputs(
    config: StackConfig,
    secrets: Record<string, pulumi.Output<string>>,
    dashboardUrl: StackOutputs["dashboardUrl"],
    apps: AppTier,
): StackOutputs {
    return {
        environment: config.environment,
        dashboardUrl,
        standIns: Object.values(apps.services)
            .filter((s) => s.isStandIn)
            .map((s) => s.name),
        images: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, s.image ?? `${defaultImages.standIn} (demo stand-in)`])),
        secrets: pulumi.secret(pulumi.all(secrets)),
    };
}

/** Where operators find the observability UIs, and whether alerts reach anyone. */
export function observabilityOutputs(config: StackConfig, observability: ObservabilityStack, grafanaUrl: string) {
    return {
        grafanaUrl,
        prometheusUrl: `http://127.0.0.1:${config.hostPorts.prometheus} (on the Docker host)`,
        alertmanagerUrl: `http://127.0.0.1:${config.hostPorts.alertmanager} (on the Docker host)`,
        notifications: observability.notificationsEnabled
            ? "on: Slack"
            : "off: alerts reach Alertmanager but no Slack webhook is set (pulumi config set --secret slackWebhookUrl <url>)",
    };
}
