// npm run policy -- --stack <name> [--json <file>]
//
// Runs the policy pack (policy/) over the program under mocks for one stack, with the committed
// Pulumi.<stack>.yaml, the way `pulumi preview --policy-pack policy` runs it beside the engine
// (scripts/policy/evaluate.ts says how the calls mirror the SDK's). Prints every violation
// (resource, policy, message) and exits 1 when one is mandatory; --json also writes them.

import * as fs from "fs";
import { policies } from "../policy/policies";
import { isSecretWrapper, ProgramRun, runProgram } from "../test/support/program";
import { evaluate, RecordedResource, urnOf, Violation } from "./policy/evaluate";
import { CREDENTIAL_PROPERTY, MARKING_CHECK, markingMessage, plainCredentialNames } from "./preview/plainCredentials";

const USAGE = "usage: npm run policy -- --stack <name> [--json <file>]";

export function parseArgs(argv: string[]): { stack: string; json?: string } {
    let stack: string | undefined;
    let json: string | undefined;
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value; ${USAGE}`);
        if (flag === "--stack" && stack === undefined) stack = value;
        else if (flag === "--stack") throw new Error(`--stack given twice (${stack}, ${value}); run once per stack`);
        else if (flag === "--json") json = value;
        else throw new Error(`unknown argument ${flag}; ${USAGE}`);
    }
    if (!stack) throw new Error(`--stack is required; ${USAGE}`);
    return { stack, json };
}

/** Resource name and type out of a URN, for the listing. */
function resourceOf(urn: string | undefined): string {
    if (!urn) return "(the stack)";
    const parts = urn.split("::");
    return `${parts[parts.length - 1]} (${parts[parts.length - 2].split("$").pop()})`;
}

export function formatViolations(stack: string, violations: Violation[]): string {
    const lines: string[] = [];
    for (const v of violations) {
        lines.push(`${v.level.toUpperCase()}  ${v.policy}  ${resourceOf(v.urn)}`);
        if (v.urn) lines.push(`    ${v.urn}`);
        for (const l of v.message.split("\n")) lines.push(`    ${l}`);
        lines.push("");
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    lines.push(
        `policy: ${stack}: ${mandatory} mandatory and ${violations.length - mandatory} advisory violations of ${policies.length} policies and the ${MARKING_CHECK} check`,
    );
    return lines.join("\n");
}

/**
 * Credentials the program passes without pulumi.secret, which no policy can see (policy/secrets.ts):
 * the mocks record a marked input wrapped in the secret signature, as the preview masks it.
 */
export function markingViolations(resources: RecordedResource[], stack: string): Violation[] {
    const found: Violation[] = [];
    for (const r of resources) {
        const property = CREDENTIAL_PROPERTY[r.type];
        const names = property ? plainCredentialNames(r.inputs[property], isSecretWrapper) : [];
        if (names.length)
            found.push({ policy: MARKING_CHECK, level: "mandatory", urn: urnOf(stack, "minimarket", r), message: markingMessage(r.name, property, names) });
    }
    return found;
}

/** The program under mocks for `stack`, evaluated by the pack and the secret-marking check. */
export async function checkStack(stack: string): Promise<{ run: ProgramRun; violations: Violation[] }> {
    const run = await runProgram({ stack });
    if (run.error) throw new Error(`the program failed under mocks for stack ${stack}: ${run.error.message}`);
    const resources = run.resources as RecordedResource[];
    return { run, violations: [...evaluate(policies, resources, stack), ...markingViolations(resources, stack)] };
}

export async function main(argv: string[]): Promise<number> {
    const opts = parseArgs(argv);
    const { run, violations } = await checkStack(opts.stack);
    console.log(`policy: ${opts.stack}: ${policies.length} policies over ${run.resources.length} resources (the program under mocks)\n`);
    console.log(formatViolations(opts.stack, violations));
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ stack: opts.stack, policies: policies.length, violations }, null, 2) + "\n");
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            console.error(`policy: ${e.message}`);
            process.exit(2);
        },
    );
}
