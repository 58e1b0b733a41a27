// Tests own their facts: nothing a test needs lives outside the repository, a missing tool is
// named and fails under CI (skips only locally), and every tool a test runs is checked the same way.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { tools } from "../scripts/upstream/catalog";
import { DEBIAN_PACKAGES, missingMessage, optOut, requireBinaries, unavailable, UPSTREAM_BINARIES } from "./support/tools";

const REPO = path.join(__dirname, "..");
const SELF = ["test/tools.test.ts", "test/support/tools.ts"];

/** Programs a test may run by bare name: in every Debian install (Essential: yes) or bash itself. */
const ESSENTIAL = new Set(["sh", "bash", "cp", "chown", "id", "stat", "true"]);

function testSources(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
            const rel = path.posix.join(dir, entry.name);
            if (entry.isDirectory()) walk(rel);
            else if (/\.(ts|py|sh)$/.test(rel) && !SELF.includes(rel)) out.push([rel, fs.readFileSync(path.join(REPO, rel), "utf8")]);
        }
    };
    walk("test");
    return out;
}

/** A stand-in for mocha's context: records skip() and throws like mocha does. */
function fakeContext(): { ctx: Mocha.Context; skipped: () => boolean } {
    let skipped = false;
    const ctx = {
        skip() {
            skipped = true;
            throw new Error("skipped");
        },
    } as unknown as Mocha.Context;
    return { ctx, skipped: () => skipped };
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(vars)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    try {
        return fn();
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

function captureWarnings<T>(fn: () => T): { result?: T; error?: Error; warnings: string[] } {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    try {
        return { result: fn(), warnings };
    } catch (e) {
        return { error: e as Error, warnings };
    } finally {
        console.warn = warn;
    }
}

describe("missing tools", () => {
    const absent = "minimarket-no-such-tool";

    it("fail under CI, naming the tool", () => {
        const { ctx, skipped } = fakeContext();
        const r = captureWarnings(() => withEnv({ CI: "true" }, () => requireBinaries(ctx, ["sh", absent])));
        expect(r.error?.message).to.match(new RegExp(`missing binaries: ${absent} .*required because CI is set`));
        expect(skipped()).to.equal(false);
    });

    it("skip locally, naming the tool and its Debian package", () => {
        const { ctx, skipped } = fakeContext();
        const r = captureWarnings(() => withEnv({ CI: undefined }, () => requireBinaries(ctx, ["sh", absent])));
        expect(skipped()).to.equal(true);
        expect(r.warnings).to.deep.equal([`      skipping: missing binaries: ${absent} (Debian: apt-get install ${absent})`]);
        expect(missingMessage(["runuser", "losetup", "unshare"])).to.equal(
            "missing binaries: runuser, losetup, unshare (Debian: apt-get install util-linux mount)",
        );
    });

    it("resolve found tools to absolute paths", () => {
        const { ctx } = fakeContext();
        expect(requireBinaries(ctx, ["sh"]).sh).to.match(/^\/.*\/sh$/);
    });

    it("other preconditions follow the same rule, and CI ignores a local opt-out", () => {
        const ci = captureWarnings(() => withEnv({ CI: "true" }, () => unavailable(fakeContext().ctx, "needs root")));
        expect(ci.error?.message).to.equal("needs root; required because CI is set");
        const local = fakeContext();
        const r = captureWarnings(() => withEnv({ CI: undefined }, () => unavailable(local.ctx, "needs root")));
        expect(local.skipped()).to.equal(true);
        expect(r.warnings).to.deep.equal(["      skipping: needs root"]);

        const optedOut = fakeContext();
        captureWarnings(() => withEnv({ CI: "true", SKIP_SLOW: "1" }, () => optOut(optedOut.ctx, "SKIP_SLOW")));
        expect(optedOut.skipped(), "CI runs it anyway").to.equal(false);
        const local2 = fakeContext();
        const w = captureWarnings(() => withEnv({ CI: undefined, SKIP_SLOW: "1" }, () => optOut(local2.ctx, "SKIP_SLOW")));
        expect(local2.skipped()).to.equal(true);
        expect(w.warnings.join("")).to.include("SKIP_SLOW is set");
    });
});

describe("tests own their facts", () => {
    const sources = testSources();

    it("scans the test tree", () => {
        expect(sources.length).to.be.greaterThan(40);
    });

    it("nothing skips except through test/support/tools.ts", () => {
        const offenders = sources.filter(([, s]) => /\b(this|ctx|it|describe|context)\.skip\s*\(|\bxit\(|\bxdescribe\(/.test(s)).map(([f]) => f);
        expect(offenders, "use requireBinaries / unavailable / optOut").to.deep.equal([]);
    });

    it("nothing reads files outside the repository", () => {
        const outside = [/\.\.\/shared\b/, /\/work\//, /path\.join\(__dirname(, "\.\."){3,}/];
        const offenders = sources.flatMap(([f, s]) => outside.filter((re) => re.test(s)).map((re) => `${f}: ${re}`));
        expect(offenders).to.deep.equal([]);
    });

    it("every program a test runs by name is an Essential one; the rest go through requireBinaries", () => {
        const problems: string[] = [];
        for (const [file, source] of sources) {
            for (const m of source.matchAll(/(?<![.\w])(?:spawnSync|spawn|execFileSync|execFile|execSync|run)\(\s*"([^"]+)"/g)) {
                if (!ESSENTIAL.has(m[1])) problems.push(`${file}: runs "${m[1]}" by name`);
            }
            for (const tool of [...Object.keys(DEBIAN_PACKAGES), ...UPSTREAM_BINARIES]) {
                if (new RegExp(`\\[\\s*"${tool.replace(".", "\\.")}"\\s*,\\s*\\[`).test(source)) problems.push(`${file}: runs "${tool}" by name`);
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it(".ci/run installs the Debian package of every tool a test may require", () => {
        const script = fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8");
        const listed = (name: string) => {
            const list = new RegExp(`${name}=\\(([^)]*)\\)`).exec(script);
            expect(list, `${name}=( ... ) in .ci/run`).not.to.equal(null);
            return new Set(list![1].split(/\s+/).filter(Boolean));
        };
        const bookworm = listed("debian_packages");
        expect([...new Set(Object.values(DEBIAN_PACKAGES))].filter((p) => !bookworm.has(p))).to.deep.equal([]);
        // The pinned tools that come from Debian 13, and nothing else, from trixie.
        const fromTrixie = tools().flatMap((t) => (t.fallback?.source.kind === "debian" ? [t.fallback.source.package] : []));
        expect([...listed("trixie_packages")].sort()).to.deep.equal([...new Set(fromTrixie)].sort());
        expect(script).to.match(/apt_install -t trixie "\$\{need_trixie\[@\]\}"/);
        expect(script, "trixie below bookworm").to.include("Pin-Priority: 100");
    });
});
