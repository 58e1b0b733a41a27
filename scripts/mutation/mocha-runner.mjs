// A StrykerJS test runner that runs the project's own mocha (12.x) in the Stryker worker process.
//
// Why it exists: no released @stryker-mutator/mocha-runner loads mocha 12. Version 9.6.1 declares
// `mocha >= 7.2 < 12`; 10.0.0 needs Node.js 22 and reaches into `mocha/lib/cli/*` without a file
// extension, which mocha 12 renamed to `.cjs` (stryker-js pull request #6205, open when this was
// written). Delete this file and set `testRunner: "mocha"` once a release loads mocha 12 on Node 20.
//
// What it does, following the TestRunner contract of @stryker-mutator/api 9.x:
// - loads ts-node (as .mocharc.json does) and the test files Stryker hands over (`testFiles`);
// - dry run: records which tests reach which mutant (perTest coverage) through the instrumenter's
//   global `__stryker__` (`currentTestId` is set before each test, `mutantCoverage` is read back);
// - mutant run: activates one mutant and runs only the tests that cover it (mocha grep on the
//   full titles), bailing on the first failure.
// - reload: when Stryker asks for a fresh environment (a mutant also reached while modules load),
//   forgets the project's modules (all CommonJS through ts-node, so require.cache holds them) and
//   loads them again with the mutant active, in the same process: a new worker per such mutant
//   would cost seconds each.

import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import { determineHitLimitReached, DryRunStatus, TestStatus, toMutantRunResult } from "@stryker-mutator/api/test-runner";

const NAMESPACE = "__stryker__";
const LOAD_TEST_ID = "(loading the test files)";
const projectRequire = createRequire(path.join(process.cwd(), "package.json"));

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function setBail(suite, bail) {
    suite.bail(bail);
    for (const child of suite.suites) setBail(child, bail);
}

/**
 * Keeps ts-node's output per file, so a reload evaluates the modules again without transpiling
 * them again (the sandbox's files do not change during a run).
 */
function cacheTranspiledTypeScript() {
    const extensions = projectRequire.extensions;
    const transpile = extensions[".ts"];
    const output = new Map();
    extensions[".ts"] = function (module, filename) {
        const cached = output.get(filename);
        if (cached !== undefined) return module._compile(cached, filename);
        // ts-node wraps this _compile and calls it with the JavaScript it made.
        const compile = module._compile;
        module._compile = function (code, name) {
            output.set(name, code);
            return compile.call(this, code, name);
        };
        return transpile(module, filename);
    };
}

/** For each loaded test file, every module file it imports, directly or not. */
function importsOfTestFiles(testFiles) {
    const result = new Map();
    for (const file of testFiles) {
        const seen = new Set();
        const stack = [projectRequire.cache[file]];
        while (stack.length > 0) {
            const mod = stack.pop();
            if (!mod || seen.has(mod.filename)) continue;
            seen.add(mod.filename);
            stack.push(...mod.children);
        }
        if (seen.size > 0) result.set(file, seen);
    }
    return result;
}

/** Collects one run's results; mocha builds a new reporter per run. */
class Collector {
    static current;
    constructor(runner) {
        Collector.current = this;
        this.tests = [];
        const started = new Map();
        const base = (test) => ({ id: test.fullTitle(), name: test.fullTitle(), fileName: test.file, timeSpentMs: Date.now() - (started.get(test) ?? Date.now()) });
        runner.on("test", (test) => started.set(test, Date.now()));
        runner.on("pass", (test) => this.tests.push({ ...base(test), status: TestStatus.Success }));
        runner.on("pending", (test) => this.tests.push({ ...base(test), status: TestStatus.Skipped }));
        // A failing hook is reported as a failure too, so a mutant that breaks a `before` is killed.
        runner.on("fail", (test, err) => this.tests.push({ ...base(test), status: TestStatus.Failed, failureMessage: String(err?.message ?? err) }));
    }
}

export class ProjectMochaTestRunner {
    static inject = tokens(commonTokens.logger, commonTokens.options);

    constructor(log, options) {
        this.log = log;
        this.options = options;
        this.context = globalThis[NAMESPACE] ?? (globalThis[NAMESPACE] = {});
        this.loaded = false;
        this.beforeEach = undefined;
    }

    capabilities() {
        return { reloadEnvironment: true };
    }

    async init() {
        // The same hook .mocharc.json registers for `npx mocha`.
        projectRequire("ts-node/register/transpile-only");
        cacheTranspiledTypeScript();
        const mochaModule = await import(pathToFileURL(projectRequire.resolve("mocha")).href);
        this.Mocha = mochaModule.default;
    }

    createMocha(testFiles) {
        if (!testFiles || testFiles.length === 0) throw new Error("set `testFiles` in stryker.config.mjs: this runner runs exactly those files");
        const mocha = new this.Mocha({ reporter: Collector, timeout: 0 });
        mocha.cleanReferencesAfterRun(false);
        this.loadedFiles = testFiles;
        for (const file of testFiles) mocha.addFile(file);
        const self = this;
        mocha.suite.beforeEach(function () {
            self.beforeEach?.(this);
        });
        this.mocha = mocha;
    }

    /** mocha's grep: the tests whose full title matches (or, inverted, does not match). */
    select(pattern, invert) {
        this.mocha.grep(pattern);
        this.mocha.options.invert = invert;
    }

    /** Every test but those `projectMocha.excludeTests` names. */
    selectAll() {
        const exclude = this.options.projectMocha?.excludeTests;
        this.select(exclude ? new RegExp(exclude) : undefined, Boolean(exclude));
    }

    async dryRun({ coverageAnalysis, disableBail, testFiles }) {
        this.testFiles = testFiles;
        this.createMocha(testFiles);
        this.selectAll();
        if (coverageAnalysis === "perTest") {
            this.beforeEach = (ctx) => {
                this.context.currentTestId = ctx.currentTest?.fullTitle();
            };
        }
        const result = await this.run(disableBail);
        if (result.status === DryRunStatus.Complete && coverageAnalysis !== "off") result.mutantCoverage = this.context.mutantCoverage;
        this.beforeEach = undefined;
        return result;
    }

    async mutantRun({ activeMutant, testFilter, disableBail, hitLimit, reloadEnvironment, sandboxFileName }) {
        // A fresh worker (after a timeout or a crash) has had no dry run: it takes the
        // files from the options, as paths relative to its working directory, the sandbox.
        if (!this.mocha) {
            this.testFiles = (this.options.testFiles ?? []).map((f) => path.resolve(f));
            this.createMocha(this.testFiles);
        }
        // After a reload only the test files that import the mutated file (directly or not) are
        // loaded: the others cannot reach the mutant, and a static mutant runs every loaded test.
        const needed = this.testFilesReaching(sandboxFileName);
        if (reloadEnvironment || this.mustReload || needed.some((f) => !this.loadedFiles.includes(f))) this.reload(needed);
        this.context.hitLimit = hitLimit;
        this.context.hitCount = hitLimit ? 0 : undefined;
        // Test ids are full titles; with `testFiles` set, Stryker passes the test files themselves
        // when a mutant needs every test (a static mutant).
        const files = new Set(this.testFiles);
        if (testFilter && !testFilter.every((id) => files.has(id))) this.select(new RegExp(testFilter.map((id) => `(^${escapeRegExp(id)}$)`).join("|")), false);
        else this.selectAll();
        return toMutantRunResult(await this.run(disableBail, activeMutant.id));
    }

    /** The test files whose imports reach `file`; all of them when that is not known. */
    testFilesReaching(file) {
        if (!this.importsOf || !file) return this.testFiles;
        const reaching = this.testFiles.filter((t) => this.importsOf.get(t)?.has(file) ?? true);
        return reaching.length > 0 ? reaching : this.testFiles;
    }

    /** A new mocha over `files`, with the project's modules (not node_modules) unloaded. */
    reload(files) {
        this.log.debug("reloading the test environment");
        this.mocha.dispose();
        const root = process.cwd() + path.sep;
        for (const key of Object.keys(projectRequire.cache)) {
            if (key.startsWith(root) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete projectRequire.cache[key];
        }
        this.createMocha(files);
        this.loaded = false;
        this.mustReload = false;
    }

    async run(disableBail, activeMutantId) {
        setBail(this.mocha.suite, !disableBail);
        try {
            if (!this.loaded) {
                // The mutant is active while the modules load: Stryker reloads for mutants that are
                // also reached at load time (schemas, constants built by helpers), and a mutant that
                // is not reached then changes nothing. A test that fails, fails because of it.
                this.context.activeMutant = activeMutantId;
                try {
                    await this.mocha.loadFilesAsync();
                } catch (err) {
                    // The files loaded in the dry run, so with a mutant active this failure is the
                    // mutant's doing (a describe body or a module's top level threw): it is killed.
                    if (activeMutantId === undefined) throw err;
                    this.mustReload = true;
                    const failureMessage = `loading the test files failed: ${String(err?.message ?? err)}`;
                    return { status: DryRunStatus.Complete, tests: [{ id: LOAD_TEST_ID, name: LOAD_TEST_ID, timeSpentMs: 0, status: TestStatus.Failed, failureMessage }] };
                }
                this.loaded = true;
                if (!this.importsOf && this.loadedFiles.length === this.testFiles.length) this.importsOf = importsOfTestFiles(this.testFiles);
            }
            this.context.activeMutant = activeMutantId;
            Collector.current = undefined;
            await new Promise((resolve) => this.mocha.run(() => resolve()));
            const timeout = determineHitLimitReached(this.context.hitCount, this.context.hitLimit);
            if (timeout) return timeout;
            this.log.debug(`mutant ${activeMutantId}: ${Collector.current?.tests.length} tests, ${Collector.current?.tests.filter((t) => t.status === TestStatus.Failed).length} failed`);
            if (!Collector.current) return { status: DryRunStatus.Error, errorMessage: "mocha did not create the result collector" };
            return { status: DryRunStatus.Complete, tests: Collector.current.tests };
        } catch (err) {
            return { status: DryRunStatus.Error, errorMessage: String(err?.stack ?? err) };
        }
    }

    async dispose() {
        try {
            this.mocha?.dispose();
        } catch (err) {
            if (err?.code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") throw err;
        }
    }
}

export const strykerValidationSchema = {
    $schema: "http://json-schema.org/draft-07/schema",
    type: "object",
    properties: {
        projectMocha: {
            type: "object",
            description: "Options of the project-mocha test runner (scripts/mutation/mocha-runner.mjs).",
            properties: {
                excludeTests: { type: "string", description: "Regular expression of full test titles not to run (slow tests)." },
            },
            additionalProperties: false,
            default: {},
        },
    },
};

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "project-mocha", ProjectMochaTestRunner)];
