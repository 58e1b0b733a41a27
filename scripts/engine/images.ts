// Builds the images of the engine tests on the engine at DOCKER_HOST: nothing is pulled. A base
// from Debian 13's packages (debootstrap into a folder, then `docker import`), then one image per
// pinned image of facts/images.ts, built from test/engine/images/<key>/ and tagged with the exact
// reference the program declares (`postgres:17.11-bookworm`, `prom/prometheus:v3.5.5`, …), so the
// program's own image lookups and `docker run <ref>` steps find them. A reference with a digest
// cannot be produced; it is tagged without the digest (scripts/engine/imageSet.ts buildTag).
// Where `npm run upstream-tools` exists (issue 24, items 1-2), its binaries go into the images;
// otherwise Debian's packages do, and the table printed at the end says which.
//
//   npx ts-node --transpile-only scripts/engine/images.ts [--only key,key]
//   … --prepare    only the base image and cAdvisor's binary (they need no upstream tool)
import { spawnSync, SpawnSyncOptions } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultImages } from "../../facts/images";
import { BASE_IMAGE, BASE_PACKAGES, BASE_SUITE, buildTag, IMAGE_DIR, NOT_ON_THE_ENGINE, TEST_APP_IMAGE, UPSTREAM_BINARIES } from "./imageSet";

const root = path.join(__dirname, "..", "..");
const cacheDir = process.env.MINIMARKET_ENGINE_CACHE ?? path.join(process.env.MINIMARKET_ENGINE_DIR ?? "/var/tmp/minimarket-engine", "cache");

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts });
    if (r.status !== 0) {
        throw new Error(
            `${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${String(r.stderr ?? "").slice(-4000)}${String(r.stdout ?? "").slice(-2000)}`,
        );
    }
    return String(r.stdout ?? "");
}

function imageLabel(ref: string, label: string): string | undefined {
    const r = spawnSync("docker", ["image", "inspect", "--format", `{{index .Config.Labels "${label}"}}`, ref], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The base image: Debian 13 minbase plus what every role needs, cached as a tarball by its package list. */
function ensureBase(): void {
    const key = crypto
        .createHash("sha256")
        .update(`${BASE_SUITE}\n${BASE_PACKAGES.join(",")}`)
        .digest("hex")
        .slice(0, 12);
    if (imageLabel(BASE_IMAGE, "com.minimarket.engine.base") === key) return;
    fs.mkdirSync(cacheDir, { recursive: true });
    const tarball = path.join(cacheDir, `base-${BASE_SUITE}-${key}.tar`);
    if (!fs.existsSync(tarball)) {
        const rootfs = fs.mkdtempSync(path.join(cacheDir, "rootfs-"));
        const started = Date.now();
        console.log(`images: debootstrap ${BASE_SUITE} (${BASE_PACKAGES.join(", ")})`);
        try {
            run("debootstrap", ["--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, BASE_SUITE, rootfs, "http://deb.debian.org/debian"], {
                stdio: "ignore",
            });
            // The image's apt needs no downloaded lists of the build host; it runs `apt-get update` itself.
            run("sh", [
                "-c",
                `rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/* && tar -C "${rootfs}" -cf "${tarball}.part" . && mv "${tarball}.part" "${tarball}"`,
            ]);
        } finally {
            fs.rmSync(rootfs, { recursive: true, force: true });
        }
        console.log(`images: base rootfs in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    run("docker", [
        "import",
        "--change",
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--change",
        'CMD ["bash"]',
        "--change",
        `LABEL com.minimarket.engine.base=${key}`,
        tarball,
        BASE_IMAGE,
    ]);
}

/** `npm run upstream-tools` when this checkout has it: the path of each binary, or why not. */
function upstreamBinaries(names: string[]): { paths: Record<string, string>; note?: string } {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    if (!pkg.scripts["upstream-tools"]) return { paths: {}, note: "no `npm run upstream-tools` in this checkout" };
    run("npm", ["run", "-s", "upstream-tools"], { cwd: root, stdio: "inherit" });
    const paths: Record<string, string> = {};
    for (const name of names) {
        const r = spawnSync("npm", ["run", "-s", "upstream-tools", "--", "--print-path", name], { cwd: root, encoding: "utf8" });
        const p = r.stdout.trim().split("\n").pop() ?? "";
        // A Debian fallback of the host (/usr/bin/…) is not taken: the image installs Debian's package itself.
        if (r.status === 0 && p && fs.existsSync(p) && !p.startsWith("/usr/")) paths[name] = p;
    }
    return { paths };
}

/**
 * cAdvisor when `npm run upstream-tools` has none: its main package is in github.com/google/cadvisor/cmd,
 * which the Go module proxy does not serve, so scripts/engine/cadvisor wires the served library
 * modules (github.com/google/cadvisor and …/lib at the pinned version) as cmd/cadvisor.go does.
 */
function cadvisorFromLibrary(): string {
    const src = path.join(__dirname, "cadvisor");
    const out = path.join(cacheDir, "cadvisor", "cadvisor");
    const inputs = ["main.go", "go.mod", "go.sum"].map((f) => fs.statSync(path.join(src, f)).mtimeMs);
    if (fs.existsSync(out) && fs.statSync(out).mtimeMs > Math.max(...inputs)) return out;
    const started = Date.now();
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const env = {
        ...process.env,
        CGO_ENABLED: "0",
        GOFLAGS: "-mod=readonly",
        GOMODCACHE: path.join(cacheDir, "go", "mod"),
        GOCACHE: path.join(cacheDir, "go", "build"),
    };
    run("go", ["build", "-trimpath", "-o", out, "."], { cwd: src, env });
    console.log(`images: cAdvisor built from its library modules in ${Math.round((Date.now() - started) / 1000)} s`);
    return out;
}

interface Built {
    key: string;
    ref: string;
    binaries: string;
    seconds: number;
}

function buildOne(key: string, ref: string, upstream: Record<string, string>, buildArgs: string[] = [], extraFiles: Record<string, string> = {}): Built {
    const started = Date.now();
    const context = fs.mkdtempSync(path.join(os.tmpdir(), `engine-image-${key}-`));
    try {
        fs.cpSync(path.join(IMAGE_DIR, key), context, { recursive: true });
        fs.mkdirSync(path.join(context, "bin"), { recursive: true });
        const wanted = UPSTREAM_BINARIES[key] ?? [];
        const used = wanted.filter((name) => upstream[name]);
        for (const name of used) fs.copyFileSync(upstream[name], path.join(context, "bin", name));
        for (const [name, from] of Object.entries(extraFiles)) fs.copyFileSync(from, path.join(context, name));
        const tags = [ref, buildTag(ref)].filter((t, i, all) => all.indexOf(t) === i && !t.includes("@"));
        run("docker", ["build", "--quiet", ...tags.flatMap((t) => ["-t", t]), ...buildArgs.flatMap((a) => ["--build-arg", a]), context], {
            env: { ...process.env, DOCKER_BUILDKIT: "1" },
        });
        const from = (name: string) => (upstream[name]?.startsWith(cacheDir) ? "library build" : "upstream");
        const binaries =
            wanted.length === 0 ? "-" : used.length === wanted.length ? from(wanted[0]) : used.length === 0 ? "Debian" : `upstream: ${used.join(", ")}`;
        return { key, ref, binaries, seconds: Math.round((Date.now() - started) / 1000) };
    } finally {
        fs.rmSync(context, { recursive: true, force: true });
    }
}

function main(): void {
    if (!process.env.DOCKER_HOST) throw new Error("DOCKER_HOST is not set: start the engine first (scripts/engine/dockerd.sh start)");
    const onlyArg = process.argv.indexOf("--only");
    const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(",") : undefined;
    const started = Date.now();
    ensureBase();
    if (process.argv.includes("--prepare")) {
        cadvisorFromLibrary();
        console.log(`images: base and cAdvisor ready in ${Math.round((Date.now() - started) / 1000)} s`);
        return;
    }
    const pins = Object.entries(defaultImages).filter(([key]) => !(key in NOT_ON_THE_ENGINE) && (!only || only.includes(key)));
    const upstream = upstreamBinaries([...new Set(pins.flatMap(([key]) => UPSTREAM_BINARIES[key] ?? []))]);
    if (pins.some(([key]) => key === "cadvisor") && !upstream.paths.cadvisor) upstream.paths.cadvisor = cadvisorFromLibrary();
    const built: Built[] = [];
    for (const [key, ref] of pins) built.push(buildOne(key, ref, upstream.paths));
    if (!only || only.includes("app")) {
        built.push(
            buildOne("app", TEST_APP_IMAGE, {}, [`PYTHON_IMAGE=${buildTag(defaultImages.standIn)}`], {
                "standin.py": path.join(root, "components", "apps", "standin", "standin.py"),
            }),
        );
    }
    console.log(`images: ${built.length} built in ${Math.round((Date.now() - started) / 1000)} s${upstream.note ? ` (${upstream.note})` : ""}`);
    for (const b of built) console.log(`  ${b.key.padEnd(17)} ${b.ref.padEnd(56)} binaries: ${b.binaries.padEnd(9)} ${b.seconds} s`);
}

main();
