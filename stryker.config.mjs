// StrykerJS mutation testing of the pure code (docs/testing.md "Mutation testing", docs/mutation.md).
// `npm run mutation` runs it; it is not part of `npm test`.
import fs from "node:fs";
import path from "node:path";

/** Every *.test.ts under a folder, as repository-relative paths. */
function testsUnder(dir) {
    return fs
        .readdirSync(dir, { recursive: true })
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => path.join(dir, f))
        .sort();
}

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    mutate: [
        "config/**/*.ts",
        // Reads the running Pulumi stack (needs the Pulumi runtime); index.ts only re-exports;
        // table.ts writes the config table of docs/configuration.md (readme.test.ts compares it), it reads no config.
        "!config/load.ts",
        "!config/index.ts",
        "!config/table.ts",
        "components/data/connections.ts",
        "renderers/data/roleSql.ts",
        "renderers/data/backupRoleSql.ts",
        "components/apps/environment.ts",
        "renderers/observability/**/*.ts",
        "!renderers/observability/index.ts",
        "renderers/caddyfile.ts",
        // What a credential looks like: the config schema, the preview comment and the policy pack share it.
        "facts/credentials.ts",
        // The policy pack's rules (policy/index.ts only starts the server; sdk.ts re-exports).
        "policy/**/*.ts",
        "!policy/index.ts",
        "!policy/sdk.ts",
        "renderers/cloudRunMeasures.ts",
    ],
    // The fast tests of that code: new unit tests plus the existing renderer and config tests that
    // need no Pulumi engine mocks (promtool/amtool/caddy are run where a test uses them).
    testFiles: [
        ...testsUnder("test/unit"),
        "test/config.test.ts",
        // Messages, validation gaps, time zones, durations, secrets never echoed (not the program runs).
        ...testsUnder("test/config").filter((f) => !f.endsWith("programRun.test.ts")),
        // The config table (docs/configuration.md) comes from the schema's descriptions and defaults.
        "test/readme.test.ts",
        "test/gcp/gcpConfig.test.ts",
        "test/backup/settings.test.ts",
        "test/monitoring/render.test.ts",
        "test/monitoring/promtool-rules.test.ts",
        "test/observability/alloy.test.ts",
        "test/observability/loki.test.ts",
        "test/observability/grafana.test.ts",
        "test/observability/files.test.ts",
        "test/observability/dashboards.test.ts",
        "test/observability/dashboardQueries.test.ts",
        "test/backup/backupRules.test.ts",
        "test/backup/dashboardPanel.test.ts",
        "test/gcp/caddyfile.test.ts",
        // Each policy both ways (the program under mocks once per process, then pure evaluation).
        "test/policy/policies.test.ts",
        "test/policy/rules.test.ts",
        "test/monitoring/cloudRunRules.test.ts",
        "test/observability/cloudRun.test.ts",
    ],
    // These run the whole Pulumi program under mocks (seconds each) and would rerun for every
    // config mutant; the config tests next to them cover the same rules directly.
    projectMocha: { excludeTests: "^(invalid config in a real program run |stack configuration generates every secret once)" },
    // The project's mocha 12 in process (see scripts/mutation/mocha-runner.mjs for why not the
    // published mocha runner).
    plugins: ["./scripts/mutation/mocha-runner.mjs"],
    testRunner: "project-mocha",
    coverageAnalysis: "perTest",
    // Two test processes (about 2 GB of memory each, most of it the reloaded modules): the setting
    // the figure in docs/testing.md was measured with on a 2-core machine. `--concurrency 1` on a busy one.
    concurrency: 2,
    timeoutMS: 10000,
    // Static mutants (reached while modules load: constants, regular expressions, the zod schemas,
    // and values tests compute in a describe body) have no per-test coverage: each reloads the
    // modules and runs every test file that imports the mutated file. They are a third of the
    // mutants and most of the time; MUTATION_IGNORE_STATIC=1 skips them (reported as Ignored) for
    // a quick look, but the figure in docs/testing.md includes them.
    ignoreStatic: process.env.MUTATION_IGNORE_STATIC === "1",
    incremental: true,
    incrementalFile: "reports/mutation/stryker-incremental.json",
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    thresholds: { high: 90, low: 80, break: null },
};
