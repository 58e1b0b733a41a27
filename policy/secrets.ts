// Credentials travel only in variables named as credentials, and never in the places that show
// them to anyone on the host: labels, command lines, health checks, names.
//
// What a policy cannot see: whether a value was wrapped in pulumi.secret. The engine hands
// policies every secret decrypted and unmarked (@pulumi/policy v1.21.0 deserialize.ts
// deserializeProperty with proxySecrets=false, as server.ts makeAnalyzeRpcFun and
// makeAnalyzeStackRpcFun call it), so the marking is checked where it is visible: on the masking of
// the preview itself (scripts/preview/plainCredentials.ts, shown in the pull-request comment and
// by `npm run policy`). This policy checks the values: a generated secret (every
// random.RandomPassword's `result`), a URL with a password or a private key, wherever it must not be.

import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { isCredentialVar, looksLikeCredential } from "../facts/credentials";
import { COMMAND, CONTAINER, finding, known, knownItems, Props, RANDOM_PASSWORD } from "./resources";

/** Shorter values are not searched for inside other values: too many false alarms, and generated ones are long. */
const MIN_SECRET_LENGTH = 8;

/** Container properties that carry credentials by design: the environment, and the config files it is given. */
const CONTAINER_CREDENTIAL_PLACES = ["envs", "uploads"];
/** Command properties that do: the environment and stdin. Everything else (`create`, `triggers`) shows in logs and `ps`. */
const COMMAND_CREDENTIAL_PLACES = ["environment", "stdin"];

/** Every known string leaf of `value` with its path, e.g. `healthcheck.tests[2]`. */
function leaves(value: unknown, path: string, out: Array<[string, string]>): void {
    const v = known(() => value);
    if (typeof v === "string") {
        out.push([path, v]);
        return;
    }
    if (Array.isArray(v)) {
        // Stryker disable next-line EqualityOperator: v[v.length] is undefined, which has no leaves.
        for (let i = 0; i < v.length; i++)
            leaves(
                known(() => v[i]),
                `${path}[${i}]`,
                out,
            );
        return;
    }
    // Stryker disable next-line ConditionalExpression: a number or boolean has no keys, so it has no leaves either way.
    if (typeof v === "object" && v !== null)
        for (const k of Object.keys(v))
            leaves(
                known(() => (v as Props)[k]),
                path ? `${path}.${k}` : k,
                out,
            );
}

/** `NAME=value` strings (docker `envs`) or a map (command `environment`) as [name, value] pairs. */
function variables(value: unknown): Array<[string, string]> {
    // Stryker disable next-line ArrayDeclaration: a seeded string destructures to the pair ["S", "t"], no credential name or value.
    const pairs: Array<[string, string]> = [];
    const v = known(() => value);
    if (Array.isArray(v)) {
        for (const item of knownItems(
            () => v,
            (x) => x as string,
        )) {
            const i = item.indexOf("=");
            if (i > 0) pairs.push([item.slice(0, i), item.slice(i + 1)]);
        }
    } else if (typeof v === "object" && v !== null) {
        for (const k of Object.keys(v)) {
            const x = known(() => (v as Props)[k]);
            if (typeof x === "string") pairs.push([k, x]);
        }
    }
    return pairs;
}

/** The generated secrets of the stack, and the values of every variable named as a credential. */
function secretValues(resources: PolicyResource[]): string[] {
    const found = new Set<string>();
    for (const r of resources) {
        if (r.type === RANDOM_PASSWORD) {
            const result = known(() => r.props.result);
            if (typeof result === "string") found.add(result);
        }
        const env = r.type === CONTAINER ? r.props.envs : r.type === COMMAND ? r.props.environment : undefined;
        for (const [name, value] of variables(env)) if (isCredentialVar(name)) found.add(value);
    }
    return [...found].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

function holdsCredential(value: string, secrets: string[]): boolean {
    return looksLikeCredential(value) || secrets.some((s) => value.includes(s));
}

function checkResource(r: PolicyResource, secrets: string[], report: ReportViolation): void {
    const places = r.type === CONTAINER ? CONTAINER_CREDENTIAL_PLACES : COMMAND_CREDENTIAL_PLACES;
    // Stryker disable next-line ArrayDeclaration: a seeded string destructures to the value "t", shorter than any secret looked for.
    const exposed: Array<[string, string]> = [];
    for (const k of Object.keys(r.props))
        if (!places.includes(k))
            leaves(
                known(() => r.props[k]),
                k,
                exposed,
            );
    for (const [path] of exposed.filter(([, v]) => holdsCredential(v, secrets))) {
        report(
            finding(
                `\`${r.name}\` carries a credential in \`${path}\``,
                r.type === CONTAINER
                    ? "labels, commands, health checks and names are shown to anyone who runs `docker ps` or `docker inspect` on the host, and the program never marks them secret"
                    : "a command line shows in `ps`, in the deploy's log and in plain text in the stack's state",
                r.type === CONTAINER
                    ? "pass it as an environment variable named as a credential (`secretEnv`, or the component's secret env) and refer to it as `$NAME` where a command needs it"
                    : "pass it through the command's `environment` (secret) or `stdin`, and refer to it as `$NAME`",
            ),
            r.urn,
        );
    }
    const env = r.type === CONTAINER ? r.props.envs : r.props.environment;
    for (const [name, value] of variables(env)) {
        if (isCredentialVar(name) || !holdsCredential(value, secrets)) continue;
        report(
            finding(
                `\`${r.name}\` passes a credential in the variable \`${name}\`, whose name does not say so`,
                "what goes by names shows it in plain text: the pull-request comment prints plain variables old → new, the config schema lets it be set without `--secret`, and apps log their plain settings",
                "name the variable as a credential (`…_PASSWORD`, `…_TOKEN`, `…_KEY`, `DATABASE_URL`), or, for a fixed name an image reads, add the name to facts/credentials.ts",
            ),
            r.urn,
        );
    }
}

export const credentialsOnlyInSecretPlaces: StackValidationPolicy = {
    name: "credentials-only-in-secret-places",
    description: "Credentials travel only in variables named as credentials (container env, command environment or stdin), never in labels, commands or names",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const secrets = secretValues(args.resources);
        for (const r of args.resources) if (r.type === CONTAINER || r.type === COMMAND) checkResource(r, secrets, report);
    },
};
