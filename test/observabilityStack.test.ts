// The observability containers as the program declares them (Pulumi mocks): pinned images, kept
// volumes, secrets kept secret, only operator ports on 127.0.0.1, and config that reaches exactly
// the container that reads it.

import { expect } from "chai";
import { isPinned, parseImageRef } from "../facts/images";
import { parseConfig, scheduledBackups } from "../config";
import { alertmanagerCommand, filesOf, prometheusFlags, renderStackFiles } from "../renderers/observability";
import { rawConfigOf } from "../config";
import {
    byType,
    containerEnv,
    dependenciesOf,
    isSecretWrapper,
    named,
    plainOccurrences,
    ProgramRun,
    Registered,
    runProgram,
    stackFileConfig,
    unwrap,
} from "./support/program";

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const COMMAND = "command:local:Command";
const webhook = "https://hooks.slack.com/services/T000/B000/very-secret-token";

function uploads(c: Registered): Record<string, string> {
    const list = (unwrap(c.inputs.uploads) ?? []) as Array<{ file: string; content: string }>;
    return Object.fromEntries(list.map((u) => [u.file, u.content]));
}

function changedContainers(a: ProgramRun, b: ProgramRun): string[] {
    const inputs = (run: ProgramRun) => new Map(byType(run, CONTAINER).map((c) => [c.name, JSON.stringify(unwrap(c.inputs))]));
    const before = inputs(a);
    const after = inputs(b);
    return [...before.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
}

describe("observability stack on staging", () => {
    let run: ProgramRun;
    let withSlack: ProgramRun;
    before(async () => {
        run = await runProgram({});
        withSlack = await runProgram({ config: { slackWebhookUrl: webhook }, secretKeys: ["slackWebhookUrl"] });
        expect(run.error, run.error?.stack).to.equal(undefined);
        expect(withSlack.error, withSlack.error?.stack).to.equal(undefined);
    });

    it("pulls only pinned images, cAdvisor from its current registry", () => {
        for (const image of byType(run, "docker:index/remoteImage:RemoteImage")) {
            const ref = parseImageRef(String(image.inputs.name));
            expect(ref, String(image.inputs.name)).not.to.equal(undefined);
            expect(isPinned(ref!), String(image.inputs.name)).to.equal(true);
        }
        expect(byType(run, "docker:index/remoteImage:RemoteImage").map((i) => i.inputs.name)).to.include("ghcr.io/google/cadvisor:v0.60.5");
    });

    it("keeps data on named volumes that survive replacement and destroy", () => {
        const mounts: Record<string, [string, string]> = {
            prometheus: ["prometheus-data", "/prometheus"],
            alertmanager: ["alertmanager-data", "/alertmanager"],
            grafana: ["grafana-data", "/var/lib/grafana"],
            loki: ["loki-data", "/loki"],
            alloy: ["alloy-data", "/var/lib/alloy/data"],
        };
        for (const [service, [volume, path]] of Object.entries(mounts)) {
            const v = named(run, VOLUME, volume);
            expect(v.options.retainOnDelete, volume).to.equal(true);
            expect(v.inputs.name).to.equal(`minimarket-staging-${volume}`);
            expect(unwrap(named(run, CONTAINER, service).inputs.volumes)).to.deep.include({ volumeName: `minimarket-staging-${volume}`, containerPath: path });
        }
    });

    it("leaves Grafana's host port to the proxy in front of it, and publishes Prometheus and Alertmanager on 127.0.0.1 only", () => {
        expect(unwrap(named(run, CONTAINER, "grafana").inputs.ports)).to.deep.equal([]);
        expect(unwrap(named(run, CONTAINER, "proxy").inputs.ports)).to.deep.include({ internal: 3000, external: 3000, ip: "0.0.0.0" });
        expect(unwrap(named(run, CONTAINER, "prometheus").inputs.ports)).to.deep.equal([{ internal: 9090, external: 9090, ip: "127.0.0.1" }]);
        expect(unwrap(named(run, CONTAINER, "alertmanager").inputs.ports)).to.deep.equal([{ internal: 9093, external: 9093, ip: "127.0.0.1" }]);
        for (const name of ["loki", "alloy", "node-exporter", "cadvisor", "postgres-exporter", "redis-exporter"]) {
            expect(unwrap(named(run, CONTAINER, name).inputs.ports), name).to.deep.equal([]);
        }
        expect(run.outputs.grafanaUrl).to.equal("http://localhost:3000");
    });

    it("delivers exactly the rendered files, so what `npm run render` shows is what runs", () => {
        const config = parseConfig(rawConfigOf(stackFileConfig("staging")), "staging");
        const { files } = renderStackFiles({ environment: config.environment, backups: scheduledBackups(config) });
        for (const container of ["prometheus", "alertmanager", "grafana", "loki", "alloy"]) {
            expect(uploads(named(run, CONTAINER, container)), container).to.deep.equal(filesOf(files, container));
        }
        expect(Object.keys(uploads(named(run, CONTAINER, "prometheus")))).to.include.members([
            "/etc/prometheus/prometheus.yml",
            "/etc/prometheus/rules/alerts.yml",
            "/etc/prometheus/rules/recording.yml",
        ]);
    });

    it("gives alert rules to Prometheus alone: a threshold change replaces no other container", () => {
        for (const c of byType(run, CONTAINER)) {
            const carriesRules = Object.values(uploads(c)).some((text) => text.includes("alert: HighErrorRate"));
            expect(carriesRules, c.name).to.equal(c.name === "prometheus");
        }
    });

    it("runs Alertmanager and Prometheus with the commands the real-binary tests run (test/support/processes.ts localArgv)", () => {
        expect(unwrap(named(run, CONTAINER, "alertmanager").inputs.command)).to.deep.equal(alertmanagerCommand());
        expect(unwrap(named(run, CONTAINER, "alertmanager").inputs.command)).to.include("--cluster.listen-address=");
        expect(unwrap(named(run, CONTAINER, "prometheus").inputs.command)).to.deep.equal(prometheusFlags({ retention: "7d" }));
    });

    it("a Prometheus setting (retention) changes the Prometheus container only", async () => {
        const longer = await runProgram({ config: { metricsRetention: "14d" } });
        expect(changedContainers(run, longer)).to.deep.equal(["prometheus"]);
        expect(named(longer, CONTAINER, "prometheus").inputs.command).to.include("--storage.tsdb.retention.time=14d");
        expect(named(run, CONTAINER, "prometheus").inputs.command).to.include("--storage.tsdb.retention.time=7d");
    });

    it("keeps exporter credentials secret and percent-encoded", () => {
        const pgExporter = named(run, CONTAINER, "postgres-exporter");
        expect(isSecretWrapper(pgExporter.inputs.envs)).to.equal(true);
        const dsn = new URL(containerEnv(pgExporter).DATA_SOURCE_NAME);
        expect(dsn.username).to.equal("minimarket_monitor");
        expect(dsn.hostname).to.equal("postgres");
        expect(dsn.searchParams.get("sslmode")).to.equal("disable");
        const monitorPassword = (unwrap(run.outputs.secrets) as Record<string, string>).postgresMonitorPassword;
        expect(decodeURIComponent(dsn.password)).to.equal(monitorPassword);

        const redisExporter = named(run, CONTAINER, "redis-exporter");
        expect(isSecretWrapper(redisExporter.inputs.envs)).to.equal(true);
        expect(containerEnv(redisExporter)).to.deep.equal({
            REDIS_ADDR: "redis://redis:6379",
            REDIS_PASSWORD: (unwrap(run.outputs.secrets) as Record<string, string>).redisPassword,
        });
        for (const name of ["postgres-exporter", "redis-exporter"]) {
            const nets = (unwrap(named(run, CONTAINER, name).inputs.networksAdvanced) as Array<{ name: string }>).map((n) => n.name);
            expect(nets, name).to.include("minimarket-staging-data");
        }
        expect(dependenciesOf(run, pgExporter)).to.include(`${COMMAND}/postgres-roles`);
    });

    it("sets Grafana's admin password from the generated secret, also on a running Grafana", () => {
        const grafana = named(run, CONTAINER, "grafana");
        const env = containerEnv(grafana);
        const secrets = unwrap(run.outputs.secrets) as Record<string, string>;
        expect(env.GF_SECURITY_ADMIN_PASSWORD).to.equal(secrets.grafanaAdminPassword);
        expect(env.GF_SECURITY_SECRET_KEY).to.equal(secrets.grafanaSecretKey);
        expect(env.GF_AUTH_ANONYMOUS_ENABLED).to.equal("false");
        expect(env.GF_ANALYTICS_REPORTING_ENABLED).to.equal("false");
        expect(isSecretWrapper(grafana.inputs.envs)).to.equal(true);
        const reset = named(run, COMMAND, "grafana-admin-password");
        expect(reset.inputs.create).to.equal(
            "docker exec -i minimarket-staging-grafana grafana cli --homepath /usr/share/grafana admin reset-admin-password --password-from-stdin",
        );
        expect(isSecretWrapper(reset.inputs.stdin)).to.equal(true);
        expect(unwrap(reset.inputs.stdin)).to.equal(secrets.grafanaAdminPassword);
        expect(unwrap(reset.inputs.triggers)).to.deep.equal(["grafana-id"]);
    });

    it("rotating Grafana's password changes Grafana and its password step only", async () => {
        const rotated = await runProgram({ config: { rotations: { grafanaAdminPassword: 1 } } });
        expect(changedContainers(run, rotated)).to.deep.equal(["grafana"]);
        expect(unwrap(named(rotated, COMMAND, "grafana-admin-password").inputs.stdin)).not.to.equal(
            unwrap(named(run, COMMAND, "grafana-admin-password").inputs.stdin),
        );
    });

    it("mounts the Docker socket read-only for the log shipper, and nowhere else", () => {
        for (const c of byType(run, CONTAINER)) {
            const socket = ((unwrap(c.inputs.volumes) ?? []) as Array<{ hostPath?: string; readOnly?: boolean }>).filter(
                (v) => v.hostPath === "/var/run/docker.sock",
            );
            if (c.name === "alloy") expect(socket).to.deep.equal([{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]);
            else expect(socket, c.name).to.deep.equal([]);
        }
    });

    it("gates on readiness from outside where the image cannot probe itself, and on its own probe elsewhere", () => {
        expect(named(run, CONTAINER, "redis-exporter").inputs.healthcheck).to.equal(undefined);
        const ready = named(run, COMMAND, "alloy-ready");
        expect(ready.inputs.create).to.match(
            /^docker run --rm --network minimarket-staging-services --entrypoint sh prom\/prometheus:v3\.5\.5 -c '.*wget -q -O \/dev\/null "\$0".*' http:\/\/alloy:12345\/-\/ready$/,
        );
        for (const name of ["prometheus", "alertmanager", "grafana", "loki", "node-exporter", "cadvisor", "postgres-exporter"]) {
            const c = named(run, CONTAINER, name);
            expect((c.inputs.healthcheck as { tests: string[] }).tests[0], name).to.equal("CMD");
            expect(c.inputs.wait, name).to.equal(true);
        }
        expect(dependenciesOf(run, named(run, CONTAINER, "alloy"))).to.include(`${CONTAINER}/loki`);
    });

    it("without a Slack webhook still routes alerts and says notifications are off", () => {
        expect(String(run.outputs.notifications)).to.match(/^off: alerts reach Alertmanager but no Slack webhook is set/);
        const am = named(run, CONTAINER, "alertmanager");
        expect(isSecretWrapper(am.inputs.uploads)).to.equal(false);
        const text = uploads(am)["/etc/alertmanager/alertmanager.yml"];
        expect(text).to.include("receiver: slack-critical").and.include('severity="critical"').and.not.include("api_url");
    });

    it("with a Slack webhook puts the real URL in Alertmanager's config, as a secret and nowhere else", () => {
        expect(withSlack.outputs.notifications).to.equal("on: Slack");
        const am = named(withSlack, CONTAINER, "alertmanager");
        expect(isSecretWrapper(am.inputs.uploads)).to.equal(true);
        expect(uploads(am)["/etc/alertmanager/alertmanager.yml"]).to.include(webhook);
        for (const r of withSlack.resources) {
            expect(plainOccurrences(r.inputs, "very-secret-token"), `${r.type}/${r.name}`).to.deep.equal([]);
        }
        expect(plainOccurrences(withSlack.outputs, "very-secret-token")).to.deep.equal([]);
        expect(changedContainers(run, withSlack)).to.deep.equal(["alertmanager"]);
    });
});
