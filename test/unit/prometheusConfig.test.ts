// prometheus.yml as a stack deploys it: every job an alert reads is scraped, each at the address
// where its service answers, and a bad interval names the setting it came from.

import { expect } from "chai";
import YAML from "yaml";
import { ENDPOINTS, hostPort } from "../../facts/endpoints";
import { services } from "../../facts/services";
import { JOBS } from "../../facts/telemetry";
import { backupAlertRules } from "../../renderers/observability/backupRules";
import { PrometheusConfigInput, renderPrometheusConfig } from "../../renderers/observability/prometheus";
import { alertRules } from "../../renderers/observability/rules";
import { renderStackFiles } from "../../renderers/observability/stackFiles";
import { stagingInput } from "../monitoring/fixtures";

type Obj = Record<string, any>;

/** job name → the scrape job of the staging stack's prometheus.yml. */
function stackJobs(): Record<string, Obj> {
    const { files } = renderStackFiles({ environment: "staging", backups: { intervalHours: 24, drillIntervalHours: 24 } });
    const config = YAML.parse(files["prometheus/etc/prometheus/prometheus.yml"]);
    return Object.fromEntries((config.scrape_configs as Obj[]).map((j) => [j.job_name, j]));
}

const base = (): PrometheusConfigInput => ({
    environment: "staging",
    scrapeInterval: "15s",
    exporterScrapeInterval: "30s",
    evaluationInterval: "15s",
    alertmanagers: ["alertmanager:9093"],
    ruleFiles: [],
    targets: stagingInput().targets,
});

describe("unit: prometheus.yml scrape jobs", () => {
    it("scrapes every job an alert rule selects by name (else the alert fires, or never can)", () => {
        const jobs = stackJobs();
        const named = [...alertRules(), ...backupAlertRules()].flatMap((r) => [...r.expr.matchAll(/\bjob="([^"]+)"/g)].map((m) => m[1]));
        expect(named, "alerts select jobs by name").to.include(JOBS.alloy);
        for (const job of named) expect(jobs, job).to.have.property(job);
    });

    it("scrapes each service of the stack at the address where it answers", () => {
        const jobs = stackJobs();
        // Cloud Monitoring's exporter runs only where the apps are on Cloud Run (test/observability/cloudRun.test.ts).
        const { apps, cloudMonitoring: _cloudMonitoring, ...infra } = JOBS;
        for (const [key, job] of Object.entries(infra)) {
            const endpoint = ENDPOINTS[key as keyof typeof infra];
            expect(jobs[job]?.static_configs, job).to.deep.equal([{ targets: [hostPort(endpoint)] }]);
            expect(jobs[job].metrics_path, job).to.equal("/metrics");
        }
        expect(jobs[apps].static_configs).to.deep.equal(services.map((s) => ({ targets: [`${s.name}:${s.port}`], labels: { service: s.name } })));
    });

    it("sends the alerts of the stack to its Alertmanager", () => {
        const { files } = renderStackFiles({ environment: "staging" });
        const config = YAML.parse(files["prometheus/etc/prometheus/prometheus.yml"]);
        expect(config.alerting.alertmanagers).to.deep.equal([{ static_configs: [{ targets: [hostPort(ENDPOINTS.alertmanager)] }] }]);
        expect(config.global.external_labels).to.deep.equal({ environment: "staging" });
    });

    it("scrapes Alloy only where it runs, at the default interval", () => {
        const job = (targets: Obj) =>
            (renderPrometheusConfig({ ...base(), targets: { ...base().targets, ...targets } }).scrape_configs as Obj[]).find((j) => j.job_name === JOBS.alloy);
        expect(job({ alloy: undefined })).to.equal(undefined);
        expect(job({ alloy: "alloy:12345" })).to.deep.equal({ job_name: "alloy", metrics_path: "/metrics", static_configs: [{ targets: ["alloy:12345"] }] });
    });

    it("a malformed interval names the setting it came from", () => {
        for (const key of ["scrapeInterval", "exporterScrapeInterval", "evaluationInterval"] as const) {
            expect(() => renderPrometheusConfig({ ...base(), [key]: "15 seconds" }), key).to.throw(`${key}: "15 seconds" is not a Prometheus duration`);
        }
    });
});
