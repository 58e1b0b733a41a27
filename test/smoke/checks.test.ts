// Each smoke check against a local stack of real servers: once passing, once failing for the
// reason it exists to catch. Requests to service-network names go to the local addresses.
import { expect } from "chai";
import {
    CheckContext,
    SmokeCheck,
    allChecks,
    alertmanagerConfigCheck,
    grafanaDashboardsCheck,
    grafanaLoginCheck,
    healthCheck,
    lokiLogsCheck,
    prometheusRulesCheck,
    prometheusTargetsCheck,
    publicCheck,
} from "../../scripts/smoke/checks";
import { expectedFacts } from "../../scripts/smoke/expected";
import { directGet, HttpGet } from "../../scripts/smoke/http";
import { CheckOutcome, runCheck } from "../../scripts/smoke/report";
import { freePort, requireBinaries, waitFor } from "../support/processes";
import { GRAFANA_PASSWORD, LocalStack, SMOKE_BINARIES } from "./localStack";

/** GET through a host map, as the containers on the service network resolve names. */
export function mappedGet(hosts: Record<string, string>): HttpGet {
    return (url, options) => {
        const u = new URL(url);
        const to = hosts[u.host];
        if (!to) return Promise.reject(new Error(`bad address '${u.host}'`));
        u.host = to;
        return directGet(u.toString(), options);
    };
}

describe("smoke checks against real local servers", function () {
    this.timeout(180_000);
    let stack: LocalStack;

    before(async function () {
        const bins = requireBinaries(this, SMOKE_BINARIES);
        stack = new LocalStack(bins);
        await stack.start();
    });
    after(async function () {
        this.timeout(60_000);
        await stack?.stop();
    });

    function context(overrides: Partial<CheckContext> = {}): CheckContext {
        return {
            endpoints: stack.endpoints,
            expected: expectedFacts(),
            internal: mappedGet(stack.hosts),
            publicGet: () => directGet,
            grafanaAdmin: { user: "admin", password: GRAFANA_PASSWORD },
            notificationsOn: false,
            logsWindow: "24h",
            recentWindow: "5m",
            ...overrides,
        };
    }

    /** Targets need a scrape or two after a change: checks get a bounded wait, as in the CLI. */
    const run = (check: SmokeCheck, timeoutMs = 60_000): Promise<CheckOutcome> => runCheck(check, { timeoutMs, intervalMs: 500 });

    async function expectPass(check: SmokeCheck, detail?: RegExp) {
        const o = await run(check);
        expect(o.ok, `${check.name}: ${o.detail}`).to.equal(true);
        if (detail) expect(o.detail).to.match(detail);
    }

    async function expectFail(check: SmokeCheck, detail: RegExp, timeoutMs = 3_000) {
        const o = await run(check, timeoutMs);
        expect(o.ok, `${check.name} should fail`).to.equal(false);
        expect(o.detail).to.match(detail);
        return o;
    }

    it("all pass on the healthy stack", async () => {
        const outcomes = await Promise.all(allChecks(context()).map((c) => run(c, 45_000)));
        const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.detail}`);
        expect(failed).to.deep.equal([]);
        expect(outcomes.map((o) => o.name)).to.include.members(["health dashboard", "prometheus targets", "loki logs", "public dashboard"]);
    });

    it("health: an app that stopped answering fails", async () => {
        const check = healthCheck(context(), "ml-service", stack.endpoints.internal.apps["ml-service"]);
        await expectPass(check, /answered 200/);
        await stack.stopApp("ml-service");
        try {
            await expectFail(check, /^no answer from 127\.0\.0\.1:\d+: ECONNREFUSED$/);
        } finally {
            await stack.startApp("ml-service");
        }
    });

    it("prometheus targets: a down exporter fails, naming the job", async () => {
        const check = prometheusTargetsCheck(context());
        await expectPass(check, /targets up/);
        await stack.stopRedisExporter();
        try {
            // A check that runs before the next scrape still sees the old "up": wait for Prometheus to notice.
            await waitFor(
                "Prometheus to see redis-exporter down",
                async () => {
                    const r: any = await (await fetch(`${stack.prometheusUrl}/api/v1/targets?state=active`)).json();
                    return r.data.activeTargets.some((t: any) => t.labels.job === "redis-exporter" && t.health === "down") ? true : undefined;
                },
                60_000,
            );
            await expectFail(check, /redis-exporter 127\.0\.0\.1:\d+: down \(.*connection refused/);
        } finally {
            stack.startRedisExporter();
        }
        await expectPass(check);
    });

    it("prometheus targets: a job missing from the config fails", async () => {
        const wanted = { ...expectedFacts(), scrapeTargets: [...expectedFacts().scrapeTargets, { job: "apps", service: "no-such-service" }] };
        await expectFail(prometheusTargetsCheck(context({ expected: wanted })), /no target for job apps service no-such-service/);
    });

    it("prometheus rules: a Prometheus without the rule files fails", async () => {
        const check = prometheusRulesCheck(context());
        await expectPass(check, /18 alerts and 4 recording rules loaded/);
        let rules: string[] = [];
        stack.editPrometheusConfig((c) => {
            rules = c.rule_files as string[];
            return { ...c, rule_files: [] };
        });
        await stack.reload(stack.prometheusUrl);
        try {
            // 18 alerts and 4 recording rules are all missing; the line lists the first and counts them.
            await expectFail(check, /^alert \w+ not loaded; .*\(22 in all\)$/);
        } finally {
            stack.editPrometheusConfig((c) => ({ ...c, rule_files: rules }));
            await stack.reload(stack.prometheusUrl);
        }
        await expectPass(check);
    });

    it("alertmanager config: a missing receiver fails, and silent Slack receivers fail when notifications are on", async () => {
        const check = alertmanagerConfigCheck(context());
        await expectPass(check, /deadmans-switch/);
        await expectFail(alertmanagerConfigCheck(context({ notificationsOn: true })), /receiver slack-critical sends nothing although notifications are on/);
        let saved: Record<string, any> = {};
        stack.editAlertmanagerConfig((c) => {
            saved = structuredClone(c);
            const routes = c.route.routes.filter((r: any) => r.receiver !== "deadmans-switch");
            return { ...c, route: { ...c.route, routes }, receivers: c.receivers.filter((r: any) => r.name !== "deadmans-switch") };
        });
        await stack.reload(stack.alertmanagerUrl);
        try {
            await expectFail(check, /receiver deadmans-switch missing/);
        } finally {
            stack.editAlertmanagerConfig(() => saved);
            await stack.reload(stack.alertmanagerUrl);
        }
        await expectPass(check);
    });

    it("grafana login: a password Grafana does not take fails", async () => {
        await expectPass(grafanaLoginCheck(context()), /logged in as admin/);
        const o = await expectFail(
            grafanaLoginCheck(context({ grafanaAdmin: { user: "admin", password: "not-the-stack-password" } })),
            /grafanaAdminPassword was refused \(HTTP 401\)/,
        );
        expect(o.detail).not.to.include("not-the-stack-password");
    });

    it("grafana dashboards: a missing dashboard or one outside the MiniMarket folder fails", async () => {
        const check = grafanaDashboardsCheck(context());
        await expectPass(check, /4 dashboards in folder MiniMarket/);
        const all = stack.grafana.dashboards;
        try {
            stack.grafana.dashboards = all.filter((d) => d.uid !== "minimarket-performance");
            await expectFail(check, /dashboard minimarket-performance missing/);
            stack.grafana.dashboards = all.map((d) => (d.uid === "minimarket-ml-service" ? { uid: d.uid } : d));
            await expectFail(check, /dashboard minimarket-ml-service in folder "General", not MiniMarket/);
        } finally {
            stack.grafana.dashboards = all;
        }
    });

    it("loki logs: a container without lines, or an app without recent lines, fails", async () => {
        const check = lokiLogsCheck(context());
        await expectPass(check, /containers in the last 24h, apps in the last 5m/);
        const saved = [...stack.loki.lines];
        try {
            stack.loki.forget("minimarket-smoke-alloy");
            await expectFail(check, /no lines in the last 24h from minimarket-smoke-alloy$/);
            stack.loki.lines.splice(0, stack.loki.lines.length, ...saved);
            stack.loki.forget("agente-negocio");
            // An earlier container of the service, auto-named like every app container, logged 10 min ago.
            stack.loki.lines.push({
                labels: { environment: "smoke", container: "agente-negocio-0a1b2c3", service: "agente-negocio" },
                at: Date.now() - 10 * 60_000,
            });
            await expectFail(check, /^no lines in the last 5m from agente-negocio$/);
        } finally {
            stack.loki.lines.splice(0, stack.loki.lines.length, ...saved);
        }
        // The queries select this stack's environment only.
        expect(stack.loki.queries.every((q) => q.includes('environment="smoke"'))).to.equal(true);
    });

    it("public dashboard: a URL where nothing answers fails", async () => {
        await expectPass(publicCheck(context(), "dashboard"), /answered 200/);
        await expectPass(publicCheck(context(), "grafana"), /\/api\/health answered 200/);
        const closed = `http://127.0.0.1:${await freePort()}`;
        const elsewhere = { ...stack.endpoints, public: { ...stack.endpoints.public, dashboard: closed } };
        await expectFail(publicCheck(context({ endpoints: elsewhere }), "dashboard"), /^no answer from 127\.0\.0\.1:\d+: ECONNREFUSED$/);
    });
});
