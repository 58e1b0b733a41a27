import * as pulumi from "@pulumi/pulumi";

/** Quotes one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export function shellCommand(args: string[]): string {
    return args.map(shellQuote).join(" ");
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
