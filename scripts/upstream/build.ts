// Builds a Go recipe the way its project builds a release: `go build` of the published module at
// the pinned version, from a small module of our own that requires it (so the upstream go.mod's
// replace directives can be carried over; `go install pkg@version` refuses modules that have
// them). Module and build caches live in the cache root, never in the repository. The binaries
// are built into a temporary directory and renamed into place, so two runs at once cannot leave
// half a build behind.

import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readGoBuildInfo } from "./buildinfo";
import { GoRecipe } from "./catalog";
import { recipeDir } from "./locate";

/** The `go` to build with: $GO, then PATH, then the tarball's default location. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const candidates = [env.GO, ...(env.PATH ?? "").split(path.delimiter).map((d) => d && path.join(d, "go")), "/usr/local/go/bin/go"];
    return candidates.find((c): c is string => !!c && fs.existsSync(c) && fs.statSync(c).isFile());
}

/** The environment of every go command: our caches, no toolchain download, no cgo (as the releases). */
export function goEnv(root: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
        ...env,
        GOMODCACHE: path.join(root, "gomod"),
        GOCACHE: path.join(root, "gobuild"),
        GOPATH: path.join(root, "gopath"),
        GOFLAGS: "-mod=mod -buildvcs=false",
        GOTOOLCHAIN: "local",
        CGO_ENABLED: "0",
        GOWORK: "off",
    };
}

export interface GoRun {
    code: number;
    output: string;
}

function runGo(go: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: fs.WriteStream): Promise<GoRun> {
    return new Promise((resolve, reject) => {
        log.write(`$ go ${args.join(" ")}\n`);
        const child = spawn(go, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        const collect = (chunk: Buffer) => {
            output += chunk.toString();
            log.write(chunk);
        };
        child.stdout.on("data", collect);
        child.stderr.on("data", collect);
        child.once("error", reject);
        child.once("close", (code) => resolve({ code: code ?? 1, output }));
    });
}

/** The parts of an upstream go.mod a wrapper needs: its go version and its replace directives. */
interface UpstreamGoMod {
    Go: string;
    Replace?: Array<{ Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }>;
}

/** Why a build did not happen: the module cannot be had, or the build itself failed. */
export class BuildError extends Error {
    constructor(
        message: string,
        readonly unavailable: boolean,
    ) {
        super(message);
    }
}

/** The first line of the go command's complaint, e.g. `... 403 Forbidden ... not available`. */
function firstProblem(output: string): string {
    const lines = output.split("\n").filter((l) => l.trim() && !l.startsWith("go: downloading"));
    return lines.slice(0, 3).join(" ").replace(/\s+/g, " ").trim();
}

/** The file `go build -o dir/` writes for a main package: its last path element, a major-version suffix skipped. */
export function goBinaryName(pkg: string): string {
    const parts = pkg.split("/");
    const last = parts[parts.length - 1];
    return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2] : last;
}

/**
 * Writes the wrapper module: requires the upstream at the version, with its replace directives.
 * Returns the upstream module's directory in the module cache.
 */
async function writeWrapper(go: string, recipe: GoRecipe, dir: string, env: NodeJS.ProcessEnv, log: fs.WriteStream): Promise<string> {
    const download = await runGo(go, ["mod", "download", "-json", `${recipe.module}@${recipe.version}`], dir, env, log);
    let downloaded: { GoMod?: string; Dir?: string; Error?: string } = {};
    try {
        downloaded = JSON.parse(download.output.slice(download.output.indexOf("{")));
    } catch {
        downloaded = { Error: firstProblem(download.output) };
    }
    if (download.code !== 0 || !downloaded.GoMod || !downloaded.Dir) {
        const why = (downloaded.Error ?? firstProblem(download.output)).replace(/\s+/g, " ");
        throw new BuildError(`${recipe.module}@${recipe.version} cannot be downloaded: ${why}`, true);
    }
    const parsed = spawnSync(go, ["mod", "edit", "-json", downloaded.GoMod], { env, encoding: "utf8" });
    if (parsed.status !== 0) throw new BuildError(`cannot read ${downloaded.GoMod}: ${parsed.stderr}`, false);
    const upstream = JSON.parse(parsed.stdout) as UpstreamGoMod;
    const lines = [
        `module minimarket.local/upstream-tools/${Object.keys(recipe.packages)[0]}`,
        "",
        `go ${upstream.Go}`,
        "",
        `require ${recipe.module} ${recipe.version}`,
    ];
    for (const r of upstream.Replace ?? []) {
        const old = r.Old.Version ? `${r.Old.Path} ${r.Old.Version}` : r.Old.Path;
        // A directory replacement points at a sibling module of the same repository: its published
        // release at the same tag is what the project's own build uses.
        if (r.New.Path.startsWith(".") || r.New.Path.startsWith("/")) lines.push(`require ${r.Old.Path} ${recipe.version}`);
        else lines.push(`replace ${old} => ${r.New.Path} ${r.New.Version}`);
    }
    fs.writeFileSync(path.join(dir, "go.mod"), `${lines.join("\n")}\n`);
    return downloaded.Dir;
}

/**
 * For a recipe whose module lacks files its release build generates first (a web UI embedded with
 * go:embed): vendors the build's packages into the wrapper module and writes, where each generated
 * file belongs, a page saying it is not part of this build. (`go build -overlay` may not replace
 * files in the module cache; the vendor directory is ours.) Returns the extra `go build` flags.
 */
async function vendorWithGenerated(go: string, recipe: GoRecipe, dir: string, env: NodeJS.ProcessEnv, log: fs.WriteStream): Promise<string[]> {
    const entries = Object.entries(recipe.generated ?? {});
    if (entries.length === 0) return [];
    // The tools.go pattern: imports of the main packages, only so that `go mod vendor` copies them.
    const imports = Object.values(recipe.packages).map((p) => `import _ "${p}"`);
    fs.writeFileSync(path.join(dir, "tools.go"), `//go:build tools\n\npackage tools\n\n${imports.join("\n")}\n`);
    for (const args of [
        ["mod", "tidy", "-e"],
        ["mod", "vendor", "-e"],
    ]) {
        const r = await runGo(go, args, dir, env, log);
        if (r.code !== 0) throw new BuildError(`go ${args.join(" ")} failed: ${firstProblem(r.output)}`, false);
    }
    for (const [rel, why] of entries) {
        const file = path.join(dir, "vendor", recipe.module, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `<!DOCTYPE html>\n<title>not built</title>\n<p>${why}</p>\n`);
    }
    return ["-mod=vendor"];
}

/**
 * Builds `recipe` into its directory (recipeDir) unless a complete build is already there.
 * Returns whether it built. Throws BuildError, with the go command's output in `log`.
 */
export async function buildRecipe(go: string, recipe: GoRecipe, root: string, log: fs.WriteStream): Promise<boolean> {
    const target = recipeDir(recipe, root);
    if (isComplete(recipe, target)) return false;
    const env = goEnv(root);
    fs.mkdirSync(path.join(root, "work"), { recursive: true });
    const work = fs.mkdtempSync(path.join(root, "work", `${path.basename(recipe.module)}-`));
    try {
        const wrapper = path.join(work, "module");
        const out = path.join(work, "bin");
        fs.mkdirSync(wrapper);
        fs.mkdirSync(out);
        const moduleDir = await writeWrapper(go, recipe, wrapper, env, log);
        if (recipe.copyMain) fs.copyFileSync(path.join(moduleDir, recipe.copyMain), path.join(wrapper, "main.go"));
        const targets = recipe.copyMain ? ["."] : Object.values(recipe.packages);
        const args = [
            "build",
            "-trimpath",
            `-tags=${recipe.tags.join(",")}`,
            `-ldflags=${recipe.ldflags.join(" ")}`,
            ...(await vendorWithGenerated(go, recipe, wrapper, env, log)),
            "-o",
            recipe.copyMain ? path.join(out, Object.keys(recipe.packages)[0]) : `${out}/`,
            ...targets,
        ];
        const built = await runGo(go, args, wrapper, env, log);
        if (built.code !== 0) throw new BuildError(`go build failed: ${firstProblem(built.output)}`, false);
        for (const [binary, pkg] of Object.entries(recipe.packages)) {
            const produced = recipe.copyMain ? binary : goBinaryName(pkg);
            if (produced !== binary) fs.renameSync(path.join(out, produced), path.join(out, binary));
        }
        fs.writeFileSync(path.join(out, "recipe.json"), `${JSON.stringify(recipe, null, 2)}\n`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.rmSync(target, { recursive: true, force: true });
        try {
            fs.renameSync(out, target);
        } catch (e) {
            // Another run finished the same build first: its binaries are as good as ours.
            if (!isComplete(recipe, target)) throw e;
        }
        return true;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** A build is complete when every binary is there and says it was built from the recipe's module version. */
export function isComplete(recipe: GoRecipe, dir: string): boolean {
    return Object.keys(recipe.packages).every((binary) => {
        const file = path.join(dir, binary);
        return fs.existsSync(file) && readGoBuildInfo(file)?.modules[recipe.module] === recipe.version;
    });
}
