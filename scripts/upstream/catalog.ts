// The upstream tools the tests run, each at the version the program deploys. Versions are never
// written here: they come from the pins in facts/images.ts (and, for the Pulumi CLI, from the SDK
// in package.json), so a pin bump rebuilds the tool. Each Go recipe follows how the project builds
// its own release binary (the file is named in `upstreamBuild`); where a module cannot be had from
// the Go module proxy, `fallback` says what runs instead and why (docs/upstream-tools.md lists it).

import { defaultImages, parseImageRef } from "../../facts/images";
import packageJson from "../../package.json";

/** How the upstream project builds a release binary, reproduced with `go build` from its published module. */
export interface GoRecipe {
    module: string;
    /** The module version (Prometheus v3.y.z is module v0.3yy.z). */
    version: string;
    /** Binary name → main package. */
    packages: Record<string, string>;
    tags: string[];
    ldflags: string[];
    /** The upstream file these flags are read from, at this version. */
    upstreamBuild: string;
    /** What differs from the release build, if anything. */
    difference?: string;
    /**
     * The release build copies this main.go (module-relative) into a module of its own and builds
     * that, so the upstream module is a dependency (Caddy reads its version from there).
     */
    copyMain?: string;
    /**
     * Files the release build generates before compiling (web UIs built with npm) and the module
     * does not carry: module-relative path → why. The build vendors the module and puts a page
     * saying so in their place.
     */
    generated?: Record<string, string>;
}

/** A tool from Debian 13 (trixie), installed by .ci/run with `apt-get install -t trixie`. */
export interface DebianSource {
    kind: "debian";
    package: string;
    /** Binary name → absolute path it is installed at. */
    paths: Record<string, string>;
    /** The argument that prints the version, and how to read it. */
    versionArgs: string[];
    versionPattern: RegExp;
    /** The release line Debian 13 ships; the test fails if the installed one is another. */
    line: string;
}

/** An older published module of the same project, when the pinned version is not published. */
export interface GoFallback {
    kind: "go";
    recipe: GoRecipe;
}

export interface Tool {
    name: string;
    /** Where the deployed version is pinned. */
    pinnedIn: string;
    /** The version the program deploys, as the pin spells it. */
    deployed: string;
    /** The recipe that builds exactly the deployed version, if the project publishes it as a Go module. */
    go?: GoRecipe;
    /** What the tests run when `go` is absent or cannot be built here, and why. */
    fallback?: { source: DebianSource | GoFallback; reason: string };
    /** A tool no test can run: why. */
    unavailable?: string;
}

/** The version in an image pin, without a distribution suffix: `postgres:<x.y>-bookworm` → `<x.y>`. */
export function pinnedVersion(image: string): string {
    const tag = parseImageRef(image)?.tag;
    if (!tag) throw new Error(`${image}: the pin has no tag`);
    return tag.replace(/-(bookworm|trixie|bullseye|alpine[\d.]*|slim[\w-]*)$/, "");
}

/** Prometheus v3.y.z is published as module version v0.3yy.z (v3.10.2 would be v0.310.2). */
export function prometheusModuleVersion(tag: string): string {
    const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(tag);
    if (!m || Number(m[2]) > 99) throw new Error(`prometheus ${tag}: expected v<major>.<minor>.<patch> with minor < 100`);
    return `v0.${Number(m[1]) * 100 + Number(m[2])}.${m[3]}`;
}

/** The release a module version stands for: Prometheus's v0.3yy.z → v3.y.z; other modules unchanged. */
export function releaseOfModuleVersion(module: string, version: string): string {
    const m = /^v0\.(\d)(\d\d)\.(\d+)$/.exec(version);
    if (module === "github.com/prometheus/prometheus" && m) return `v${m[1]}.${Number(m[2])}.${m[3]}`;
    return version;
}

const withV = (v: string) => (v.startsWith("v") ? v : `v${v}`);

/** Prometheus projects stamp the version like promu does (`.promu.yml` ldflags), without the `v`. */
function promuLdflags(tag: string): string[] {
    const common = "github.com/prometheus/common/version";
    return [`-X ${common}.Version=${tag.replace(/^v/, "")}`, `-X ${common}.BuildUser=minimarket-upstream-tools`];
}

const PULUMI_SDK = packageJson.dependencies["@pulumi/pulumi"];
const PULUMI_VERSION = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=`;
/** pulumi's .goreleaser.yml: CGO off, -trimpath, these tags, `-w -s` and the version stamp. */
const PULUMI_TAGS = ["osusergo", "grpcnotrace"];

/** The last sdk/v3 release whose module holds the Node.js language host (v3.69.0 moved it into a module of its own). */
const LANGUAGE_HOST_IN_SDK = "v3.68.0";

export function tools(): Tool[] {
    const prometheus = pinnedVersion(defaultImages.prometheus);
    const alertmanager = pinnedVersion(defaultImages.alertmanager);
    const caddy = pinnedVersion(defaultImages.caddy);
    const nodeExporter = pinnedVersion(defaultImages.nodeExporter);
    const postgresExporter = pinnedVersion(defaultImages.postgresExporter);
    const redisExporter = pinnedVersion(defaultImages.redisExporter);
    const cadvisor = pinnedVersion(defaultImages.cadvisor);
    const postgres = pinnedVersion(defaultImages.postgres);
    const redis = pinnedVersion(defaultImages.redis);
    const postgresMajor = postgres.split(".")[0];
    const pin = (key: keyof typeof defaultImages) => `facts/images.ts defaultImages.${key}`;
    return [
        {
            name: "prometheus",
            pinnedIn: pin("prometheus"),
            deployed: prometheus,
            go: {
                module: "github.com/prometheus/prometheus",
                version: prometheusModuleVersion(prometheus),
                packages: { prometheus: "github.com/prometheus/prometheus/cmd/prometheus", promtool: "github.com/prometheus/prometheus/cmd/promtool" },
                tags: ["netgo"],
                ldflags: promuLdflags(prometheus),
                upstreamBuild: ".promu.yml (tags netgo, builtinassets; promu's default CGO off)",
                difference:
                    "built without `builtinassets`: that tag embeds the web UI, which `make assets` builds with npm from web/ui and the module does not carry; the API, rule evaluation and storage are the same code, the UI pages are not served",
            },
        },
        {
            name: "alertmanager",
            pinnedIn: pin("alertmanager"),
            deployed: alertmanager,
            go: {
                module: "github.com/prometheus/alertmanager",
                version: withV(alertmanager),
                packages: { alertmanager: "github.com/prometheus/alertmanager/cmd/alertmanager", amtool: "github.com/prometheus/alertmanager/cmd/amtool" },
                tags: ["netgo"],
                ldflags: promuLdflags(alertmanager),
                upstreamBuild: ".promu.yml (tags netgo; CGO off); Makefile `build: ui-elm` first builds ui/app/dist",
                difference:
                    "ui/app/dist (the web UI, built with Elm and npm by `make ui-elm`, embedded by ui/web.go) is not in the module: the build vendors the module and puts a page there that says so, which the UI handler does not serve (it serves only precompressed files); the API, routing, notifications and amtool are the same code",
                generated: { "ui/app/dist/index.html": "the Alertmanager web UI is not part of this build (docs/upstream-tools.md)" },
            },
        },
        {
            name: "caddy",
            pinnedIn: pin("caddy"),
            deployed: caddy,
            go: {
                module: "github.com/caddyserver/caddy/v2",
                version: withV(caddy),
                packages: { caddy: "github.com/caddyserver/caddy/v2/cmd/caddy" },
                copyMain: "cmd/caddy/main.go",
                tags: ["nobadger", "nomysql", "nopgx"],
                ldflags: ["-s", "-w"],
                upstreamBuild: ".goreleaser.yml (cmd/caddy/main.go in a module that requires caddy at the tag; CGO off, -trimpath, -s -w)",
            },
        },
        {
            name: "node_exporter",
            pinnedIn: pin("nodeExporter"),
            deployed: nodeExporter,
            go: {
                module: "github.com/prometheus/node_exporter",
                version: withV(nodeExporter),
                packages: { node_exporter: "github.com/prometheus/node_exporter" },
                tags: [],
                ldflags: promuLdflags(nodeExporter),
                upstreamBuild: ".promu.yml (Linux builds use it, not .promu-cgo.yml: CGO off)",
            },
        },
        {
            name: "postgres_exporter",
            pinnedIn: pin("postgresExporter"),
            deployed: postgresExporter,
            go: {
                module: "github.com/prometheus-community/postgres_exporter",
                version: withV(postgresExporter),
                packages: { postgres_exporter: "github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter" },
                tags: ["netgo", "static_build"],
                ldflags: promuLdflags(postgresExporter),
                upstreamBuild: ".promu.yml (tags netgo static_build)",
            },
            fallback: {
                source: {
                    kind: "debian",
                    package: "prometheus-postgres-exporter",
                    paths: { postgres_exporter: "/usr/bin/prometheus-postgres-exporter" },
                    versionArgs: ["--version"],
                    versionPattern: /postgres_exporter, version (\d+\.\d+\.\d+)/,
                    line: "0.17",
                },
                reason: "the Go module proxy refuses this module version (403: not available), so it cannot be built here",
            },
        },
        {
            name: "redis_exporter",
            pinnedIn: pin("redisExporter"),
            deployed: redisExporter,
            go: {
                module: "github.com/oliver006/redis_exporter",
                version: withV(redisExporter),
                packages: { redis_exporter: "github.com/oliver006/redis_exporter" },
                tags: [],
                ldflags: ["-s", "-w", `-X main.BuildVersion=${withV(redisExporter)}`],
                upstreamBuild: "Dockerfile (CGO off, -s -w, BuildVersion = the tag)",
            },
        },
        {
            name: "cadvisor",
            pinnedIn: pin("cadvisor"),
            deployed: cadvisor,
            unavailable:
                "its main package is in the module github.com/google/cadvisor/cmd, which is not on the Go module proxy (build/build.sh builds it from a git checkout), and Debian has no cadvisor package; the unit tests serve a stand-in /metrics in its place, the engine tests run the pinned release's library modules behind scripts/engine/cadvisor (docs/engine-tests.md)",
        },
        {
            name: "pulumi",
            pinnedIn: "package.json @pulumi/pulumi (the CLI at the SDK's version)",
            deployed: withV(PULUMI_SDK),
            go: {
                module: "github.com/pulumi/pulumi/pkg/v3",
                version: withV(PULUMI_SDK),
                packages: { pulumi: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
                tags: PULUMI_TAGS,
                ldflags: ["-w", "-s", `${PULUMI_VERSION}${withV(PULUMI_SDK)}`],
                upstreamBuild: ".goreleaser.yml, build `pulumi` (its go.mod replaces sdk/v3 with ../sdk: the wrapper module requires sdk/v3 at the same tag)",
            },
        },
        {
            name: "pulumi-language-nodejs",
            pinnedIn: "package.json @pulumi/pulumi (the language host ships with the CLI)",
            deployed: withV(PULUMI_SDK),
            go: {
                module: "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
                version: withV(PULUMI_SDK),
                packages: { "pulumi-language-nodejs": "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3" },
                tags: PULUMI_TAGS,
                ldflags: ["-w", "-s", `${PULUMI_VERSION}${withV(PULUMI_SDK)}`],
                upstreamBuild: ".goreleaser.yml, build `pulumi-language-nodejs`",
            },
            fallback: {
                source: {
                    kind: "go",
                    recipe: {
                        module: "github.com/pulumi/pulumi/sdk/v3",
                        version: LANGUAGE_HOST_IN_SDK,
                        packages: { "pulumi-language-nodejs": "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs" },
                        tags: ["osusergo"],
                        ldflags: ["-w", "-s", `${PULUMI_VERSION}${LANGUAGE_HOST_IN_SDK}`],
                        upstreamBuild: ".goreleaser.yml at v3.68.0, build `pulumi-language-nodejs`",
                    },
                },
                reason: `its module is not tagged, so the Go module proxy has no version of it; ${LANGUAGE_HOST_IN_SDK} is the last release that kept it in the published sdk/v3 module. It starts the program through the SDK's own runner (node_modules/@pulumi/pulumi/cmd/run, ${PULUMI_SDK})`,
            },
        },
        {
            name: "postgresql",
            pinnedIn: pin("postgres"),
            deployed: postgres,
            fallback: {
                source: {
                    kind: "debian",
                    package: `postgresql-${postgresMajor}`,
                    paths: Object.fromEntries(
                        ["initdb", "postgres", "pg_ctl", "psql", "pg_dump", "pg_restore", "pg_isready"].map((b) => [
                            b,
                            `/usr/lib/postgresql/${postgresMajor}/bin/${b}`,
                        ]),
                    ),
                    versionArgs: ["--version"],
                    versionPattern: /\(PostgreSQL\) (\d+\.\d+)/,
                    line: postgresMajor,
                },
                reason: "PostgreSQL is C, not a Go module: Debian 13 ships the same major release, a patch release apart",
            },
        },
        {
            name: "redis",
            pinnedIn: pin("redis"),
            deployed: redis,
            fallback: {
                source: {
                    kind: "debian",
                    package: "redis-server",
                    paths: { "redis-server": "/usr/bin/redis-server", "redis-cli": "/usr/bin/redis-cli" },
                    versionArgs: ["--version"],
                    versionPattern: /v=(\d+\.\d+\.\d+)/,
                    line: "8.0",
                },
                reason: "Redis is C, not a Go module; Debian 13 has Redis 8.0 (the release after 7.4) and Debian 12 has 7.0: 8.0 is the closer one",
            },
        },
    ];
}

/** The recipe the tests' binary of `tool` comes from: its own, or its Go fallback. */
export function goRecipes(tool: Tool): GoRecipe[] {
    const fallback = tool.fallback?.source.kind === "go" ? [tool.fallback.source.recipe] : [];
    return [...(tool.go ? [tool.go] : []), ...fallback];
}

/** The tool that provides `binary`, or undefined. */
export function toolOf(binary: string): Tool | undefined {
    return tools().find((t) => binariesOf(t).includes(binary));
}

export function binariesOf(tool: Tool): string[] {
    const names = new Set<string>(Object.keys(tool.go?.packages ?? {}));
    const source = tool.fallback?.source;
    if (source?.kind === "debian") Object.keys(source.paths).forEach((b) => names.add(b));
    if (source?.kind === "go") Object.keys(source.recipe.packages).forEach((b) => names.add(b));
    if (tool.unavailable) names.add(tool.name);
    return [...names];
}
