import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ServiceSpec } from "../../facts/services";
import { defaultImages } from "../../facts/images";
import { containerName, conventionalArgs, createBeforeDelete, dockerCpus, envList, healthGate, onNetwork } from "../docker/container";
import { DockerPlatform } from "../docker/platform";
import { dockerRunOnce } from "../../renderers/shell";
import { PROBE_TIMING } from "../../renderers/rollout/health";
import { AppEnvironment } from "./environment";
import { STANDIN_LABEL, standInCommand, standInEnv } from "./standin";

export interface AppServiceArgs {
    platform: DockerPlatform;
    spec: ServiceSpec;
    /** The service's pinned image; undefined runs the labelled demo stand-in instead. */
    image?: string;
    memoryMb: number;
    /** CPU limit in cores (cAdvisor reports it as quota/period; CPUHigh alerts against it). */
    cpus: number;
    /** The service's variables (secret as a whole: it carries credentials). */
    environment: pulumi.Output<AppEnvironment>;
    /** Names of those variables, known without the secrets, so release commands stay readable. */
    variableNames: string[];
    /** Release step run from the same image before it serves; undefined skips it. */
    migrationCommand?: string[];
    /** What must be healthy (or done) before this service starts. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    /** Files by absolute path in the container (e.g. a server's CA), delivered at create time. */
    files?: pulumi.Input<Record<string, string>>;
}

/**
 * One MiniMarket service: its release step (migrations) and its container. A new version replaces
 * the old one without downtime: the container has no fixed name and no host port (people reach the
 * dashboard through the proxy), so the new one starts beside the old one under the same DNS alias,
 * is waited healthy, and only then is the old one stopped gracefully and removed. The release step
 * runs to completion before the new container is created; a new container that never becomes
 * healthy fails the deploy and the old one keeps serving.
 */
export class AppService extends pulumi.ComponentResource {
    readonly container: docker.Container;
    readonly migration?: command.local.Command;
    readonly isStandIn: boolean;
    readonly name: string;
    /** Base URL on the service network. */
    readonly url: string;

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:apps:AppService", name, {}, opts);
        const { platform, spec } = args;
        const env = platform.environment;
        this.isStandIn = args.image === undefined;
        this.name = spec.name;
        this.url = `http://${spec.name}:${spec.port}`;

        const imageRef = args.image ?? defaultImages.standIn;
        const image = platform.image(imageRef);
        const variables = args.environment.apply((e) => ({
            ...e.plain,
            ...e.secret,
            ...(this.isStandIn ? standInEnv(spec.name, spec.port) : {}),
        }));

        const dependsOn: pulumi.Input<pulumi.Resource>[] = [...args.dependsOn];
        if (args.migrationCommand && !this.isStandIn) {
            this.migration = new command.local.Command(
                `${name}-migrate`,
                {
                    create: platform.dataNetwork.name.apply((network) =>
                        dockerRunOnce(`${containerName(env, spec.name)}-migrate`, [
                            "--network",
                            network,
                            "--label",
                            "com.minimarket.role=release",
                            "--label",
                            `com.minimarket.service=${spec.name}`,
                            ...[...args.variableNames].sort().flatMap((k) => ["-e", k]),
                            imageRef,
                            ...args.migrationCommand!,
                        ]),
                    ),
                    // Values reach `docker run -e NAME` through the environment, never the command line.
                    environment: pulumi.secret(platform.cliEnvironment(variables)),
                    // A migration may print its connection settings: keep its output off the console.
                    logging: "none",
                    // A rotated secret must not re-run migrations; a new image (or host) must.
                    update: "true",
                    triggers: [image.imageId, platform.dataNetwork.id, args.migrationCommand.join(" ")],
                },
                { parent: this, dependsOn: [...args.dependsOn, image], additionalSecretOutputs: ["environment", "stdout", "stderr"] },
            );
            dependsOn.push(this.migration);
        }

        const labels: Record<string, string> = this.isStandIn ? { [STANDIN_LABEL]: "true" } : {};
        // No fixed name: the provider auto-names it `<name>-<random>`, a new name for each replacement.
        const { name: _fixedName, ...conventions } = conventionalArgs({ environment: env, service: spec.name, role: "app", memoryMb: args.memoryMb, labels });
        this.container = new docker.Container(
            name,
            {
                ...conventions,
                image: image.imageId,
                cpus: dockerCpus(args.cpus),
                command: this.isStandIn ? standInCommand() : undefined,
                envs: pulumi.secret(variables.apply(envList)),
                uploads: args.files
                    ? pulumi.output(args.files).apply((files) =>
                          Object.keys(files)
                              .sort()
                              .map((file) => ({ file, content: files[file], permissions: "0644" })),
                      )
                    : undefined,
                networksAdvanced: [onNetwork(platform.serviceNetwork, spec.name), onNetwork(platform.dataNetwork, spec.name)],
                ports: [],
                // The app images are Python; curl is not guaranteed to be there.
                ...healthGate(
                    ["CMD", "python", "-c", `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${spec.port}/health', timeout=4)`],
                    PROBE_TIMING.app,
                ),
            },
            platform.childOpts(this, { ...createBeforeDelete, dependsOn }),
        );
        this.registerOutputs({ container: this.container.name, url: this.url, standIn: this.isStandIn });
    }
}
