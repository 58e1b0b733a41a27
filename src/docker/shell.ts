import * as pulumi from "@pulumi/pulumi";

/** Quotes one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export function shellCommand(args: string[]): string {
    return args.map(shellQuote).join(" ");
}

/**
 * `docker run --rm --name <name> …` that can be run again after an interrupted attempt: a
 * container left under that name (an `up` killed mid-step never reaches `--rm`) would make the
 * next `docker run` fail on the name, so it is removed first. Not finding one is fine.
 */
export function dockerRunOnce(name: string, runArgs: string[]): string {
    return `${shellCommand(["docker", "rm", "-f", name])} >/dev/null 2>&1 || true; ${shellCommand(["docker", "run", "--rm", "--name", name, ...runArgs])}`;
}

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
