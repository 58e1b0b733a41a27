// Redis answers only with a password: it holds sessions and caches the apps trust, and an open
// Redis also lets anyone who reaches it write files on its host (CONFIG SET dir).

import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { ENDPOINTS } from "../facts/endpoints";
import { CONTAINER, containerView, finding, known, knownItems, MEMORYSTORE, Props } from "./resources";

/** `--requirepass <value>` in a command line (one argument or inside an `sh -c` script), or undefined. */
export function requirepassArgument(command: string[]): string | undefined {
    // Stryker disable next-line EqualityOperator: command[command.length] is undefined, neither the flag nor a script.
    for (let i = 0; i < command.length; i++) {
        if (command[i] === "--requirepass") return command[i + 1] ?? "";
        const inScript = /--requirepass\s+("[^"]*"|'[^']*'|\S+)/.exec(command[i]);
        if (inScript) return inScript[1].replace(/^["']|["']$/g, "");
    }
    return undefined;
}

/** The variable a `$NAME` or `${NAME}` argument refers to. */
function referencedVariable(argument: string): string | undefined {
    return /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(argument)?.[1];
}

function isRedis(props: Props, args: ResourceValidationArgs, command: string[]): boolean {
    return containerView(props, args.urn).service === ENDPOINTS.redis.host || command.some((c) => /\bredis-server\b/.test(c));
}

function checkContainer(props: Props, args: ResourceValidationArgs, report: ReportViolation): void {
    const command = knownItems(
        () => props.command,
        (c) => c as string,
    );
    if (!isRedis(props, args, command)) return;
    const argument = requirepassArgument(command);
    // Stryker disable next-line ConditionalExpression: undefined reads as the text "undefined", which is no `$NAME` either.
    const variable = argument === undefined ? undefined : referencedVariable(argument);
    const env = knownItems(
        () => props.envs,
        (e) => e as string,
    );
    const value = variable === undefined ? argument : env.find((e) => e.startsWith(`${variable}=`))?.slice(variable.length + 1);
    // The environment holds generated passwords that are not known during a preview: checked at `up`.
    if (variable !== undefined && known(() => props.envs) === undefined) return;
    if (value) return;
    const what =
        argument === undefined
            ? "starts without `--requirepass`"
            : variable
              ? `takes its password from \`$${variable}\`, which is empty or unset`
              : "has an empty `--requirepass`";
    report(
        finding(
            `\`${args.name}\` ${what}`,
            "an open Redis lets anyone on its network read and change the apps' sessions and caches, and write files on its host through CONFIG SET",
            'start it with `--requirepass "$REDIS_PASSWORD"` and the generated password in its secret env, as components/data/redis.ts does',
        ),
    );
}

export const redisRequiresPassword: ResourceValidationPolicy = {
    name: "redis-requires-password",
    description: "Every Redis requires a password (the container's --requirepass, Memorystore's AUTH)",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type === CONTAINER) return checkContainer(args.props, args, report);
        // Stryker disable next-line StringLiteral: the reason is shown nowhere (the engine counts not-applicable, evaluate.ts skips).
        if (args.type !== MEMORYSTORE) return args.notApplicable("Policy only applies to Redis containers and Memorystore");
        if (known(() => args.props.authEnabled) === true) return;
        report(
            finding(
                `Memorystore \`${args.name}\` has AUTH off`,
                "any client in the VPC could read and change the apps' sessions and caches",
                "set `authEnabled: true` (components/gcp/memorystore.ts)",
            ),
        );
    },
};
