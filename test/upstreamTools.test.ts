// `npm run upstream-tools` and the catalog it builds from: the versions come from the pins (a bump
// rebuilds), the binaries the tests run are the deployed versions (read from each binary), and
// every stand-in is one docs/upstream-tools.md lists.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { defaultImages } from "../facts/images";
import { parseModuleInfo, readGoBuildInfo } from "../scripts/upstream/buildinfo";
import { binariesOf, pinnedVersion, prometheusModuleVersion, releaseOfModuleVersion, tools } from "../scripts/upstream/catalog";
import { goBinaryName } from "../scripts/upstream/build";
import { cacheRoot, Located, locate, recipeDir } from "../scripts/upstream/locate";
import { sameVersion } from "../scripts/upstream/table";
import { makeTempDir } from "./support/processes";
import { admit, documentedExceptions, ofLine, requireBinaries, UPSTREAM_BINARIES } from "./support/tools";

const REPO = path.join(__dirname, "..");
const DOCS = fs.readFileSync(path.join(REPO, "docs", "upstream-tools.md"), "utf8");
const tool = (name: string) => tools().find((t) => t.name === name)!;

/** A file holding Go build information as the linker lays it out (src/debug/buildinfo/buildinfo.go). */
function fakeGoBinary(goVersion: string, modinfo: string): Buffer {
    const varString = (s: Buffer) => {
        const bytes: number[] = [];
        let n = s.length;
        while (n >= 0x80) {
            bytes.push((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        bytes.push(n);
        return Buffer.concat([Buffer.from(bytes), s]);
    };
    const header = Buffer.alloc(32);
    header.write("\xff Go buildinf:", 0, "latin1");
    header[14] = 8;
    header[15] = 0x2;
    const sentinel = Buffer.alloc(16, 0xa5);
    const mod = Buffer.concat([sentinel, Buffer.from(modinfo), sentinel]);
    // A stray copy of the magic off the 16-byte boundary, as debug/buildinfo's own string would be.
    const stray = Buffer.from("ELF..\xff Go buildinf:", "latin1");
    const before = Buffer.concat([stray, Buffer.alloc(64 - stray.length)]);
    return Buffer.concat([before, header, varString(Buffer.from(goVersion)), varString(mod), Buffer.alloc(40)]);
}

describe("upstream tools: versions come from the pins", () => {
    it("maps Prometheus 3.y.z to its module version v0.3yy.z and back", () => {
        expect(prometheusModuleVersion("v3.5.5")).to.equal("v0.305.5");
        expect(prometheusModuleVersion("v3.10.0")).to.equal("v0.310.0");
        expect(() => prometheusModuleVersion("3.5")).to.throw(/minor < 100/);
        expect(releaseOfModuleVersion("github.com/prometheus/prometheus", "v0.305.5")).to.equal("v3.5.5");
        expect(releaseOfModuleVersion("github.com/prometheus/prometheus", "v0.310.12")).to.equal("v3.10.12");
        expect(releaseOfModuleVersion("github.com/prometheus/alertmanager", "v0.34.0")).to.equal("v0.34.0");
    });

    it("reads a pin's version without its distribution suffix", () => {
        expect(pinnedVersion("postgres:17.11-bookworm")).to.equal("17.11");
        expect(pinnedVersion("ghcr.io/google/cadvisor:v0.60.5")).to.equal("v0.60.5");
        expect(pinnedVersion("caddy:2.11.4")).to.equal("2.11.4");
        expect(() => pinnedVersion("caddy")).to.throw(/no tag/);
    });

    it("builds each tool from its image pin (or, for Pulumi, the SDK's version) and writes no version of its own", () => {
        const pins: Record<string, string> = {
            prometheus: defaultImages.prometheus,
            alertmanager: defaultImages.alertmanager,
            caddy: defaultImages.caddy,
            node_exporter: defaultImages.nodeExporter,
            postgres_exporter: defaultImages.postgresExporter,
            redis_exporter: defaultImages.redisExporter,
            cadvisor: defaultImages.cadvisor,
            postgresql: defaultImages.postgres,
            redis: defaultImages.redis,
        };
        for (const [name, image] of Object.entries(pins)) expect(tool(name).deployed, name).to.equal(pinnedVersion(image));
        expect(tool("prometheus").go!.version).to.equal(prometheusModuleVersion(pinnedVersion(defaultImages.prometheus)));
        expect(tool("pulumi").go!.version).to.equal(`v${require("../package.json").dependencies["@pulumi/pulumi"]}`);
        // No second list: no pinned version is written in the catalog.
        const catalog = fs.readFileSync(path.join(REPO, "scripts", "upstream", "catalog.ts"), "utf8");
        for (const t of tools()) {
            expect(catalog.includes(t.deployed.replace(/^v/, "")), `${t.name} ${t.deployed} written in catalog.ts`).to.equal(false);
            if (t.go) expect(catalog.includes(t.go.version), `${t.go.version} written in catalog.ts`).to.equal(false);
        }
    });

    it("builds a bumped pin into a directory of its own, so the next run builds it", () => {
        const recipe = tool("alertmanager").go!;
        const bumped = { ...recipe, version: "v0.34.1" };
        expect(recipeDir(bumped, "/c")).not.to.equal(recipeDir(recipe, "/c"));
        expect(recipeDir({ ...recipe, tags: [] }, "/c"), "a recipe change rebuilds too").not.to.equal(recipeDir(recipe, "/c"));
        expect(recipeDir(recipe, "/c")).to.match(/^\/c\/bin\/github\.com_prometheus_alertmanager@v0\.34\.0-[0-9a-f]{12}$/);
    });

    it("keeps its caches outside the repository, under XDG_CACHE_HOME or ~/.cache", () => {
        expect(cacheRoot({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).to.equal("/x/cache/minimarket-upstream");
        expect(cacheRoot({ HOME: "/home/u" })).to.equal("/home/u/.cache/minimarket-upstream");
        expect(cacheRoot({ XDG_CACHE_HOME: "", HOME: "/home/u" })).to.equal("/home/u/.cache/minimarket-upstream");
    });

    it("names the binary go build writes for a main package, skipping a major-version suffix", () => {
        expect(goBinaryName("github.com/prometheus/prometheus/cmd/promtool")).to.equal("promtool");
        expect(goBinaryName("github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3")).to.equal("pulumi-language-nodejs");
        expect(goBinaryName("github.com/oliver006/redis_exporter")).to.equal("redis_exporter");
    });
});

describe("upstream tools: what a binary is", () => {
    it("reads Go build information from the binary itself", () => {
        const dir = makeTempDir("buildinfo");
        try {
            const file = path.join(dir, "promtool");
            const modinfo = [
                "path\tgithub.com/prometheus/prometheus/cmd/promtool",
                "mod\tgithub.com/prometheus/prometheus\tv0.305.5\th1:abc=",
                "dep\tgithub.com/fsnotify/fsnotify\tv1.8.0\th1:x=",
                "=>\tgithub.com/fsnotify/fsnotify\tv1.7.0\th1:y=",
                "build\t-tags=netgo",
                "build\tCGO_ENABLED=0",
                "",
            ].join("\n");
            fs.writeFileSync(file, fakeGoBinary("go1.26.8", modinfo));
            expect(readGoBuildInfo(file)).to.deep.equal({
                goVersion: "go1.26.8",
                path: "github.com/prometheus/prometheus/cmd/promtool",
                modules: { "github.com/prometheus/prometheus": "v0.305.5", "github.com/fsnotify/fsnotify": "v1.7.0" },
                settings: { "-tags": "netgo", CGO_ENABLED: "0" },
            });
            fs.writeFileSync(file, "#!/bin/sh\necho not go\n");
            expect(readGoBuildInfo(file)).to.equal(undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a build of another version than the pin, naming both and the fix", () => {
        const root = makeTempDir("upstream-root");
        try {
            expect(locate("promtool", root)).to.deep.include({ binary: "promtool" });
            expect((locate("promtool", root) as { problem: string }).problem).to.include("is not built (run: npm run upstream-tools)");
            const dir = recipeDir(tool("prometheus").go!, root);
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, "promtool"), fakeGoBinary("go1.26.8", "mod\tgithub.com/prometheus/prometheus\tv0.305.4\th1:a=\n"));
            expect((locate("promtool", root) as { problem: string }).problem).to.include("built from github.com/prometheus/prometheus@v0.305.4, not v0.305.5");
            fs.writeFileSync(path.join(dir, "promtool"), fakeGoBinary("go1.26.8", "mod\tgithub.com/prometheus/prometheus\tv0.305.5\th1:a=\n"));
            expect(locate("promtool", root)).to.deep.include({ path: path.join(dir, "promtool"), origin: "go", version: "v3.5.5" });
            expect(locate("no-such-tool", root)).to.equal(undefined);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("admits a stand-in only when docs/upstream-tools.md lists its tool and line", () => {
        const standIn = { binary: "redis-server", path: "/usr/bin/redis-server", tool: tool("redis"), origin: "debian", version: "8.0.2" } as Located;
        expect(admit(standIn, new Map([["redis", "8.0.x"]]))).to.equal(standIn);
        expect(admit(standIn, new Map([["redis", "7.4.x"]]))).to.match(
            /is redis 8\.0\.2, not the deployed 7\.4\.\d+, and docs\/upstream-tools\.md lists no such exception/,
        );
        expect(admit(standIn, new Map())).to.be.a("string");
        const exact = { ...standIn, origin: "go" } as Located;
        expect(admit(exact, new Map()), "an exact build needs no exception").to.equal(exact);
        expect(ofLine("0.17.1", "0.17.x")).to.equal(true);
        expect(ofLine("0.170.1", "0.17.x")).to.equal(false);
        expect(ofLine("v3.68.0", "v3.68.0")).to.equal(true);
        expect(ofLine("v3.68.1", "v3.68.0")).to.equal(false);
    });
});

describe("docs/upstream-tools.md", () => {
    it("has a row for every tool, and lists exactly the tools whose tests run something else", () => {
        for (const t of tools()) expect(DOCS, t.name).to.match(new RegExp(`^\\| \`${t.name}\``, "m"));
        const exceptions = documentedExceptions(DOCS);
        const standIns = tools().filter((t) => t.fallback);
        expect([...exceptions.keys()].sort()).to.deep.equal(standIns.map((t) => t.name).sort());
        for (const t of standIns) {
            const source = t.fallback!.source;
            const line = source.kind === "debian" ? `${source.line}.x` : source.recipe.version;
            expect(exceptions.get(t.name), t.name).to.equal(line);
            const what = source.kind === "debian" ? source.package : source.recipe.module;
            expect(DOCS, `${t.name}: names ${what}`).to.match(new RegExp(`^\\| \`${t.name}\` .*${what.replace(/[./]/g, "\\$&")}`, "m"));
        }
        for (const t of tools().filter((x) => x.unavailable)) expect(DOCS.split("## Not run")[1], t.name).to.include(`| \`${t.name}\` |`);
    });

    it("is linked from the CI and architecture docs", () => {
        for (const doc of ["ci.md", "architecture.md"]) expect(fs.readFileSync(path.join(REPO, "docs", doc), "utf8"), doc).to.include("upstream-tools.md");
    });
});

describe("upstream tools: the tests run the deployed versions", function () {
    this.timeout(120_000);
    const SAME = ["prometheus", "alertmanager", "caddy", "node_exporter", "redis_exporter"];

    it("the table shows deployed = tested for Prometheus, Alertmanager, Caddy and the exporters built here", function () {
        requireBinaries(
            this,
            SAME.flatMap((n) => binariesOf(tool(n))),
        );
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/upstream-tools.ts", "--table"], {
            cwd: REPO,
            encoding: "utf8",
            timeout: 90_000,
        });
        const lines = r.stdout.split("\n");
        for (const name of SAME) {
            const row = lines.find((l) => l.startsWith(`${name} `));
            expect(row, name).to.match(new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)\\s+=\\s+go build `));
            const [, deployed, tested] = row!.split(/\s+/);
            expect(sameVersion(deployed, tested), row).to.equal(true);
            expect(deployed).to.equal(tool(name).deployed);
        }
        // The stand-ins say so.
        expect(lines.find((l) => l.startsWith("postgres_exporter "))).to.match(/≠\s+Debian 13 prometheus-postgres-exporter: /);
        expect(lines.find((l) => l.startsWith("cadvisor "))).to.match(/-\s+≠\s+not run: /);
    });

    it("each binary reports the deployed version itself", function () {
        const bins = requireBinaries(this, ["prometheus", "promtool", "alertmanager", "amtool", "caddy", "node_exporter", "redis_exporter", "pulumi"]);
        const version = (bin: string, args: string[]) => {
            const r = spawnSync(bins[bin], args, { encoding: "utf8", timeout: 30_000 });
            return `${r.stdout}${r.stderr}`;
        };
        const bare = (v: string) => v.replace(/^v/, "");
        expect(version("prometheus", ["--version"])).to.include(`prometheus, version ${bare(tool("prometheus").deployed)} `);
        expect(version("promtool", ["--version"])).to.include(`promtool, version ${bare(tool("prometheus").deployed)} `);
        expect(version("alertmanager", ["--version"])).to.include(`alertmanager, version ${bare(tool("alertmanager").deployed)} `);
        expect(version("amtool", ["--version"])).to.include(`amtool, version ${bare(tool("alertmanager").deployed)} `);
        expect(version("caddy", ["version"])).to.match(new RegExp(`^v${bare(tool("caddy").deployed).replace(/\./g, "\\.")} `));
        expect(version("node_exporter", ["--version"])).to.include(`node_exporter, version ${bare(tool("node_exporter").deployed)} `);
        expect(version("redis_exporter", ["--version"])).to.include(`Redis Metrics Exporter ${tool("redis_exporter").deployed} `);
        expect(version("pulumi", ["version"]).trim()).to.equal(tool("pulumi").deployed);
    });

    it("PostgreSQL, Redis and postgres_exporter are Debian 13's, of the listed lines", function () {
        const bins = requireBinaries(this, ["postgres", "redis-server", "postgres_exporter"]);
        expect(bins.postgres).to.equal(`/usr/lib/postgresql/${tool("postgresql").deployed.split(".")[0]}/bin/postgres`);
        expect(bins["redis-server"]).to.equal("/usr/bin/redis-server");
        expect(bins.postgres_exporter).to.match(/^(\/usr\/bin\/prometheus-postgres-exporter|.*\/bin\/github\.com_prometheus-community_postgres_exporter@.*)$/);
    });

    it("knows every binary a test asks for by name", () => {
        expect(UPSTREAM_BINARIES).to.include.members([
            "prometheus",
            "promtool",
            "alertmanager",
            "amtool",
            "caddy",
            "postgres",
            "psql",
            "redis-server",
            "pulumi",
        ]);
        expect(parseModuleInfo("go1", "mod\ta\tv1\n").modules).to.deep.equal({ a: "v1" });
    });
});
