// renovate.json proposes a bump of every pin: the images in facts/images.ts (a custom regex
// manager), the workflows' actions and the CLI version they install, and package.json (Renovate's
// own npm and github-actions managers). The options and their places are those of Renovate's
// lib/config/options/index.ts (renovatebot/renovate 44.39, the `name`/`parents`/`allowedValues`
// of each); the extraction below is its regex manager's, lib/modules/manager/custom/regex/
// strategies.ts `handleAny` and utils.ts `createDependency`: every match string applied with the
// `g` flag, named groups or `<field>Template`s give the fields, and a dependency counts only with
// a name, a current value or digest, and a datasource (custom/utils.ts `isValidDependency`).

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { defaultImages, parseImageRef } from "../facts/images";
import packageJson from "../package.json";
import YAML from "yaml";

const REPO = path.join(__dirname, "..");
const config = JSON.parse(fs.readFileSync(path.join(REPO, "renovate.json"), "utf8"));

/** Options this config may use, by where Renovate accepts them (options/index.ts `parents`). */
const OPTIONS: Record<string, Record<string, "string" | "string[]" | "object[]">> = {
    top: {
        $schema: "string",
        extends: "string[]",
        postUpdateOptions: "string[]",
        customManagers: "object[]",
        packageRules: "object[]",
        enabledManagers: "string[]",
    },
    customManagers: {
        customType: "string",
        description: "string",
        managerFilePatterns: "string[]",
        matchStrings: "string[]",
        datasourceTemplate: "string",
        versioningTemplate: "string",
        depNameTemplate: "string",
        packageNameTemplate: "string",
    },
    packageRules: {
        description: "string",
        matchPackageNames: "string[]",
        matchManagers: "string[]",
        matchDatasources: "string[]",
        groupName: "string",
        allowedVersions: "string",
    },
};

function typeProblems(where: keyof typeof OPTIONS, value: Record<string, unknown>): string[] {
    return Object.entries(value).flatMap(([key, v]) => {
        const type = OPTIONS[where][key];
        if (!type) return [`${where}: "${key}" is not an option this config knows (Renovate options/index.ts)`];
        const ok =
            type === "string"
                ? typeof v === "string"
                : Array.isArray(v) && v.every((x) => (type === "string[]" ? typeof x === "string" : typeof x === "object"));
        return ok ? [] : [`${where}.${key}: expected ${type}`];
    });
}

/** A Renovate string pattern that is a regex: `/.../` (string-pattern-matching docs). */
function filePattern(p: string): RegExp {
    const m = /^\/(.*)\/(i?)$/.exec(p);
    if (!m) throw new Error(`managerFilePatterns entry ${p} is not a /regex/`);
    return new RegExp(m[1], m[2]);
}

/** Syntax re2 refuses (Renovate compiles match strings with re2): lookaround and backreferences. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

interface Dependency {
    depName?: string;
    packageName?: string;
    currentValue?: string;
    currentDigest?: string;
    datasource?: string;
    versioning?: string;
}

/** Renovate's regex manager on one file (strategy "any"), templates given as plain strings. */
function extract(manager: Record<string, any>, content: string): Dependency[] {
    const fields = ["depName", "packageName", "currentValue", "currentDigest", "datasource", "versioning"] as const;
    return (manager.matchStrings as string[])
        .flatMap((s) => [...content.matchAll(new RegExp(s, "g"))])
        .map((m) => {
            const dep: Dependency = {};
            for (const f of fields) {
                const template = manager[`${f}Template`];
                const value = template ?? m.groups?.[f];
                if (value) dep[f] = value;
            }
            return dep;
        })
        .filter((d) => (d.depName || d.packageName) && (d.currentValue || d.currentDigest) && d.datasource);
}

function customManagerFor(file: string): Record<string, any> {
    const found = (config.customManagers as Array<Record<string, any>>).filter((m) => m.managerFilePatterns.some((p: string) => filePattern(p).test(file)));
    expect(found, `one custom manager reads ${file}`).to.have.length(1);
    return found[0];
}

/**
 * The `with:` version inputs Renovate's github-actions manager bumps by itself, by action
 * (lib/modules/manager/github-actions/known-actions.ts, renovatebot/renovate 44.x: `valSchema`
 * of each entry). Any other pinned version in a workflow needs a custom manager.
 */
const KNOWN_ACTION_VERSION_INPUTS: Record<string, string> = {
    "actions/setup-node": "node-version",
    "actions/setup-go": "go-version",
    "actions/setup-python": "python-version",
};

/** `require` lines of a go.mod: module path → version. */
function goModRequires(text: string): Map<string, string> {
    const found = new Map<string, string>();
    for (const m of text.matchAll(/^\s*(?:require\s+)?([\w.-]+\.[\w.-]+\/[^\s]+)\s+(v[^\s]+)/gm)) found.set(m[1], m[2]);
    return found;
}

const workflows = fs
    .readdirSync(path.join(REPO, ".github", "workflows"))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.posix.join(".github/workflows", f));

describe("renovate.json", () => {
    it("uses only options Renovate defines, where it accepts them, with their types", () => {
        expect(config.$schema).to.equal("https://docs.renovatebot.com/renovate-schema.json");
        const problems = [
            ...typeProblems("top", config),
            ...(config.customManagers ?? []).flatMap((m: Record<string, unknown>) => typeProblems("customManagers", m)),
            ...(config.packageRules ?? []).flatMap((r: Record<string, unknown>) => typeProblems("packageRules", r)),
        ];
        expect(problems).to.deep.equal([]);
        for (const m of config.customManagers) {
            expect(m.customType, "options/index.ts allowedValues").to.be.oneOf(["regex", "jsonata"]);
            for (const s of m.matchStrings) expect(NOT_RE2.test(s), `${s} uses syntax re2 lacks`).to.equal(false);
            for (const p of m.managerFilePatterns) expect(() => filePattern(p)).not.to.throw();
        }
    });

    it("leaves the managers of package.json and the workflows on", () => {
        // config:recommended enables every manager; a list would have to name these.
        if (config.enabledManagers) expect(config.enabledManagers).to.include.members(["npm", "github-actions", "custom.regex"]);
        expect(config.extends).to.include("config:recommended");
    });

    it("finds every image pin of facts/images.ts, and nothing else there", () => {
        const file = "facts/images.ts";
        const deps = extract(customManagerFor(file), fs.readFileSync(path.join(REPO, file), "utf8"));
        const expected = Object.values(defaultImages).map((ref) => {
            const p = parseImageRef(ref)!;
            return { depName: p.registry ? `${p.registry}/${p.repository}` : p.repository, currentValue: p.tag, datasource: "docker", versioning: "docker" };
        });
        expect(deps).to.deep.equal(expected);
    });

    it("would find a pin added in the style of the others, with a registry port or a digest", () => {
        const manager = customManagerFor("facts/images.ts");
        const digest = "a".repeat(64);
        const deps = extract(manager, `    offsite: "localhost:5000/team/sync:1.2.3-bookworm@sha256:${digest}",\n    b: "rclone/rclone:1.70.3",\n`);
        expect(deps).to.deep.equal([
            {
                depName: "localhost:5000/team/sync",
                currentValue: "1.2.3-bookworm",
                currentDigest: `sha256:${digest}`,
                datasource: "docker",
                versioning: "docker",
            },
            { depName: "rclone/rclone", currentValue: "1.70.3", datasource: "docker", versioning: "docker" },
        ]);
    });

    it("bumps the CLI version every workflow installs together with the SDK, below the release that needs Node 22", () => {
        for (const file of workflows) {
            const text = fs.readFileSync(path.join(REPO, file), "utf8");
            const deps = extract(customManagerFor(file), text);
            expect(deps.length, file).to.equal((text.match(/pulumi-version:/g) ?? []).length);
            for (const d of deps)
                expect(d, file).to.deep.equal({ depName: "@pulumi/pulumi", currentValue: packageJson.dependencies["@pulumi/pulumi"], datasource: "npm" });
        }
        const rule = config.packageRules.find((r: any) => r.matchPackageNames?.includes("@pulumi/pulumi"));
        expect(rule).to.deep.include({ allowedVersions: "<3.249.0" });
        expect(rule.groupName, "the SDK and the CLI in one proposal").to.be.a("string");
    });

    it("bumps every tool version a workflow pins: through Renovate's known actions, or a custom manager", () => {
        const uncovered: string[] = [];
        for (const file of workflows) {
            const doc = YAML.parse(fs.readFileSync(path.join(REPO, file), "utf8"));
            for (const job of Object.values<any>(doc.jobs ?? {}))
                for (const step of job.steps ?? []) {
                    const action = String(step.uses ?? "").split("@")[0];
                    for (const key of Object.keys(step.with ?? {}).filter((k) => /version$/.test(k))) {
                        const custom = (config.customManagers as Array<Record<string, any>>).some(
                            (m) =>
                                m.managerFilePatterns.some((p: string) => filePattern(p).test(file)) &&
                                m.matchStrings.some((x: string) => x.startsWith(`${key}: `)),
                        );
                        if (KNOWN_ACTION_VERSION_INPUTS[action] !== key && !custom) uncovered.push(`${file}: ${action} ${key}`);
                    }
                }
        }
        expect(uncovered).to.deep.equal([]);
    });

    it("bumps the cAdvisor the engine tests build together with the deployed image, from the same release", () => {
        const goMod = "scripts/engine/cadvisor/go.mod";
        const requires = goModRequires(fs.readFileSync(path.join(REPO, goMod), "utf8"));
        const pinned = parseImageRef(defaultImages.cadvisor)!.tag;
        const fix = `a pin bump needs \`go get github.com/google/cadvisor@${pinned} github.com/google/cadvisor/lib@${pinned} && go mod tidy\` in scripts/engine/cadvisor`;
        expect(requires.get("github.com/google/cadvisor"), fix).to.equal(pinned);
        expect(requires.get("github.com/google/cadvisor/lib"), fix).to.equal(pinned);
        const rule = config.packageRules.find((r: any) => r.matchPackageNames?.includes("ghcr.io/google/cadvisor"));
        expect(rule?.matchPackageNames, "one group: the image and both modules").to.have.members([
            "ghcr.io/google/cadvisor",
            "github.com/google/cadvisor",
            "github.com/google/cadvisor/lib",
        ]);
        expect(rule.groupName).to.be.a("string");
        // Renovate's gomod manager updates go.mod only; go.sum follows with `go mod tidy`.
        expect(config.postUpdateOptions).to.include("gomodTidy");
    });

    it("can bump every action: each is pinned to a commit with its version beside it", () => {
        const uses = workflows.flatMap((file) =>
            [...fs.readFileSync(path.join(REPO, file), "utf8").matchAll(/uses:\s*(\S+)(.*)$/gm)].map((m) => `${file}: ${m[1]}${m[2]}`),
        );
        expect(uses.length).to.be.greaterThan(5);
        // github-actions manager readme: `owner/repo@<sha> # v1.2.3` updates the digest to the tag's.
        expect(uses.filter((u) => !/: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/.test(u))).to.deep.equal([]);
    });

    it("can bump every package.json dependency: each is an exact version", () => {
        const all = { ...packageJson.dependencies, ...packageJson.devDependencies } as Record<string, string>;
        expect(Object.entries(all).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v))).to.deep.equal([]);
    });
});
