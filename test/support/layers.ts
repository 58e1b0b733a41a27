// The program's layers and which may import which. Each layer is a top-level folder: facts at the
// bottom import nothing of the program; config reads facts; renderers are pure (no Pulumi);
// components take typed args and never reach up into config reading or the stacks; stacks (and
// index.ts, the entry point) may use everything.

import * as fs from "fs";
import * as path from "path";

export type Layer = "facts" | "config" | "renderers" | "components" | "stacks";

/** Bottom first: the order the README's layer picture and docs/architecture.md draw. */
export const LAYERS: readonly Layer[] = ["facts", "config", "renderers", "components", "stacks"];

const ALLOWED: Record<Layer, readonly Layer[]> = {
    facts: ["facts"],
    config: ["facts", "config"],
    renderers: ["facts", "renderers"],
    components: ["facts", "renderers", "components"],
    stacks: ["facts", "config", "renderers", "components", "stacks"],
};

/** Layers that must not depend on Pulumi: they compute values and text, not resources. */
const PURE: readonly Layer[] = ["facts", "renderers"];

export function layerOf(file: string): Layer | undefined {
    if (file === "index.ts") return "stacks";
    const top = file.split("/")[0];
    return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

/** Relative and package imports of a TypeScript source. */
export function importsOf(source: string): string[] {
    const found: string[] = [];
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)) found.push(m[1]);
    for (const m of source.matchAll(/require\("([^"]+)"\)/g)) found.push(m[1]);
    return found;
}

/** The file a relative import names, as a key of `files`; undefined for packages. */
function resolve(from: string, spec: string, exists: (p: string) => boolean): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) if (exists(candidate)) return candidate;
    return base;
}

export interface Violation {
    file: string;
    imports: string;
    why: string;
}

/** Every import that crosses the layers the wrong way. `files` maps repo-relative paths to sources. */
export function layerViolations(files: Record<string, string>): Violation[] {
    const exists = (p: string) => p in files;
    const out: Violation[] = [];
    for (const [file, source] of Object.entries(files)) {
        const layer = layerOf(file);
        if (!layer) continue;
        for (const spec of importsOf(source)) {
            if (spec.startsWith("@pulumi/") && PURE.includes(layer)) {
                out.push({ file, imports: spec, why: `${layer} must not depend on Pulumi` });
                continue;
            }
            const target = resolve(file, spec, exists);
            if (target === undefined) continue;
            const targetLayer = layerOf(target);
            if (!targetLayer) out.push({ file, imports: spec, why: `the program imports only from its layers (${LAYERS.join(", ")}), not ${target}` });
            else if (!ALLOWED[layer].includes(targetLayer)) out.push({ file, imports: spec, why: `${layer} may not import ${targetLayer} (${target})` });
        }
    }
    return out;
}

/**
 * The policy pack (policy/, run by the engine beside the program): it may read the facts the
 * program agrees on (ports, images, names, what a credential looks like) and its own modules, and
 * nothing else of the program, so that what it checks cannot be shaped by what it checks.
 */
export const POLICY_PACK = "policy";
const PACK_MAY_IMPORT = ["facts", POLICY_PACK];

export function packViolations(files: Record<string, string>): Violation[] {
    const exists = (p: string) => p in files;
    const out: Violation[] = [];
    for (const [file, source] of Object.entries(files)) {
        if (!file.startsWith(`${POLICY_PACK}/`)) continue;
        for (const spec of importsOf(source)) {
            const target = resolve(file, spec, exists);
            if (target !== undefined && !PACK_MAY_IMPORT.includes(target.split("/")[0])) {
                out.push({ file, imports: spec, why: `the policy pack imports only facts/ and itself, not ${target}` });
            }
        }
    }
    return out;
}

/** Which program file imports which (relative imports only). */
export function importGraph(files: Record<string, string>): Map<string, Set<string>> {
    const exists = (p: string) => p in files;
    const graph = new Map<string, Set<string>>();
    for (const [file, source] of Object.entries(files)) {
        const targets = new Set<string>();
        for (const spec of importsOf(source)) {
            const target = resolve(file, spec, exists);
            if (target !== undefined && exists(target)) targets.add(target);
        }
        graph.set(file, targets);
    }
    return graph;
}

/** The same graph between folders: A → B when a file directly in A imports a file directly in B. */
export function folderGraph(files: Record<string, string>): Map<string, Set<string>> {
    const graph = new Map<string, Set<string>>();
    for (const [file, targets] of importGraph(files)) {
        const from = path.posix.dirname(file);
        if (!graph.has(from)) graph.set(from, new Set());
        for (const target of targets) {
            const to = path.posix.dirname(target);
            if (to !== from) graph.get(from)!.add(to);
        }
    }
    return graph;
}

/** Strongly connected groups of more than one node (Tarjan), each sorted: the import cycles. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string) => {
        index.set(node, index.size);
        low.set(node, index.get(node)!);
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node)!, low.get(next)!));
            } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
        }
        if (low.get(node) === index.get(node)) {
            const group: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                group.push(member);
            } while (member !== node);
            if (group.length > 1) found.push(group.sort());
        }
    };
    for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
    return found;
}

/** The program's sources as `layerViolations` reads them: index.ts, every layer's folder and the policy pack. */
export function programSources(root: string): Record<string, string> {
    const files: Record<string, string> = { "index.ts": fs.readFileSync(path.join(root, "index.ts"), "utf8") };
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) walk(rel);
            else if (rel.endsWith(".ts")) files[rel] = fs.readFileSync(path.join(root, rel), "utf8");
        }
    };
    for (const layer of [...LAYERS, POLICY_PACK]) walk(layer);
    return files;
}
