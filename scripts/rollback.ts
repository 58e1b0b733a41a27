// scripts/stack.sh rollback <service>: puts a service back on the image it ran before, from the
// stack's own history, through config: the image the last successful update ran with, then the
// newest earlier successful update whose image differs. Sets services.<service>.image to it (or
// removes the setting when the stand-in ran then); scripts/stack.sh then runs `up`, whose preview
// shows the change. Nothing to edit by hand.
//
// `pulumi stack history --json` (pulumi/pulumi v3.248.0 pkg/cmd/pulumi/stack/stack_history.go,
// updateInfoJSON): newest first, each update with its kind, result and the config it ran with;
// a structured value such as minimarket:services has `value` (its JSON text) and `objectValue`.
import { serviceNames } from "../facts/services";
import { NAMESPACE } from "../config";
import { runProcess } from "./smoke/http";

export interface HistoryEntry {
    version: number;
    kind: string;
    result?: string;
    startTime?: string;
    config?: Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
}

/** The image a service ran with in one update; undefined: its demo stand-in. */
export function imageIn(entry: HistoryEntry, service: string): string | undefined {
    const services = entry.config?.[`${NAMESPACE}:services`];
    let value: unknown = services?.objectValue;
    if (value === undefined && services?.value !== undefined) {
        try {
            value = JSON.parse(services.value);
        } catch {
            value = undefined;
        }
    }
    const image = (value as Record<string, { image?: unknown }> | undefined)?.[service]?.image;
    return typeof image === "string" ? image : undefined;
}

export interface Rollback {
    from: string | undefined;
    to: string | undefined;
    /** The update that last ran `to`. */
    version: number;
    startTime?: string;
}

/** What the service runs now and what it ran before, or why there is nothing to go back to. */
export function previousImage(history: HistoryEntry[], service: string): Rollback | string {
    const updates = history.filter((h) => h.kind === "update" && h.result === "succeeded").sort((a, b) => b.version - a.version);
    if (updates.length === 0) return "the stack has no successful update yet, so there is nothing to go back to";
    const current = imageIn(updates[0], service);
    const earlier = updates.slice(1).find((u) => imageIn(u, service) !== current);
    if (!earlier)
        return `${service} has run ${current ?? "its demo stand-in"} in every update of the history read (${updates.length}); there is no earlier image`;
    return { from: current, to: imageIn(earlier, service), version: earlier.version, startTime: earlier.startTime };
}

const describe = (image: string | undefined) => image ?? "the demo stand-in";

async function main(argv: string[]): Promise<number> {
    const arg = (name: string) => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const stack = arg("--stack");
    const service = arg("--service");
    if (!stack || !service) {
        console.error("usage: scripts/stack.sh rollback <service> [up options]");
        return 2;
    }
    if (!(serviceNames as readonly string[]).includes(service)) {
        console.error(`rollback: unknown service ${service}; the services are ${serviceNames.join(", ")}`);
        return 2;
    }
    const pulumi = (args: string[]) => runProcess("pulumi", [...args, "--stack", stack], process.env, 120_000);
    const read = await pulumi(["stack", "history", "--json", "--page-size", "100"]);
    if (read.code !== 0) {
        console.error(`rollback: cannot read the history of ${stack}: ${read.stderr.trim().split("\n").slice(-1)[0] ?? ""}`);
        return 1;
    }
    const found = previousImage(JSON.parse(read.stdout) as HistoryEntry[], service);
    if (typeof found === "string") {
        console.error(`rollback: ${found}; nothing was changed`);
        return 1;
    }
    const key = `services.${service}.image`;
    const set = found.to === undefined ? await pulumi(["config", "rm", "--path", key]) : await pulumi(["config", "set", "--path", key, found.to]);
    if (set.code !== 0) {
        console.error(`rollback: could not set ${key}: ${set.stderr.trim()}`);
        return 1;
    }
    console.error(
        `rollback: ${service}: ${describe(found.from)} → ${describe(found.to)} (what update ${found.version}${found.startTime ? ` of ${found.startTime}` : ""} ran); ` +
            `set in the stack's config (${key}); now \`up\` deploys it`,
    );
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(`rollback: ${(e as Error).message}`);
            process.exit(1);
        },
    );
}
