// Shell quoting for the commands the program runs (release steps, gates, host scripts). Pure.

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
