import * as pulumi from "@pulumi/pulumi";
import { ConfigError, configCommand, StackConfig } from "../config";
import { remoteHostName, resolveDockerHost, sshDestination } from "../components/docker/daemon";
import { defaultImages } from "../facts/images";
import { ObservabilityStack } from "../components/observability/stack";

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
    standIns: string[],
): StackOutputs {
    return {
        environment: config.environment,
        dashboardUrl,
        standIns,
        images: Object.fromEntries(Object.entries(config.services).map(([name, s]) => [name, s.image ?? `${defaultImages.standIn} (demo stand-in)`])),
        secrets: pulumi.secret(pulumi.all(secrets)),
    };
}

/** The daemon a Docker-platform stack deploys to (config, else DOCKER_HOST, else the default socket). */
export function stagingDockerHost(config: StackConfig): string | undefined {
    if (config.platform !== "docker") return undefined;
    try {
        return resolveDockerHost(config.dockerHost, process.env);
    } catch (e) {
        // A bad DOCKER_HOST is the operator's setting: reported like a config problem, before any resource.
        throw new ConfigError([`${(e as Error).message}: \`${configCommand(config.stack)} set dockerHost ssh://user@host\``]);
    }
}

/** URL of a port published on the Docker host: the remote machine of an ssh:// or tcp:// daemon, else localhost. */
export function publishedUrl(dockerHost: string | undefined, port: number): string {
    return `http://${(dockerHost && remoteHostName(dockerHost)) ?? "localhost"}:${port}`;
}

/** A port bound to the Docker host's loopback: where it is, and how to reach it from elsewhere. */
function loopbackUrl(dockerHost: string | undefined, port: number): string {
    const remote = dockerHost && remoteHostName(dockerHost);
    if (!remote) return `http://127.0.0.1:${port} (on the Docker host)`;
    const ssh = sshDestination(dockerHost);
    return `http://127.0.0.1:${port} on ${remote} (loopback only; tunnel: ssh -L ${port}:127.0.0.1:${port} ${ssh ?? remote})`;
}

/** Where operators find the observability UIs, and whether alerts reach anyone. */
export function observabilityOutputs(config: StackConfig, observability: ObservabilityStack, grafanaUrl: string) {
    const dockerHost = stagingDockerHost(config);
    return {
        grafanaUrl,
        prometheusUrl: loopbackUrl(dockerHost, config.hostPorts.prometheus),
        alertmanagerUrl: loopbackUrl(dockerHost, config.hostPorts.alertmanager),
        notifications: observability.notificationsEnabled
            ? "on: Slack"
            : `off: alerts reach Alertmanager but no Slack webhook is set (${configCommand(config.stack)} set --secret slackWebhookUrl, which prompts for it)`,
    };
}
