// Which Docker daemon a stack deploys to, named once for the provider and every docker CLI step,
// and the Docker Hub credentials both of them pull with.

/** What the docker provider uses when given no host (pulumi-docker provider/resources.go defaultDockerProviderHost). */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
const DAEMON_ADDRESS = /^(ssh|tcp|unix|npipe):\/\/\S+$/;

/**
 * The one daemon address of the stack: `dockerHost` from config, else DOCKER_HOST (which
 * scripts/stack.sh sets from `docker context inspect`, so Docker Desktop, rootless Docker and
 * Colima work), else the provider's default. The provider ignores the CLI's current context and
 * the CLI ignores the provider's settings, so both must be handed this same value.
 */
export function resolveDockerHost(configured: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
    if (configured) return configured;
    const fromEnv = env.DOCKER_HOST?.trim();
    if (!fromEnv) return DEFAULT_DOCKER_HOST;
    if (!DAEMON_ADDRESS.test(fromEnv)) {
        throw new Error(
            `DOCKER_HOST=${JSON.stringify(fromEnv)} is not a Docker daemon address (unix://, ssh://, tcp://, npipe://); fix or unset it, or set the stack's dockerHost`,
        );
    }
    return fromEnv;
}

/** The machine behind an `ssh://` or `tcp://` address, as people reach its published ports; undefined for a local socket. */
export function remoteHostName(host: string): string | undefined {
    const m = /^(?:ssh|tcp):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(host);
    return m ? m[1] : undefined;
}

/** `user@host` of an `ssh://` address (for an ssh tunnel hint), else undefined. */
export function sshDestination(host: string): string | undefined {
    const m = /^ssh:\/\/((?:[^@/]*@)?(?:\[[^\]]+\]|[^:/]+))/.exec(host);
    return m ? m[1] : undefined;
}

export interface DockerHubCredentials {
    username: string;
    /** An access token (Docker Hub account settings), not the account password. */
    token: string;
}

/**
 * Where each side looks Docker Hub credentials up: the provider by the registry of the image
 * reference, `registry-1.docker.io` for an image without one (kreuzwerker/terraform-provider-docker
 * v4.5.0 resource_docker_image_funcs.go parseImageOptions, pullImage); the CLI by its index key
 * (docker/cli internal/registry/config.go IndexServer).
 */
export const DOCKER_HUB = { providerAddress: "registry-1.docker.io", cliKey: "https://index.docker.io/v1/" } as const;

/**
 * The value of DOCKER_AUTH_CONFIG for the docker CLI: a config.json `auths` object the CLI reads
 * from the environment (docker/cli >= v28.3.0, cli/config/configfile/file.go GetCredentialsStore),
 * so the token needs no file and never appears on a command line.
 */
export function dockerHubAuthConfig(c: DockerHubCredentials): string {
    const auth = Buffer.from(`${c.username}:${c.token}`, "utf8").toString("base64");
    return JSON.stringify({ auths: { [DOCKER_HUB.cliKey]: { auth } } });
}
