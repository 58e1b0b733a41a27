// The observability files of a cloudrun stack: the ops VM's Prometheus takes the apps' series by
// remote write and scrapes Cloud Monitoring's exporter, each app's agent scrapes its instance,
// Alloy pulls Cloud Run's logs, and the dashboards read Cloud Run's CPU and memory.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { CLOUD_MONITORING_EXPORTER, hostPort } from "../../facts/endpoints";
import { JOBS } from "../../facts/telemetry";
import { scrapeTargets } from "../../renderers/observability/stackFiles";
import { alertRuleGroups, alertRules, dashboards, listPanels, prometheusFlags, renderStackFiles } from "../../renderers/observability";
import { stackdriverName } from "../../renderers/cloudRunMeasures";
import { agentStartScript, renderAgentConfig } from "../../renderers/observability/metricsAgent";
import { parseAlloy } from "../support/alloySyntax";
import { makeTempDir, requireBinaries, run } from "../support/processes";

type Obj = Record<string, any>;
const cloudRun = { projectId: "minimarket-prod-4711", logSubscription: "minimarket-prod-cloud-run-logs" };

function files() {
    return renderStackFiles({ environment: "prod", cloudRun }).files;
}

describe("observability of a cloudrun stack", () => {
    it("scrapes no app (their agents push), and Cloud Run's CPU and memory from Cloud Monitoring once a minute", () => {
        const config = YAML.parse(files()["prometheus/etc/prometheus/prometheus.yml"]);
        const jobs = Object.fromEntries((config.scrape_configs as Obj[]).map((j) => [j.job_name, j]));
        expect(jobs).not.to.have.property(JOBS.apps);
        // Without the flag (the smoke check's expectations), the Docker host's targets: the apps scraped.
        expect(scrapeTargets()).to.deep.equal(scrapeTargets(false));
        expect(scrapeTargets().apps).not.to.deep.equal(scrapeTargets(true).apps);
        expect(jobs[JOBS.cloudMonitoring]).to.deep.equal({
            job_name: "cloud-monitoring",
            scrape_interval: "60s",
            metrics_path: "/metrics",
            static_configs: [{ targets: [hostPort(CLOUD_MONITORING_EXPORTER)] }],
        });
        // Every job an alert selects is scraped, but `apps`: that one arrives by remote write.
        const named = alertRules({ runtime: "cloudrun" }).flatMap((r) => [...r.expr.matchAll(/\bjob="([^"]+)"/g)].map((m) => m[1]));
        for (const job of named.filter((j) => j !== JOBS.apps)) expect(jobs, job).to.have.property(job);
        expect(prometheusFlags({ retention: "30d", remoteWriteReceiver: true })).to.include("--web.enable-remote-write-receiver");
        expect(prometheusFlags({ retention: "30d" })).not.to.include("--web.enable-remote-write-receiver");
    });

    it("writes the alert rules with Cloud Run's measures into the ops VM's Prometheus, the Docker host's without them", () => {
        const rules = (f: Record<string, string>) => f["prometheus/etc/prometheus/rules/alerts.yml"];
        const onCloudRun = YAML.stringify({ groups: alertRuleGroups({ runtime: "cloudrun" }) });
        expect(rules(files())).to.include(alertRules({ runtime: "cloudrun" }).find((r) => r.alert === "MemoryPressure")!.expr);
        expect(rules(files())).not.to.equal(rules(renderStackFiles({ environment: "prod" }).files));
        expect(YAML.parse(rules(files()))).to.deep.equal(YAML.parse(onCloudRun));
    });

    it("pulls Cloud Run's logs from Pub/Sub into the same Loki, labelled like the containers' lines", () => {
        const text = files()["alloy/etc/alloy/config.alloy"];
        const nodes = parseAlloy(text);
        const gcplog = nodes.find((n) => n.kind === "block" && n.name === "loki.source.gcplog");
        expect(gcplog, text).not.to.equal(undefined);
        expect(text).to.include('project_id             = "minimarket-prod-4711"').and.include('subscription           = "minimarket-prod-cloud-run-logs"');
        expect(text).to.include('regex         = "(?:.*-)?(agente-deposito|agente-negocio|ml-service|dashboard)"');
        expect(text).to.include('expressions = {\n      level = "jsonPayload.level",');
        // The whole Cloud Run pipeline, written out: the service label as the containers' lines have it, the
        // whole name as `container`, the environment, the level from the apps' JSON, lower-cased, into the same Loki.
        expect(text).to.include(
            [
                'loki.relabel "cloud_run" {',
                "  forward_to = []",
                "",
                "  rule {",
                '    source_labels = ["__gcp_resource_labels_service_name"]',
                '    regex         = "(?:.*-)?(agente-deposito|agente-negocio|ml-service|dashboard)"',
                '    target_label  = "service"',
                "  }",
                "",
                "  rule {",
                '    source_labels = ["__gcp_resource_labels_service_name"]',
                '    target_label  = "container"',
                "  }",
                "}",
                "",
                'loki.source.gcplog "cloud_run" {',
                "  pull {",
                '    project_id             = "minimarket-prod-4711"',
                '    subscription           = "minimarket-prod-cloud-run-logs"',
                "    use_incoming_timestamp = true",
                "    labels                 = {",
                '      environment = "prod",',
                "    }",
                "  }",
                "",
                "  relabel_rules = loki.relabel.cloud_run.rules",
                "  forward_to    = [loki.process.cloud_run.receiver]",
                "}",
                "",
                'loki.process "cloud_run" {',
                "  stage.json {",
                "    expressions = {",
                '      level = "jsonPayload.level",',
                "    }",
                "  }",
                "",
                "  stage.template {",
                '    source   = "level"',
                '    template = "{{ if .Value }}{{ ToLower .Value }}{{ end }}"',
                "  }",
                "",
                "  stage.labels {",
                "    values = {",
                '      level = "",',
                "    }",
                "  }",
                "",
                "  forward_to = [loki.write.loki.receiver]",
                "}",
            ].join("\n"),
        );
        // The Docker host's own containers still ship as before.
        expect(text).to.include('loki.source.docker "containers"');
        expect(renderStackFiles({ environment: "prod" }).files["alloy/etc/alloy/config.alloy"]).not.to.include("gcplog");
    });

    it("shows Cloud Run's busiest instance beside the Docker containers in the resource panels", () => {
        const panels = (runtime: "docker" | "cloudrun") =>
            dashboards({}, runtime).flatMap((d) =>
                listPanels(d.model)
                    .filter((p) => /CPU|memory/.test(p.title))
                    .flatMap((p) => p.targets.map((t) => `${p.title}: ${t.expr}`)),
            );
        const cloudrun = panels("cloudrun").filter((t) => t.includes("stackdriver_cloud_run_revision"));
        expect(cloudrun.length).to.equal(4);
        expect(cloudrun.find((t) => t.startsWith("ML service"))).to.include('service_name=~"(?:.*-)?(ml-service)"');
        expect(panels("docker").filter((t) => t.includes("stackdriver"))).to.deep.equal([]);
        // Each series named and sampled at its source's pace: cAdvisor's 30 s, Cloud Monitoring's 60 s.
        const legends = (runtime: "docker" | "cloudrun") =>
            dashboards({}, runtime).flatMap((d) =>
                ((d.model.panels ?? []) as Array<{ title?: string; targets?: Array<{ legendFormat?: string; interval?: string }> }>)
                    .filter((p) => /CPU|memory/.test(p.title ?? ""))
                    .map((p) => [p.title, (p.targets ?? []).map((t) => `${t.legendFormat} @${t.interval}`)]),
            );
        expect(legends("docker")).to.deep.equal([
            ["Container CPU (% of limit)", ["{{name}} @30s"]],
            ["Container memory (% of limit)", ["{{name}} @30s"]],
            ["ML service CPU and memory (% of limit)", ["CPU @30s", "memory @30s"]],
        ]);
        expect(legends("cloudrun")).to.deep.equal([
            ["Container CPU (% of limit)", ["{{name}} @30s", "{{service_name}} @60s"]],
            ["Container memory (% of limit)", ["{{name}} @30s", "{{service_name}} @60s"]],
            ["ML service CPU and memory (% of limit)", ["CPU @60s", "memory @60s"]],
        ]);
    });
});

describe("Cloud Monitoring's series as stackdriver_exporter names them", () => {
    it("joins the resource type and the metric type, each lower-cased with its punctuation as _", () => {
        expect(stackdriverName("cloud_run_revision", "run.googleapis.com/container/cpu/utilizations")).to.equal(
            "stackdriver_cloud_run_revision_run_googleapis_com_container_cpu_utilizations",
        );
        expect(stackdriverName("_gce_instance_", "/compute.googleapis.com//instance/")).to.equal("stackdriver_gce_instance_compute_googleapis_com_instance");
        // camelcase.Split would cut these where the model does not: refused rather than named wrong.
        expect(() => stackdriverName("cloudRunRevision", "x")).to.throw("not modelled: cloudRunRevision x");
        expect(() => stackdriverName("x", "run.googleapis.com/v2/y")).to.throw("not modelled");
    });
});

describe("the apps' metrics agent", () => {
    const config = () =>
        renderAgentConfig({ environment: "prod", service: "dashboard", port: 8080, remoteWriteUrl: "http://ops.prod.minimarket.internal:9090/api/v1/write" });

    it("scrapes its own instance as job apps, labels each instance apart, and remote-writes to the ops VM", () => {
        expect(YAML.parse(config())).to.deep.equal({
            global: { scrape_interval: "15s", external_labels: { environment: "prod", cloud_run_instance: "${CLOUD_RUN_INSTANCE}" } },
            scrape_configs: [
                { job_name: "apps", metrics_path: "/metrics", static_configs: [{ targets: ["127.0.0.1:8080"], labels: { service: "dashboard" } }] },
            ],
            remote_write: [{ url: "http://ops.prod.minimarket.internal:9090/api/v1/write" }],
        });
    });

    it("is a valid agent-mode config for promtool", function () {
        const promtool = requireBinaries(this, ["promtool"]).promtool;
        const dir = makeTempDir("minimarket-agent");
        try {
            fs.writeFileSync(path.join(dir, "agent.yml"), config());
            const result = run(promtool, ["check", "config", "--agent", "agent.yml"], { cwd: dir });
            expect(result.code, result.output).to.equal(0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("start script, against a fake metadata server and a fake prometheus", () => {
        let dir: string;
        beforeEach(() => (dir = makeTempDir("minimarket-agent-start")));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        /** wget answers the instance id after `fail` failed tries; prometheus records its args, its environment and its config. */
        function start(fail: number, attempts = 3) {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin);
            fs.writeFileSync(
                path.join(bin, "wget"),
                `#!/bin/sh\necho "$*" >> "${dir}/wget"\nn=$(wc -l < "${dir}/wget")\n[ "$n" -gt ${fail} ] || exit 1\nprintf 4215fb2a0c9e`,
                { mode: 0o755 },
            );
            fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\n", { mode: 0o755 });
            fs.writeFileSync(
                path.join(bin, "prometheus"),
                `#!/bin/sh\necho "$*" > "${dir}/args"\necho "$CLOUD_RUN_INSTANCE" > "${dir}/instance"\ncp "${dir}/written.yml" "${dir}/agent.yml"\n`,
                { mode: 0o755 },
            );
            // The sidecar writes to its own /tmp; here the script writes into the test's directory.
            const script = agentStartScript(attempts)
                .replace("exec /bin/prometheus", `exec ${bin}/prometheus`)
                .replace("> /tmp/agent.yml", `> "${dir}/written.yml"`);
            const result = run("sh", ["-c", `PATH=${bin}:/usr/bin:/bin; export PATH; ${script}`], {});
            const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8").trim() : undefined);
            return {
                code: result.code,
                output: result.output,
                args: read("args"),
                instance: read("instance"),
                config: read("agent.yml"),
                tries: read("wget")?.split("\n"),
            };
        }

        it("asks the metadata server for the instance id, then runs prometheus in agent mode with the config from its environment", () => {
            process.env.AGENT_CONFIG = "global: {}";
            try {
                const r = start(1);
                expect(r.code, r.output).to.equal(0);
                expect(r.tries).to.deep.equal([
                    "-q -T 5 -O - --header Metadata-Flavor: Google http://metadata.google.internal/computeMetadata/v1/instance/id",
                    "-q -T 5 -O - --header Metadata-Flavor: Google http://metadata.google.internal/computeMetadata/v1/instance/id",
                ]);
                expect(r.instance).to.equal("4215fb2a0c9e");
                expect(r.config).to.equal("global: {}");
                expect(r.args).to.equal("--agent --config.file=/tmp/agent.yml --storage.agent.path=/tmp/agent-data --web.listen-address=127.0.0.1:9091");
            } finally {
                delete process.env.AGENT_CONFIG;
            }
        });

        it("refuses to start without its config, rather than run Prometheus on an empty one", () => {
            delete process.env.AGENT_CONFIG;
            const r = start(0);
            expect(r.code).not.to.equal(0);
            expect(r.output).to.include("AGENT_CONFIG");
            expect(r.args).to.equal(undefined);
        });

        it("gives up after its tries and exits non-zero, so Cloud Run restarts the sidecar", () => {
            const r = start(99, 3);
            expect(r.code).to.equal(1);
            expect(r.output).to.include("no instance id from the metadata server");
            expect(r.tries).to.have.length(3);
            expect(r.args).to.equal(undefined);
        });
    });
});
