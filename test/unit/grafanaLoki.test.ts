// Grafana provisioning and Loki settings that operators rely on: which datasource is the default
// and how it queries, that dashboards cannot be edited away, Grafana's privacy and login settings,
// and Loki limits that would silently not work. Structure is asserted, not the file text.

import { expect } from "chai";
import { dashboardProviderConfig, datasourcesConfig, grafanaEnv } from "../../renderers/observability/grafana";
import { DEFAULT_LOKI_LIMITS, LokiLimits, lokiConfig } from "../../renderers/observability/loki";

type Obj = Record<string, any>;

describe("unit: grafana provisioning", () => {
    const byName = (input = {}): Record<string, Obj> => Object.fromEntries((datasourcesConfig(input).datasources as Obj[]).map((d) => [d.name, d]));

    it("queries Prometheus by POST at the scrape interval, through Grafana's proxy", () => {
        const ds = byName();
        expect(Object.keys(ds)).to.deep.equal(["Prometheus", "Loki", "Alertmanager"]);
        for (const d of Object.values(ds) as Obj[]) expect(d, d.name).to.deep.include({ access: "proxy", editable: false });
        expect(ds.Prometheus).to.deep.include({ type: "prometheus", isDefault: true });
        expect(ds.Prometheus.jsonData).to.deep.include({ httpMethod: "POST", prometheusType: "Prometheus", timeInterval: "15s" });
        expect(byName({ scrapeInterval: "30s" }).Prometheus.jsonData.timeInterval).to.equal("30s");
        expect(ds.Loki).to.deep.include({ type: "loki", isDefault: false });
        expect(ds.Loki.jsonData.maxLines).to.equal(1000);
        expect(ds.Alertmanager).to.deep.include({ type: "alertmanager", isDefault: false });
        expect(ds.Alertmanager.jsonData).to.deep.include({ implementation: "prometheus", handleGrafanaManagedAlerts: false });
    });

    it("keeps provisioned dashboards from being deleted or changed in the UI, and rereads them", () => {
        const provider = (dashboardProviderConfig().providers as Obj[])[0];
        expect(provider).to.deep.include({ name: "minimarket", orgId: 1, disableDeletion: true, allowUiUpdates: false });
        expect(provider.updateIntervalSeconds).to.be.a("number").and.be.at.most(60);
    });

    it("signs in as admin unless told, with basic auth, and no Gravatar, org creation, news or feedback links", () => {
        const env = grafanaEnv();
        expect(env).to.deep.include({
            GF_SECURITY_ADMIN_USER: "admin",
            GF_SECURITY_DISABLE_GRAVATAR: "true",
            GF_SECURITY_COOKIE_SAMESITE: "lax",
            GF_AUTH_BASIC_ENABLED: "true",
            GF_USERS_ALLOW_ORG_CREATE: "false",
            GF_ANALYTICS_FEEDBACK_LINKS_ENABLED: "false",
            GF_NEWS_NEWS_FEED_ENABLED: "false",
            GF_LOG_MODE: "console",
        });
        expect(grafanaEnv({ adminUser: "ops" }).GF_SECURITY_ADMIN_USER).to.equal("ops");
        expect(env).not.to.have.property("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        expect(env).not.to.have.property("GF_SERVER_ROOT_URL");
        expect(env).not.to.have.property("GF_SECURITY_COOKIE_SECURE");
    });
});

describe("unit: loki limits and settings", () => {
    const limits = (over: Partial<LokiLimits>) => ({ ...DEFAULT_LOKI_LIMITS, ...over });

    it("accepts whole days of retention, a lookback up to it, and a burst at least the rate", () => {
        expect(() => lokiConfig(limits({ retentionPeriod: "24h", maxQueryLookback: "24h" }))).not.to.throw();
        expect(() => lokiConfig(limits({ ingestionRateMb: 20, ingestionBurstSizeMb: 20 }))).not.to.throw();
        for (const retentionPeriod of ["0h", "12h", "25h", "30d", "720"]) {
            expect(() => lokiConfig(limits({ retentionPeriod, maxQueryLookback: "1h" })), retentionPeriod).to.throw(/retention_period|duration in hours/);
        }
        expect(() => lokiConfig(limits({ retentionPeriod: "720h", maxQueryLookback: "744h" }))).to.throw(/max_query_lookback must not exceed retention_period/);
        expect(() => lokiConfig(limits({ ingestionRateMb: 20, ingestionBurstSizeMb: 19 }))).to.throw(
            /ingestion_burst_size_mb must be at least ingestion_rate_mb/,
        );
        expect(() => lokiConfig(limits({ retentionPeriod: "x720h" }))).to.throw(/expected a duration in hours like "720h", got "x720h"/);
    });

    it("drops samples older than a week, keeps reporting off, and runs alone", () => {
        const c = lokiConfig() as Obj;
        expect(c.limits_config).to.deep.include({
            reject_old_samples: true,
            reject_old_samples_max_age: "168h",
            allow_structured_metadata: true,
            volume_enabled: true,
        });
        expect(c.analytics).to.deep.equal({ reporting_enabled: false });
        expect(c.common).to.deep.include({ replication_factor: 1, instance_addr: "127.0.0.1" });
        expect(c.common.ring).to.deep.equal({ kvstore: { store: "inmemory" } });
        expect(c.server).to.deep.include({ grpc_listen_port: 9096, log_level: "info" });
        expect(c.compactor).to.deep.include({ compaction_interval: "10m", retention_delete_delay: "2h" });
        expect(c.schema_config.configs[0].index.prefix).to.equal("index_");
    });

    it("gives every store its own directory", () => {
        const c = lokiConfig() as Obj;
        const dirs = [
            c.common.storage.filesystem.chunks_directory,
            c.common.storage.filesystem.rules_directory,
            c.storage_config.tsdb_shipper.active_index_directory,
            c.storage_config.tsdb_shipper.cache_location,
            c.compactor.working_directory,
        ];
        expect(new Set(dirs).size).to.equal(dirs.length);
        for (const d of dirs) expect(d).to.match(/^\/loki\/[a-z-]+$/);
    });
});
