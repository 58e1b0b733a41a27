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

/**
 * Environment for the `docker` CLI of a release step: the same daemon as the provider. Values of
 * variables are passed through the environment (`-e NAME` without a value), never on the command
 * line, so they stay out of process lists, logs and the command text in state.
 */
export function dockerCliEnvironment(
    host: pulumi.Input<string> | undefined,
    vars: pulumi.Input<Record<string, string>> = {},
): pulumi.Output<Record<string, string>> {
    return pulumi.all([host, vars]).apply(([h, v]): Record<string, string> => (h ? { ...v, DOCKER_HOST: h } : { ...v }));
}
