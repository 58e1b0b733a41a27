import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { conventionalArgs, envList, healthGate, onNetwork, replaceInPlace } from "../docker/container";
import { PROBE_TIMING } from "../../renderers/rollout/health";
import { DockerPlatform } from "../docker/platform";
import { ENDPOINTS, LABELS, VOLUMES, volumeName } from "../../facts/endpoints";
import { RedisConnection } from "./connections";
import { redisCommand, redisHealthcheck } from "../../renderers/data/redisServer";

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
    readonly connection: RedisConnection;

    constructor(name: string, args: RedisContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:data:RedisContainer", name, {}, opts);
        const { platform } = args;
        const env = platform.environment;

        this.volume = new docker.Volume(
            `${name}-data`,
            { name: volumeName(env, VOLUMES.redis), labels: [{ label: LABELS.environment, value: env }] },
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
                networksAdvanced: [onNetwork(platform.dataNetwork, ENDPOINTS.redis.host)],
                ...healthGate(redisHealthcheck(), PROBE_TIMING.redis),
            },
            platform.childOpts(this, { ...replaceInPlace, dependsOn: [this.volume] }),
        );
        this.connection = { ...ENDPOINTS.redis, password: args.password, ready: [this.container] };
        this.registerOutputs({ container: this.container.name, volume: this.volume.name });
    }
}
