import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { RedisEndpoint } from "../apps/urls";
import { conventionalArgs, envList, onNetwork, replaceInPlace } from "../docker/container";
import { DockerPlatform } from "../docker/platform";
import { REDIS_PORT, redisCommand, redisHealthcheck } from "./redisServer";

export interface RedisContainerArgs {
    platform: DockerPlatform;
    image: string;
    memoryMb: number;
    password: pulumi.Output<string>;
}

/** Redis 7 with a required password and append-only persistence on a named volume; never published. */
export class RedisContainer extends pulumi.ComponentResource {
    readonly container: docker.Container;
    readonly volume: docker.Volume;
    readonly endpoint: RedisEndpoint = { host: "redis", port: REDIS_PORT };

    constructor(name: string, args: RedisContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:data:RedisContainer", name, {}, opts);
        const { platform } = args;
        const env = platform.environment;

        this.volume = new docker.Volume(
            `${name}-data`,
            { name: `minimarket-${env}-redisdata`, labels: [{ label: "com.minimarket.environment", value: env }] },
            platform.childOpts(this, { retainOnDelete: true }),
        );
        this.container = new docker.Container(
            name,
            {
                ...conventionalArgs({ environment: env, service: "redis", role: "data", memoryMb: args.memoryMb }),
                image: platform.image(args.image).imageId,
                command: redisCommand(),
                envs: pulumi.secret(args.password.apply((p) => envList({ REDIS_PASSWORD: p }))),
                volumes: [{ volumeName: this.volume.name, containerPath: "/data" }],
                networksAdvanced: [onNetwork(platform.dataNetwork, "redis")],
                healthcheck: { tests: redisHealthcheck(), interval: "10s", timeout: "5s", retries: 5, startPeriod: "10s" },
                wait: true,
                waitTimeout: 120,
            },
            platform.childOpts(this, { ...replaceInPlace, dependsOn: [this.volume] }),
        );
        this.registerOutputs({ container: this.container.name, volume: this.volume.name });
    }
}
