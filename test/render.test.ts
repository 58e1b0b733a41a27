// `npm run render` on every committed stack, checked with the real promtool and amtool: what
// operators review is what the deployment delivers, and both upstream tools accept it.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { SECRET_PLACEHOLDERS } from "../renderers/observability";
import { makeTempDir, requireBinaries, run } from "./support/processes";

const root = path.join(__dirname, "..");
const stacks = fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);

function renderCommand(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(root, "scripts", "render.ts"), ...args], {
        encoding: "utf8",
        timeout: 120_000,
    });
}

const expectedFiles = [
    "alertmanager/etc/alertmanager/alertmanager.yml",
    "alloy/etc/alloy/config.alloy",
    "grafana/etc/grafana/dashboards/minimarket-business-kpis.json",
    "grafana/etc/grafana/dashboards/minimarket-ml-service.json",
    "grafana/etc/grafana/dashboards/minimarket-performance.json",
    "grafana/etc/grafana/dashboards/minimarket-system-overview.json",
    "grafana/etc/grafana/provisioning/dashboards/minimarket.yml",
    "grafana/etc/grafana/provisioning/datasources/datasources.yml",
    "loki/etc/loki/config.yaml",
    "prometheus/etc/prometheus/prometheus.yml",
    "prometheus/etc/prometheus/rules/alerts.yml",
    "prometheus/etc/prometheus/rules/recording.yml",
];

function listFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
    });
}

describe("npm run render", () => {
    it("covers both committed stacks", () => {
        expect(stacks).to.include.members(["staging", "prod"]);
    });

    for (const stack of stacks) {
        describe(`stack ${stack}`, function () {
            let out: string;
            before(function () {
                out = makeTempDir(`render-${stack}`);
                const r = renderCommand(["--stack", stack, "--out", out]);
                expect(r.status, r.stderr).to.equal(0);
            });

            it("writes every file in the layout of the containers", () => {
                // Backup alerts go where the backup container runs: the Docker platform (staging).
                const backups = stack === "staging" ? ["prometheus/etc/prometheus/rules/backups.yml"] : [];
                expect(listFiles(out).sort()).to.deep.equal([...expectedFiles, ...backups].sort());
            });

            it("labels metrics with the stack's environment", () => {
                const prom = parseYaml(fs.readFileSync(path.join(out, "prometheus/etc/prometheus/prometheus.yml"), "utf8"));
                expect(prom.global.external_labels.environment).to.equal(stack);
            });

            it("passes promtool check config and check rules", function () {
                const bins = requireBinaries(this, ["promtool"]);
                // docs/observability.md's command, as written: rule_files are relative to prometheus.yml, so the
                // rendered tree is checked as it is, rule files included.
                const file = path.join(out, "prometheus/etc/prometheus/prometheus.yml");
                const prom = parseYaml(fs.readFileSync(file, "utf8"));
                const config = run(bins.promtool, ["check", "config", file]);
                expect(config.code, config.output).to.equal(0);
                expect(config.output).to.contain(`SUCCESS: ${prom.rule_files.length} rule files found`);
                const rules = run(bins.promtool, ["check", "rules", ...prom.rule_files.map((p: string) => path.join(path.dirname(file), p))]);
                expect(rules.code, rules.output).to.equal(0);
            });

            it("passes amtool check-config", function () {
                const bins = requireBinaries(this, ["amtool"]);
                const r = run(bins.amtool, ["check-config", path.join(out, "alertmanager/etc/alertmanager/alertmanager.yml")]);
                expect(r.code, r.output).to.equal(0);
            });
        });
    }

    it("replaces a configured Slack webhook with a visible placeholder and keeps notifications routed", function () {
        const bins = requireBinaries(this, ["amtool"]);
        const project = makeTempDir("render-project");
        const staging = fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8");
        fs.writeFileSync(
            path.join(project, "Pulumi.demo.yaml"),
            `${staging}  minimarket:slackWebhookUrl:\n    secure: AAABAHrealciphertextthatcannotbereadhere\n`,
        );
        const out = makeTempDir("render-out");
        const r = renderCommand(["--stack", "demo", "--out", out, "--project-dir", project]);
        expect(r.status, r.stderr).to.equal(0);
        const text = fs.readFileSync(path.join(out, "alertmanager/etc/alertmanager/alertmanager.yml"), "utf8");
        expect(text).to.include(SECRET_PLACEHOLDERS.slackWebhookUrl);
        expect(text).not.to.include("AAABAH");
        expect(text).to.include("#minimarket-alerts-critical");
        const check = run(bins.amtool, ["check-config", path.join(out, "alertmanager/etc/alertmanager/alertmanager.yml")]);
        expect(check.code, check.output).to.equal(0);
    });

    it("fails with the config error when a stack's config is invalid", () => {
        const project = makeTempDir("render-bad");
        fs.writeFileSync(path.join(project, "Pulumi.bad.yaml"), "config:\n  minimarket:logLevel: loud\n");
        const r = renderCommand(["--stack", "bad", "--out", makeTempDir("render-bad-out"), "--project-dir", project]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("minimarket:logLevel: must be one of");
    });
});
