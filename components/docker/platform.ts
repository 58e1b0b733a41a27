import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as posix from "path/posix";
import { HostDirectory, LABELS, networkName } from "../../facts/endpoints";
import { defaultImages } from "../../facts/images";
import { shellCommand } from "../../renderers/shell";
import { DEFAULT_DOCKER_HOST, DOCKER_HUB, dockerHubAuthConfig } from "./daemon";

/** What a docker CLI step needs to reach the stack's daemon: its address and, optionally, registry credentials. */
export interface DockerCli {
    host: pulumi.Input<string>;
    /** DOCKER_AUTH_CONFIG value (a secret), see daemon.ts dockerHubAuthConfig. */
    authConfig?: pulumi.Input<string>;
}

/**
 * Environment for the `docker` CLI of a release step: DOCKER_HOST is always the provider's
 * daemon (the CLI would otherwise follow its current context, which the provider ignores).
 * Values of variables are passed through the environment (`-e NAME` without a value), never on
 * the command line, so they stay out of process lists, logs and the command text in state.
 * Registry credentials make the whole environment secret.
 */
export function dockerCliEnvironment(cli: DockerCli, vars: pulumi.Input<Record<string, string>> = {}): pulumi.Output<Record<string, string>> {
    return pulumi
        .all([cli.host, cli.authConfig, vars])
        .apply(([host, auth, v]): Record<string, string> => ({ ...v, DOCKER_HOST: host, ...(auth ? { DOCKER_AUTH_CONFIG: auth } : {}) }));
}

export interface DockerPlatformArgs {
    environment: string;
    /** Docker daemon address (`ssh://user@host`, `tcp://…`, `unix://…`); see daemon.ts resolveDockerHost. Default: the provider's default socket. */
    host?: pulumi.Input<string>;
    /** Extra `ssh` options when host is `ssh://`, e.g. ["-i", "~/.ssh/deploy"]. */
    sshOpts?: string[];
    /** Resources that must exist before the daemon is usable (prod: the VM's readiness check). */
    dependsOn?: pulumi.Resource[];
    /**
     * Whether the data network is cut off from everything outside the host (default true). Set
     * false when the databases live outside it (Cloud SQL, Memorystore): the release steps, which
     * join the data network only, must reach them.
     */
    dataNetworkInternal?: boolean;
    /** Credentials for private registries; the provider hands them to the daemon on each pull. */
    registryAuth?: docker.types.input.ProviderRegistryAuth[];
    /** Docker Hub account for pulls (anonymous pulls are rate-limited per address); the token only ever as a secret. */
    dockerHub?: { username: string; token: pulumi.Input<string> };
}

/**
 * Where containers run: one Docker daemon, its networks, and the images pulled onto it.
 * Everything that runs there takes this platform and nothing else about the host.
 */
export class DockerPlatform extends pulumi.ComponentResource {
    readonly provider: docker.Provider;
    /** Internal network of PostgreSQL and Redis: no route out, reachable by the apps and exporters only. */
    readonly dataNetwork: docker.Network;
    /** Network of the apps and the observability stack. */
    readonly serviceNetwork: docker.Network;
    readonly environment: string;
    /** The daemon address, the same for the provider and the docker CLI of release steps. */
    readonly host: pulumi.Input<string>;
    /** How the docker CLI of release steps reaches the same daemon, with the same registry credentials. */
    readonly cli: DockerCli;
    private readonly images = new Map<string, docker.RemoteImage>();
    private readonly directories = new Map<string, command.local.Command>();

    private readonly hostName: string;

    constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:platform:DockerPlatform", name, {}, opts);
        this.hostName = name;
        this.environment = args.environment;
        this.host = args.host ?? DEFAULT_DOCKER_HOST;
        const hub = args.dockerHub;
        const registryAuth = [
            ...(args.registryAuth ?? []),
            ...(hub ? [{ address: DOCKER_HUB.providerAddress, username: hub.username, password: pulumi.secret(hub.token) }] : []),
        ];
        this.cli = {
            host: this.host,
            authConfig: hub ? pulumi.secret(pulumi.output(hub.token).apply((token) => dockerHubAuthConfig({ username: hub.username, token }))) : undefined,
        };
        this.provider = new docker.Provider(
            `${name}-docker`,
            {
                host: this.host,
                sshOpts: args.sshOpts && args.sshOpts.length > 0 ? args.sshOpts : undefined,
                registryAuth: registryAuth.length > 0 ? registryAuth : undefined,
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        const child = { parent: this, provider: this.provider };
        this.dataNetwork = new docker.Network(
            `${name}-data`,
            { name: networkName(args.environment, "data"), driver: "bridge", internal: args.dataNetworkInternal ?? true, labels: [envLabel(args.environment)] },
            child,
        );
        this.serviceNetwork = new docker.Network(
            `${name}-services`,
            { name: networkName(args.environment, "services"), driver: "bridge", labels: [envLabel(args.environment)] },
            child,
        );
        this.registerOutputs({ dataNetwork: this.dataNetwork.name, serviceNetwork: this.serviceNetwork.name });
    }

    /** Environment for a docker CLI step on this daemon (DOCKER_HOST, registry credentials, and `vars`). */
    cliEnvironment(vars?: pulumi.Input<Record<string, string>>): pulumi.Output<Record<string, string>> {
        return dockerCliEnvironment(this.cli, vars);
    }

    /** Options for a resource that lives on this daemon. */
    childOpts(parent: pulumi.Resource, extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        return { ...extra, parent, provider: this.provider };
    }

    /**
     * The image `ref`, pulled once per stack however many containers run it. A pinned ref changes
     * only when its config changes, so a version bump replaces exactly the containers that use it.
     */
    image(ref: string): docker.RemoteImage {
        let image = this.images.get(ref);
        if (!image) {
            image = new docker.RemoteImage(`image-${imageResourceName(ref)}`, { name: ref, keepLocally: true }, { parent: this, provider: this.provider });
            this.images.set(ref, image);
        }
        return image;
    }

    /**
     * Makes `dir` on the Docker host, with its owner and mode, once per stack: containers that
     * bind-mount it (or read it through a mount of `/`) depend on this. The host may be remote, so
     * it is made through the daemon, by a throwaway container of a busybox image already pulled for
     * the stack; only its parent, if missing, is the engine's (root-owned, as /var/lib should be).
     */
    hostDirectory(dir: HostDirectory): command.local.Command {
        let step = this.directories.get(dir.path);
        if (!step) {
            const [uid, gid] = dir.owner.split(":");
            const parent = posix.dirname(dir.path);
            const image = defaultImages.nodeExporter;
            step = new command.local.Command(
                `${this.hostName}-dir-${posix.basename(dir.path)}`,
                {
                    create: shellCommand([
                        "docker",
                        "run",
                        "--rm",
                        "--network",
                        "none",
                        "--user",
                        "0:0",
                        "--entrypoint",
                        "install",
                        "-v",
                        `${parent}:/host-parent`,
                        image,
                        "-d",
                        "-o",
                        uid,
                        "-g",
                        gid,
                        "-m",
                        dir.mode,
                        `/host-parent/${posix.basename(dir.path)}`,
                    ]),
                    environment: this.cliEnvironment(),
                },
                { parent: this, dependsOn: [this.image(image)] },
            );
            this.directories.set(dir.path, step);
        }
        return step;
    }
}

function envLabel(environment: string) {
    return { label: LABELS.environment, value: environment };
}

/** A resource name that stays stable and readable for an image reference. */
export function imageResourceName(ref: string): string {
    return ref.replace(/@sha256:([a-f0-9]{12})[a-f0-9]*/, "-$1").replace(/[^a-zA-Z0-9.-]+/g, "-");
}
