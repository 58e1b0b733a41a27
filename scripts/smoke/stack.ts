// Reads a stack's outputs with the Pulumi CLI. The JSON, secrets included, stays in this
// process's memory: it is parsed here and never written or printed. The stack's backend and
// passphrase come from the environment: run the checks through `scripts/stack.sh smoke`.
import { runProcess } from "./http";

export interface StackReading {
    outputs: Record<string, unknown>;
    /** The stack's `secrets` output: every generated credential. */
    secrets: Record<string, string>;
    /** minimarket:dockerHost, when the stack deploys to a remote daemon. */
    dockerHost?: string;
}

const PULUMI_TIMEOUT_MS = 120_000;

export async function readStack(stack: string, pulumi = "pulumi"): Promise<StackReading> {
    const run = (args: string[]) =>
        runProcess(pulumi, args, process.env, PULUMI_TIMEOUT_MS).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== "ENOENT") throw e;
            throw new Error(
                `the Pulumi CLI (${pulumi}) is not on PATH; install it (https://www.pulumi.com/docs/install/), then run the checks with \`scripts/stack.sh smoke\``,
            );
        });
    const out = await run(["stack", "output", "--stack", stack, "--json", "--show-secrets"]);
    // Pulumi's own stderr carries no secret values; stdout does, so it is never echoed.
    if (out.code !== 0) {
        // Without the entry point the CLI looks in the wrong backend, or cannot decrypt the secrets.
        const hint = process.env.MINIMARKET_STACK ? "" : "; run the checks with `scripts/stack.sh smoke`, which gives them the stack's backend and passphrase";
        throw new Error(`pulumi stack output --stack ${stack} failed (exit ${out.code}): ${out.stderr.trim().split("\n").slice(-1)[0] ?? ""}${hint}`);
    }
    let outputs: unknown;
    try {
        outputs = JSON.parse(out.stdout);
    } catch {
        throw new Error(`pulumi stack output --stack ${stack} did not print JSON`);
    }
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) throw new Error("stack outputs are not an object");
    const o = outputs as Record<string, unknown>;
    const secrets = o.secrets;
    if (typeof secrets !== "object" || secrets === null) throw new Error('stack output "secrets" is missing (was the stack deployed?)');
    const config = await run(["config", "get", "dockerHost", "--stack", stack]);
    const dockerHost = config.code === 0 && config.stdout.trim() !== "" ? config.stdout.trim() : undefined;
    return { outputs: o, secrets: secrets as Record<string, string>, dockerHost };
}
