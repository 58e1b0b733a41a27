// The pull-request comment: summary first, failed previews, stateful replacements and deletions
// and policy findings at the top, then per stack one line per changed resource with its values old
// → new, the containers' environment changes and the diffs of the generated config files. Bounded
// in size: GitHub refuses comments over 65,536 characters.

import { ContainerEnv } from "./envDiff";
import { code, escapeHtml, fence } from "./markdown";
import { changedProperties, countChanges, ResourceChange } from "./previewJson";
import { FileDiff } from "./renderDiff";
import { failureBlocks, policyCell, policySection, StackFindings } from "./sections";

/** Hidden marker that finds this comment again, so it is updated in place. */
export const MARKER = "<!-- minimarket-preview-comment -->";
export const GITHUB_LIMIT = 65_536;
/** Headroom under GitHub's limit for the trim notes themselves. */
export const DEFAULT_BUDGET = 60_000;

/** A change with what a reviewer reads per property (values.ts); without it only the names show. */
export interface ShownChange extends ResourceChange {
    properties?: Array<{ key: string; forces: boolean; change: string }>;
}

export interface StackReport extends StackFindings {
    stack: string;
    changes: ShownChange[];
    env: ContainerEnv[];
    files: FileDiff[];
    /** Why the config files could not be compared, if they could not. */
    renderNote?: string;
}

export interface CommentInput {
    stacks: StackReport[];
    base?: string;
    /** How many policies the pack has (policy/policies.ts). */
    policyCount: number;
    /** True when fingerprints come from a one-off key (local runs without PREVIEW_FINGERPRINT_KEY). */
    oneOffKey?: boolean;
}

const STATEFUL_TYPES = new Set([
    "docker:index/volume:Volume",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:sql/database:Database",
    "gcp:sql/user:User",
    "gcp:compute/disk:Disk",
    "gcp:redis/instance:Instance",
]);
const DATA_COMPONENTS = new Set(["minimarket:data:PostgresContainer", "minimarket:data:RedisContainer"]);

/** Resources whose replacement or deletion loses data or takes the data tier down. */
export function isStateful(c: ResourceChange): boolean {
    if (STATEFUL_TYPES.has(c.type)) return true;
    if (c.type === "docker:index/container:Container" && c.parents.some((p) => DATA_COMPONENTS.has(p))) return true;
    return Boolean(c.oldState?.protect || c.newState?.protect);
}

export function flagged(c: ResourceChange): boolean {
    return (c.change === "replace" || c.change === "delete") && isStateful(c);
}

const COLLAPSE_OVER = 30;

const VERB: Record<ResourceChange["change"], string> = { create: "create", update: "update in place", replace: "**replace**", delete: "**delete**" };

function cause(c: ShownChange): string {
    const forcing = new Set(c.replaceReasons);
    const props = c.properties ?? changedProperties(c).map((key) => ({ key, forces: forcing.has(key), change: "" }));
    if (props.length === 0) return "";
    const text = (p: { key: string; forces: boolean; change: string }) => {
        // "(see below)" and "(forces replacement)" read as one note.
        if (p.forces && p.change.startsWith("(")) return `\`${p.key}\` (forces replacement; ${p.change.slice(1)}`;
        return `\`${p.key}\`${p.change ? ` ${p.change}` : ""}${p.forces ? " (forces replacement)" : ""}`;
    };
    return ": " + props.map(text).join(", ");
}

export function resourceLine(c: ShownChange): string {
    return `- ${VERB[c.change]} \`${escapeHtml(c.name)}\` <sub>${escapeHtml(c.type)}</sub>${cause(c)}`;
}

function envLines(e: ContainerEnv): string[] {
    const head = `**${escapeHtml(e.container)}**`;
    if (e.status === "unknown") return [`${head}: environment recomputed at deploy (it depends on a value known only then, e.g. a regenerated secret)`];
    if (e.status === "masked") return [`${head}: \`envs\` changes; values not available (run with the state export and plan, see docs/ci.md)`];
    const rows = e.variables.map((v) => {
        if (v.secret) {
            const what = v.change === "removed" ? "secret removed" : `secret ${v.change}, new value fingerprint <code>${v.fingerprint}</code>`;
            return `| \`${v.name}\` | ${what} |`;
        }
        const o = v.old === undefined ? "(unset)" : code(v.old);
        const n = v.new === undefined ? "(unset)" : code(v.new);
        return `| \`${v.name}\` | ${o} → ${n} |`;
    });
    return [head, "", "| variable | change |", "|---|---|", ...rows];
}

/** A part of the comment that may be shortened: head and tail stay, lines are cut. */
interface Part {
    head: string[];
    lines: string[];
    tail: string[];
}

function fileParts(files: FileDiff[]): Part[] {
    return files.map((f) => {
        const body = fence(f.patch, "diff").split("\n");
        return {
            head: [`<details><summary><code>${escapeHtml(f.path)}</code> ${f.status} (+${f.added} −${f.removed})</summary>`, "", body[0]],
            lines: body.slice(1, -1),
            tail: [body[body.length - 1], "", "</details>"],
        };
    });
}

function stackParts(s: StackReport): Part[] {
    if (s.failure) return [{ head: [`### ${escapeHtml(s.stack)}`, "", "Not previewed: the preview failed (above).", ""], lines: [], tail: [] }];
    const lines = s.changes.length ? s.changes.map(resourceLine) : ["No resource changes."];
    // A long list is collapsed; the summary table and the flagged resources above still show it all.
    const collapse = lines.length > COLLAPSE_OVER;
    const parts: Part[] = [
        {
            head: [`### ${escapeHtml(s.stack)}`, "", ...(collapse ? [`<details><summary>${lines.length} changed resources</summary>`, ""] : [])],
            lines,
            tail: collapse ? ["", "</details>", ""] : [""],
        },
    ];
    if (s.env.length) parts.push({ head: ["#### Container environment", ""], lines: s.env.flatMap((e) => [...envLines(e), ""]), tail: [] });
    if (s.files.length || s.renderNote) {
        const note = s.renderNote ? [`Config files not compared: ${escapeHtml(s.renderNote)}`, ""] : [];
        parts.push({ head: ["#### Generated config files", "", ...note], lines: [], tail: [] }, ...fileParts(s.files));
    }
    return parts;
}

function summary(input: CommentInput): string[] {
    const lines = ["## Pulumi preview", "", "| stack | create | update | replace | delete | policies |", "|---|---:|---:|---:|---:|---|"];
    for (const s of input.stacks) {
        const c = countChanges(s.changes);
        const counts = s.failure ? "**preview failed** | | | " : `${c.create} | ${c.update} | ${c.replace} | ${c.delete}`;
        lines.push(`| ${escapeHtml(s.stack)} | ${counts} | ${policyCell(s, input.policyCount)} |`);
    }
    lines.push(...failureBlocks(input.stacks));
    const danger = input.stacks.flatMap((s) => s.changes.filter(flagged).map((c) => ({ stack: s.stack, c })));
    if (danger.length) {
        lines.push("", "> [!CAUTION]", "> **Stateful resources replaced or deleted** (data or the data tier is affected):");
        for (const { stack, c } of danger) lines.push(`> - ${escapeHtml(stack)}: ${resourceLine(c).slice(2)}`);
    }
    return lines;
}

export function hasChanges(input: CommentInput): boolean {
    return input.stacks.some((s) => s.changes.length > 0 || s.files.length > 0 || s.env.length > 0);
}

/** What the publisher needs besides the body: whether to post a comment where there is none yet. */
export interface CommentResult {
    body: string;
    hasChanges: boolean;
    /** A stack's preview failed. */
    failed: boolean;
    /** Policy violations over all stacks. */
    violations: number;
}

const TRIM_NOTE =
    "_… trimmed to fit GitHub's comment size limit: {n} more lines. Run `npm run preview-comment` locally for the whole preview (see docs/ci.md)._";

/** Builds the comment; the summary, failures, flagged resources and policy findings are always kept whole. */
export function buildComment(input: CommentInput, budget = DEFAULT_BUDGET): CommentResult {
    const changed = hasChanges(input);
    const failed = input.stacks.some((s) => s.failure !== undefined);
    const violations = input.stacks.reduce((n, s) => n + s.policy.violations.length, 0);
    const out: string[] = [MARKER, ...summary(input), "", ...policySection(input.stacks, input.policyCount)];
    if (!changed && !failed) {
        out.push(`No changes: no resource, container environment or generated config file differs${input.base ? ` from \`${escapeHtml(input.base)}\`` : ""}.`);
        return { body: out.join("\n") + "\n", hasChanges: false, failed, violations };
    }
    const footer = [
        "",
        "---",
        `<sub>Base: <code>${escapeHtml(input.base ?? "?")}</code>. Secrets are shown by name with an HMAC fingerprint of the new value${input.oneOffKey ? " (one-off key: compare fingerprints within this comment only)" : ""}, never by value.</sub>`,
    ];
    let size = out.join("\n").length + footer.join("\n").length + 2;
    const parts = input.stacks.flatMap(stackParts);
    let omitted = 0;
    for (const p of parts) {
        const whole = [...p.head, ...p.lines, ...p.tail];
        const wholeSize = whole.join("\n").length + 1;
        if (size + wholeSize <= budget) {
            out.push(...whole);
            size += wholeSize;
            continue;
        }
        // Keep as many lines as fit, with a visible note, and close any open block.
        const fixed = [...p.head, ...p.tail, TRIM_NOTE].join("\n").length + 16;
        let kept = 0;
        let used = size + fixed;
        while (kept < p.lines.length && used + p.lines[kept].length + 1 <= budget) used += p.lines[kept++].length + 1;
        if (p.head.length && size + fixed > budget) {
            omitted += p.lines.length + p.head.length;
            continue;
        }
        const note = TRIM_NOTE.replace("{n}", String(p.lines.length - kept));
        const trimmed = [...p.head, ...p.lines.slice(0, kept), ...p.tail, note, ""];
        out.push(...trimmed);
        size += trimmed.join("\n").length + 1;
    }
    if (omitted) out.push(TRIM_NOTE.replace("{n}", String(omitted)), "");
    out.push(...footer);
    return { body: out.join("\n") + "\n", hasChanges: changed, failed, violations };
}
