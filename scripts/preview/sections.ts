// The parts of the comment above the per-stack details: failed previews and policy findings.
// Both come before the changes: a reviewer must see first that a stack could not be previewed, or
// that a change breaks a rule the program keeps.

import { StackFailure } from "./failure";
import { code, escapeHtml, fence } from "./markdown";
import { parseUrn } from "./previewJson";
import { PolicyResult, PolicyViolation } from "./policyEvents";

export interface StackFindings {
    stack: string;
    failure?: StackFailure;
    policy: PolicyResult;
}

/** The summary table's policy cell of a stack. */
export function policyCell(s: StackFindings, policyCount: number): string {
    const mandatory = s.policy.violations.filter((v) => v.level === "mandatory").length;
    const advisory = s.policy.violations.length - mandatory;
    if (mandatory || advisory) return [mandatory ? `**${mandatory} mandatory**` : "", advisory ? `${advisory} advisory` : ""].filter(Boolean).join(", ");
    if (!s.policy.evaluated) return s.failure ? "not run" : "not run (no event log)";
    return `all ${policyCount} pass`;
}

/** The caution block of every stack whose preview failed: the step and its error lines. */
export function failureBlocks(stacks: StackFindings[]): string[] {
    const out: string[] = [];
    for (const s of stacks.filter((x) => x.failure)) {
        const f = s.failure!;
        out.push(
            "",
            "> [!CAUTION]",
            `> **${escapeHtml(s.stack)}: the preview failed** at ${code(f.step)}, so nothing below describes this stack's changes. The error:`,
            "",
            fence(f.lines.join("\n") || "(the step printed nothing)"),
        );
    }
    return out;
}

function resourceOf(urn: string | undefined): string {
    if (!urn) return "the stack";
    try {
        const u = parseUrn(urn);
        return `\`${escapeHtml(u.name)}\` <sub>${escapeHtml(u.type)}</sub>`;
    } catch {
        return code(urn);
    }
}

function violationLine(stack: string, v: PolicyViolation, many: boolean): string {
    const level = v.level === "mandatory" ? "**mandatory**" : "advisory";
    return `- ${level}${many ? ` · ${escapeHtml(stack)}` : ""} · \`${escapeHtml(v.policy)}\` · ${resourceOf(v.urn)}: ${escapeHtml(v.message)}`;
}

/**
 * The policy section: every violation, mandatory first, or one line saying all policies pass.
 * `policyCount` is the pack's size (policy/policies.ts); the secret-marking check runs on the
 * preview itself and is listed with them.
 */
export function policySection(stacks: StackFindings[], policyCount: number): string[] {
    const out = ["### Policies", ""];
    const many = stacks.length > 1;
    const all = stacks.flatMap((s) => s.policy.violations.map((v) => ({ stack: s.stack, v })));
    const ordered = [...all.filter((x) => x.v.level === "mandatory"), ...all.filter((x) => x.v.level !== "mandatory")];
    out.push(...ordered.map((x) => violationLine(x.stack, x.v, many)));
    const clean = stacks.filter((s) => s.policy.evaluated && s.policy.violations.length === 0).map((s) => escapeHtml(s.stack));
    const notRun = stacks.filter((s) => !s.policy.evaluated && s.policy.violations.length === 0).map((s) => escapeHtml(s.stack));
    if (ordered.length) out.push("");
    if (clean.length) out.push(`All ${policyCount} policies pass on ${clean.join(" and ")}.`);
    if (notRun.length) out.push(`Policies were not evaluated for ${notRun.join(" and ")} (the preview did not run the pack).`);
    out.push("", "<sub>The pack is `policy/` (docs/policies.md); `npm run policy -- --stack <name>` runs it locally.</sub>", "");
    return out;
}
