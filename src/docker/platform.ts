import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, networkName } from "../facts/endpoints";

export interface DockerPlatformArgs {
    environment: string;
    /** Docker daemon address (`ssh://user@host`, `tcp://…`); undefined means the local daemon. */
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
    /** The daemon address for the docker CLI of release steps (undefined: local daemon). */
    readonly host?: pulumi.Input<string>;
    private readonly images = new Map<string, docker.RemoteImage>();

    constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:platform:DockerPlatform", name, {}, opts);
        this.environment = args.environment;
        this.host = args.host;
        this.provider = new docker.Provider(
            `${name}-docker`,
            {
                host: args.host,
                sshOpts: args.sshOpts && args.sshOpts.length > 0 ? args.sshOpts : undefined,
                registryAuth: args.registryAuth,
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
}

function envLabel(environment: string) {
    return { label: LABELS.environment, value: environment };
}

/** A resource name that stays stable and readable for an image reference. */
export function imageResourceName(ref: string): string {
    return ref.replace(/@sha256:([a-f0-9]{12})[a-f0-9]*/, "-$1").replace(/[^a-zA-Z0-9.-]+/g, "-");
}
