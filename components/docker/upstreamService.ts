import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { conventionalArgs, envList, healthGate, onNetwork, replaceInPlace, Role } from "./container";
import { GATE_POLL_SECONDS, PROBE_TIMING, waitTimeoutSeconds } from "../../renderers/rollout/health";
import { DockerPlatform } from "./platform";
import { shellCommand, shellQuote } from "../../renderers/shell";
import { LABELS, volumeName } from "../../facts/endpoints";

export interface HostMount {
    hostPath: string;
    containerPath: string;
    readOnly: boolean;
    /**
     * Bind propagation: with `rslave`, file systems the host mounts or unmounts under hostPath later
     * show up (or go) in the container too. Such a mount goes in the provider's `mounts` block, the
     * one that carries `bind_options.propagation` (terraform-provider-docker v4.5.0
     * resource_docker_container.go:328-370); `volumes` cannot.
     */
    propagation?: "rslave";
}

export interface UpstreamServiceArgs {
    platform: DockerPlatform;
    /** DNS alias on its networks and `service` label. */
    service: string;
    role: Role;
    image: string;
    memoryMb: number;
    command?: string[];
    env?: Record<string, string>;
    /** Variables carrying credentials; the container's env is then secret as a whole. */
    secretEnv?: pulumi.Output<Record<string, string>>;
    /** Config files by absolute path in the container, delivered at create time (no image build). */
    files?: pulumi.Input<Record<string, string>>;
    /** Named volumes (kept across replacement and `pulumi destroy`) by mount path. */
    volumes?: Record<string, string>;
    mounts?: HostMount[];
    /** The data network too (exporters that reach PostgreSQL or Redis). */
    onDataNetwork?: boolean;
    /** Probe run inside the container; omit for images without a shell or client (scratch, distroless). */
    healthcheck?: string[];
    ports?: Array<{ internal: number; external: number; ip: string }>;
    privileged?: boolean;
    pidMode?: string;
    devices?: string[];
    user?: string;
    /** Size of /dev/shm in MB; Docker's default (64) when unset. */
    shmSizeMb?: number;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A pinned upstream image run with the program's conventions, its config delivered as files at
 * runtime. Components of the observability stack are each one of these.
 */
export class UpstreamService extends pulumi.ComponentResource {
    readonly container: docker.Container;
    readonly volumes: docker.Volume[] = [];

    constructor(type: string, name: string, args: UpstreamServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const { platform } = args;
        const env = platform.environment;

        const volumeMounts = Object.entries(args.volumes ?? {}).map(([containerPath, volume]) => {
            const resource = new docker.Volume(
                volume,
                { name: volumeName(env, volume), labels: [{ label: LABELS.environment, value: env }] },
                platform.childOpts(this, { retainOnDelete: true }),
            );
            this.volumes.push(resource);
            return { volumeName: resource.name, containerPath };
        });

        const plain = args.env ?? {};
        const envs = args.secretEnv ? pulumi.secret(args.secretEnv.apply((s) => envList({ ...plain, ...s }))) : envList(plain);
        const uploads = args.files
            ? pulumi.output(args.files).apply((files) =>
                  Object.keys(files)
                      .sort()
                      .map((file) => ({ file, content: files[file], permissions: "0644" })),
              )
            : undefined;

        const propagated = (args.mounts ?? [])
            .filter((m) => m.propagation)
            .map((m) => ({ type: "bind", source: m.hostPath, target: m.containerPath, readOnly: m.readOnly, bindOptions: { propagation: m.propagation } }));

        this.container = new docker.Container(
            name,
            {
                ...conventionalArgs({ environment: env, service: args.service, role: args.role, memoryMb: args.memoryMb }),
                image: platform.image(args.image).imageId,
                command: args.command,
                envs,
                uploads,
                volumes: [
                    ...volumeMounts,
                    ...(args.mounts ?? [])
                        .filter((m) => !m.propagation)
                        .map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: m.readOnly })),
                ],
                mounts: propagated.length ? propagated : undefined,
                networksAdvanced: [
                    onNetwork(platform.serviceNetwork, args.service),
                    ...(args.onDataNetwork ? [onNetwork(platform.dataNetwork, args.service)] : []),
                ],
                ports: args.ports ?? [],
                ...(args.healthcheck ? healthGate(args.healthcheck, PROBE_TIMING.upstream) : { wait: false, waitTimeout: 120 }),
                privileged: args.privileged,
                pidMode: args.pidMode,
                user: args.user,
                shmSize: args.shmSizeMb,
                devices: args.devices?.map((d) => ({ hostPath: d, containerPath: d })),
            },
            platform.childOpts(this, { ...replaceInPlace, dependsOn: [...(volumeMounts.length ? this.volumes : []), ...(args.dependsOn ?? [])] }),
        );
        this.registerOutputs({ container: this.container.name });
    }
}

/** `wget` probe of a URL, for images (busybox-based) that ship it; `wget` names it where it is not on PATH. */
export function httpProbe(url: string, wget = "wget"): string[] {
    return ["CMD", wget, "-q", "-O", "/dev/null", url];
}

/**
 * The probe loop of readinessGate, run as `sh -c <script> <url>`: until `url` answers (and, with
 * bodyContains, its body contains that fixed string), at most `attempts` times GATE_POLL_SECONDS apart.
 */
export function readinessScript(attempts: number, bodyContains?: string): string {
    const probe = bodyContains === undefined ? `wget -q -O /dev/null "$0"` : `wget -q -O - "$0" | grep -qF ${shellQuote(bodyContains)}`;
    const poll = GATE_POLL_SECONDS;
    return `for i in $(seq 1 ${attempts}); do ${probe} && exit 0; sleep ${poll}; done; echo "not ready after ${attempts * poll}s: $0" >&2; exit 1`;
}

/**
 * For images that cannot probe themselves (distroless): after the container starts, wait,
 * bounded, until `url` answers on the service network, using a busybox-based image already on
 * the host. The deploy fails if it never does.
 */
export function readinessGate(
    name: string,
    args: { platform: DockerPlatform; url: string; probeImage: string; container: docker.Container; attempts?: number; bodyContains?: string },
    parent: pulumi.Resource,
): command.local.Command {
    // Polled as often as the engine probes a starting container, for as long as a probed one may take.
    const attempts = args.attempts ?? Math.ceil(waitTimeoutSeconds(PROBE_TIMING.upstream) / GATE_POLL_SECONDS);
    const script = readinessScript(attempts, args.bodyContains);
    const image = args.platform.image(args.probeImage);
    return new command.local.Command(
        name,
        {
            create: args.platform.serviceNetwork.name.apply((network) =>
                shellCommand(["docker", "run", "--rm", "--network", network, "--entrypoint", "sh", args.probeImage, "-c", script, args.url]),
            ),
            environment: args.platform.cliEnvironment(),
            triggers: [args.container.id],
        },
        { parent, dependsOn: [args.container, image] },
    );
}
