// Where the upstream tools are, and which version each one is: a Go build is read from the build
// information in the binary itself, a Debian package from what the binary prints. Shared by
// `npm run upstream-tools` and the tests (test/support/tools.ts), so both find the same files.

import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readGoBuildInfo } from "./buildinfo";
import { DebianSource, GoRecipe, goRecipes, releaseOfModuleVersion, Tool, toolOf } from "./catalog";

/** `${XDG_CACHE_HOME:-$HOME/.cache}/minimarket-upstream`: module cache, build cache, binaries. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
    const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache");
    return path.join(base, "minimarket-upstream");
}

/** What identifies a build: a change to any of it builds again, into a directory of its own. */
export function recipeKey(recipe: GoRecipe): string {
    const identity = JSON.stringify([
        recipe.module,
        recipe.version,
        recipe.packages,
        recipe.tags,
        recipe.ldflags,
        ...(recipe.generated ? [recipe.generated] : []),
        ...(recipe.copyMain ? [recipe.copyMain] : []),
    ]);
    return crypto.createHash("sha256").update(identity).digest("hex").slice(0, 12);
}

/** The directory a recipe's binaries are built into. */
export function recipeDir(recipe: GoRecipe, root = cacheRoot()): string {
    const name = `${recipe.module.replace(/[^A-Za-z0-9.-]+/g, "_")}@${recipe.version}-${recipeKey(recipe)}`;
    return path.join(root, "bin", name);
}

export type Origin = "go" | "go-fallback" | "debian";

/** A binary the tests may run, and the version it is. */
export interface Located {
    binary: string;
    path: string;
    tool: Tool;
    origin: Origin;
    /** The release it is, as read from the binary (`v3.5.5`, `0.17.1`, `17.12`). */
    version: string;
}

export interface Missing {
    binary: string;
    tool?: Tool;
    /** Why, and the command that fixes it. */
    problem: string;
}

function fromRecipe(tool: Tool, binary: string, recipe: GoRecipe, origin: Origin, root: string): Located | string {
    const file = path.join(recipeDir(recipe, root), binary);
    if (!fs.existsSync(file)) return `${recipe.module}@${recipe.version} is not built (run: npm run upstream-tools)`;
    const info = readGoBuildInfo(file);
    const built = info?.modules[recipe.module];
    if (built !== recipe.version) return `${file} was built from ${recipe.module}@${built ?? "?"}, not ${recipe.version} (run: npm run upstream-tools)`;
    return { binary, path: file, tool, origin, version: releaseOfModuleVersion(recipe.module, built) };
}

/** The version a Debian binary reports, or why it cannot be used. */
export function debianVersion(source: DebianSource, binary: string): { version: string } | { problem: string } {
    const file = source.paths[binary];
    const install = `apt-get install -t trixie ${source.package}`;
    if (!fs.existsSync(file)) return { problem: `${file} is missing (Debian 13: ${install})` };
    // The version is the package's: ask its main binary (psql and initdb answer the same way).
    const main = Object.values(source.paths)[0];
    const r = spawnSync(main, source.versionArgs, { encoding: "utf8", timeout: 30_000 });
    const version = source.versionPattern.exec(`${r.stdout}${r.stderr}`)?.[1];
    if (!version) return { problem: `${main} ${source.versionArgs.join(" ")} printed no version: ${(r.stdout + r.stderr).trim().slice(0, 200)}` };
    const line = source.line.split(".");
    if (version.split(".").slice(0, line.length).join(".") !== source.line) {
        return { problem: `${file} is ${version}, but docs/upstream-tools.md allows ${source.package} ${source.line}.x only (${install})` };
    }
    return { version };
}

/**
 * The binary of a pinned tool: the exact build, else the fallback its catalog entry names (and
 * docs/upstream-tools.md lists). Undefined for a binary no tool provides.
 */
export function locate(binary: string, root = cacheRoot()): Located | Missing | undefined {
    const tool = toolOf(binary);
    if (!tool) return undefined;
    if (tool.unavailable) return { binary, tool, problem: `${tool.name} cannot be run here: ${tool.unavailable}` };
    const problems: string[] = [];
    for (const recipe of goRecipes(tool)) {
        if (!recipe.packages[binary]) continue;
        const found = fromRecipe(tool, binary, recipe, recipe === tool.go ? "go" : "go-fallback", root);
        if (typeof found !== "string") return found;
        problems.push(found);
    }
    const source = tool.fallback?.source;
    if (source?.kind === "debian" && source.paths[binary]) {
        const v = debianVersion(source, binary);
        if ("version" in v) return { binary, path: source.paths[binary], tool, origin: "debian", version: v.version };
        problems.push(v.problem);
    }
    return { binary, tool, problem: `${binary} (${tool.name} ${tool.deployed}): ${problems.join("; ")}` };
}

export function isLocated(x: Located | Missing | undefined): x is Located {
    return x !== undefined && "path" in x;
}
