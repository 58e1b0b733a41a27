// The program's layers and which may import which. Facts sit at the bottom and import nothing of
// the program; config reads facts; renderers are pure (no Pulumi); components take typed args and
// never reach up into config reading or the stack wiring; the wiring (platforms, workloads) may
// use everything.

import * as fs from "fs";
import * as path from "path";

export type Layer = "facts" | "config" | "render" | "components" | "wiring";

const ALLOWED: Record<Layer, readonly Layer[]> = {
    facts: ["facts"],
    config: ["facts", "config"],
    render: ["facts", "render"],
    components: ["facts", "render", "components"],
    wiring: ["facts", "config", "render", "components", "wiring"],
};

/** Pure modules outside observability/render: they build text, not resources. */
const PURE = ["src/proxy/caddyfile.ts", "src/data/roleSql.ts", "src/data/backupRoleSql.ts", "src/data/redisServer.ts", "src/data/postgresServer.ts"];
/** Pure directories: deploy timing and the figures computed from declared resources. */
const PURE_DIRS = ["src/rollout/"];

export function layerOf(file: string): Layer | undefined {
    if (!file.startsWith("src/")) return undefined;
    if (file.startsWith("src/facts/")) return "facts";
    if (file.startsWith("src/config/")) return "config";
    if (file.startsWith("src/observability/render/") || PURE.includes(file) || PURE_DIRS.some((d) => file.startsWith(d))) return "render";
    if (/^src\/(platforms\/|workloads\.ts|outputs\.ts|deploy\.ts)/.test(file)) return "wiring";
    return "components";
}

/** Relative and package imports of a TypeScript source. */
export function importsOf(source: string): string[] {
    const found: string[] = [];
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)) found.push(m[1]);
    for (const m of source.matchAll(/require\("([^"]+)"\)/g)) found.push(m[1]);
    return found;
}

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
            if (spec.startsWith("@pulumi/") && (layer === "facts" || layer === "render")) {
                out.push({ file, imports: spec, why: `${layer} must not depend on Pulumi` });
                continue;
            }
            const target = resolve(file, spec, exists);
            const targetLayer = target && layerOf(target);
            if (target && !targetLayer && target.startsWith("src") === false && !target.startsWith("node_modules")) {
                out.push({ file, imports: spec, why: "the program must not import from outside src/" });
            } else if (targetLayer && !ALLOWED[layer].includes(targetLayer)) {
                out.push({ file, imports: spec, why: `${layer} may not import ${targetLayer} (${target})` });
            }
        }
    }
    return out;
}

/** The program's sources as `layerViolations` reads them. */
export function programSources(root: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) walk(rel);
            else if (rel.endsWith(".ts")) files[rel] = fs.readFileSync(path.join(root, rel), "utf8");
        }
    };
    walk("src");
    return files;
}
