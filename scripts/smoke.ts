// npm run smoke -- --stack <name> [--timeout <s>] [--interval <s>] [--logs-window 24h] [--recent-window 5m]
//
// Checks a deployed stack from the outside and from inside its Docker network: app health,
// Prometheus targets and rules, Alertmanager receivers, Grafana login and dashboards, logs in
// Loki, and the URLs people use. One line per check; exit 1 when any check failed, 2 when the
// stack could not be read. Secrets are read from the stack into memory and never printed.
import * as fs from "fs";
import { allChecks, CheckContext } from "./smoke/checks";
import { endpointsFromOutputs } from "./smoke/endpoints";
import { expectedFacts } from "./smoke/expected";
import { dockerGet, publicGet } from "./smoke/http";
import { annotations, markdownSummary, redactor, reportLines, runChecks } from "./smoke/report";
import { readStack } from "./smoke/stack";

/** Grafana's admin user: the program leaves GF_SECURITY_ADMIN_USER at its default. */
const GRAFANA_ADMIN_USER = "admin";

interface Args {
    stack: string;
    timeoutSeconds: number;
    intervalSeconds: number;
    logsWindow: string;
    recentWindow: string;
}

const USAGE = "usage: npm run smoke -- --stack <name> [--timeout <seconds>] [--interval <seconds>] [--logs-window 24h] [--recent-window 5m]";

export function parseArgs(argv: string[]): Args {
    const args: Args = { stack: "", timeoutSeconds: 90, intervalSeconds: 3, logsWindow: "24h", recentWindow: "5m" };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
            return v;
        };
        const seconds = (v: string) => {
            const n = Number(v);
            if (!Number.isFinite(n) || n <= 0) throw new Error(`not a number of seconds: ${v}`);
            return n;
        };
        const duration = (v: string) => {
            if (!/^[0-9]+[smhd]$/.test(v)) throw new Error(`not a LogQL duration (e.g. 5m, 24h): ${v}`);
            return v;
        };
        switch (argv[i]) {
            case "--stack":
                args.stack = value();
                break;
            case "--timeout":
                args.timeoutSeconds = seconds(value());
                break;
            case "--interval":
                args.intervalSeconds = seconds(value());
                break;
            case "--logs-window":
                args.logsWindow = duration(value());
                break;
            case "--recent-window":
                args.recentWindow = duration(value());
                break;
            default:
                throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    if (!args.stack) throw new Error("--stack is required");
    return args;
}

async function main(): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        console.error(`smoke: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    let context: CheckContext;
    let redact: (s: string) => string;
    try {
        const stack = await readStack(args.stack, process.env.PULUMI_CLI ?? "pulumi");
        redact = redactor(Object.values(stack.secrets).filter((v): v is string => typeof v === "string"));
        const endpoints = endpointsFromOutputs(stack.outputs, stack.dockerHost);
        const password = stack.secrets.grafanaAdminPassword;
        if (typeof password !== "string") throw new Error("the stack's secrets have no grafanaAdminPassword");
        // An explicit DOCKER_HOST (e.g. set by the workflow) wins over the stack's setting.
        const probe = { image: endpoints.probeImage, dockerHost: process.env.DOCKER_HOST || endpoints.dockerHost };
        context = {
            endpoints,
            expected: expectedFacts(),
            internal: dockerGet({ ...probe, network: endpoints.serviceNetwork }),
            publicGet: (url) => publicGet(url, probe),
            grafanaAdmin: { user: GRAFANA_ADMIN_USER, password },
            notificationsOn: typeof stack.outputs.notifications === "string" && stack.outputs.notifications.startsWith("on"),
            logsWindow: args.logsWindow,
            recentWindow: args.recentWindow,
        };
    } catch (e) {
        console.error(`smoke: cannot read stack ${args.stack}: ${(e as Error).message}`);
        return 2;
    }
    const checks = allChecks(context);
    console.log(
        `smoke: ${checks.length} checks on stack ${args.stack} (network ${context.endpoints.serviceNetwork}), each retried for up to ${args.timeoutSeconds}s`,
    );
    const outcomes = await runChecks(checks, { timeoutMs: args.timeoutSeconds * 1000, intervalMs: args.intervalSeconds * 1000 });
    for (const line of reportLines(outcomes, redact)) console.log(line);
    if (process.env.GITHUB_ACTIONS === "true") for (const line of annotations(outcomes, redact)) console.log(line);
    if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdownSummary(args.stack, outcomes, redact));
    return outcomes.every((o) => o.ok) ? 0 : 1;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e) => {
            console.error(`smoke: ${(e as Error).message}`);
            process.exit(2);
        },
    );
}
