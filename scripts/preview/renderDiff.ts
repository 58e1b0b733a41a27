// Unified diffs of every generated config file between the base revision and the head.
//
// The base is rendered with the base revision's own code (a detached `git worktree` of that commit,
// sharing this checkout's node_modules), so a change to a renderer shows up as a change to its output.
// `npm run render` replaces every secret by a visible placeholder, so no diff here holds a secret.

import { execFileSync } from "child_process";
import { createTwoFilesPatch } from "diff";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FileDiff {
    /** <container>/<path inside the container>, as `npm run render` lays them out. */
    path: string;
    status: "added" | "removed" | "changed";
    added: number;
    removed: number;
    /** Unified diff, without the "Index"/"====" preamble. */
    patch: string;
}

export interface RenderResult {
    dir: string;
    /** Why nothing could be rendered (e.g. the base has no such stack); undefined when it worked. */
    failure?: string;
}

function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    const out: string[] = [];
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) walk(r);
            else if (e.isFile()) out.push(r);
        }
    };
    walk("");
    return out.sort();
}

function countLines(patch: string): { added: number; removed: number } {
    let added = 0;
    let removed = 0;
    for (const line of patch.split("\n")) {
        if (line.startsWith("+") && !line.startsWith("+++")) added++;
        else if (line.startsWith("-") && !line.startsWith("---")) removed++;
    }
    return { added, removed };
}

/** Every file that differs between two rendered trees, sorted by path. */
export function diffTrees(baseDir: string, headDir: string): FileDiff[] {
    const base = new Set(listFiles(baseDir));
    const head = new Set(listFiles(headDir));
    const diffs: FileDiff[] = [];
    for (const file of [...new Set([...base, ...head])].sort()) {
        const oldText = base.has(file) ? fs.readFileSync(path.join(baseDir, file), "utf8") : "";
        const newText = head.has(file) ? fs.readFileSync(path.join(headDir, file), "utf8") : "";
        if (base.has(file) && head.has(file) && oldText === newText) continue;
        const raw = createTwoFilesPatch(
            base.has(file) ? `a/${file}` : "/dev/null",
            head.has(file) ? `b/${file}` : "/dev/null",
            oldText,
            newText,
            undefined,
            undefined,
            { context: 3 },
        );
        const patch = raw.replace(/^=+\n/, "").trimEnd();
        const status = !base.has(file) ? "added" : !head.has(file) ? "removed" : "changed";
        diffs.push({ path: file, status, patch, ...countLines(patch) });
    }
    return diffs;
}

function git(repoDir: string, args: string[]): string {
    return execFileSync("git", ["-C", repoDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs the checkout's own `npm run render`; a failure is reported, not thrown (the base may predate a stack). */
export function renderCheckout(checkoutDir: string, stack: string, outDir: string): RenderResult {
    fs.mkdirSync(outDir, { recursive: true });
    try {
        execFileSync("npm", ["run", "--silent", "render", "--", "--stack", stack, "--out", outDir], {
            cwd: checkoutDir,
            stdio: ["ignore", "ignore", "pipe"],
            encoding: "utf8",
            timeout: 300_000,
        });
        return { dir: outDir };
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        const why = (err.stderr ?? "").trim().split("\n").slice(-3).join(" ") || err.message;
        return { dir: outDir, failure: why };
    }
}

/**
 * Renders `stack` as revision `rev` of the repository at `repoDir` had it: a detached worktree of
 * that commit with this checkout's node_modules linked in, removed afterwards.
 */
export function renderRevision(repoDir: string, rev: string, stack: string, outDir: string): RenderResult {
    const commit = git(repoDir, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]).trim();
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "preview-base-"));
    git(repoDir, ["worktree", "add", "--detach", "--quiet", tree, commit]);
    try {
        const modules = path.join(repoDir, "node_modules");
        if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(tree, "node_modules"), "dir");
        return renderCheckout(tree, stack, outDir);
    } finally {
        // Unlink first so nothing can follow the link into the shared node_modules.
        fs.rmSync(path.join(tree, "node_modules"), { force: true });
        git(repoDir, ["worktree", "remove", "--force", tree]);
        fs.rmSync(tree, { recursive: true, force: true });
    }
}
