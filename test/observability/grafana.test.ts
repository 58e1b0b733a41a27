import { expect } from "chai";
import { parse } from "yaml";
import {
    DASHBOARDS_DIR,
    GRAFANA_OFFLINE_ENV,
    GRAFANA_SECRET_ENV_VARS,
    grafanaEnv,
    renderDashboardProvider,
    renderDatasources,
} from "../../renderers/observability/grafana";

type Yaml = any;

describe("grafana provisioning", () => {
    describe("datasources", () => {
        const file: Yaml = parse(renderDatasources());
        const byUid = (uid: string) => file.datasources.find((d: Yaml) => d.uid === uid);

        it("provisions Prometheus, Loki and Alertmanager with fixed uids", () => {
            expect(file.apiVersion).to.equal(1);
            expect(file.datasources.map((d: Yaml) => [d.uid, d.type])).to.deep.equal([
                ["prometheus", "prometheus"],
                ["loki", "loki"],
                ["alertmanager", "alertmanager"],
            ]);
        });

        it("points at the in-network services by default, Prometheus being the default datasource", () => {
            expect(byUid("prometheus")).to.deep.include({ url: "http://prometheus:9090", isDefault: true });
            expect(byUid("loki")).to.deep.include({ url: "http://loki:3100", isDefault: false });
            expect(byUid("alertmanager")).to.deep.include({ url: "http://alertmanager:9093", isDefault: false });
            expect(byUid("alertmanager").jsonData.implementation).to.equal("prometheus");
            expect(file.datasources.filter((d: Yaml) => d.isDefault)).to.have.length(1);
        });

        it("takes URLs and the scrape interval from its input", () => {
            const custom: Yaml = parse(
                renderDatasources({ prometheusUrl: "http://p:1", lokiUrl: "http://l:2", alertmanagerUrl: "http://a:3", scrapeInterval: "30s" }),
            );
            expect(custom.datasources.map((d: Yaml) => d.url)).to.deep.equal(["http://p:1", "http://l:2", "http://a:3"]);
            expect(custom.datasources[0].jsonData.timeInterval).to.equal("30s");
        });

        it("cannot be edited in the UI (they are code)", () => {
            for (const d of file.datasources) expect(d.editable, d.uid).to.equal(false);
        });
    });

    describe("dashboard provider", () => {
        const file: Yaml = parse(renderDashboardProvider());

        it("loads the dashboards directory into the MiniMarket folder", () => {
            expect(file.apiVersion).to.equal(1);
            expect(file.providers).to.have.length(1);
            const provider = file.providers[0];
            expect(provider).to.deep.include({ type: "file", folder: "MiniMarket", allowUiUpdates: false });
            expect(provider.options.path).to.equal(DASHBOARDS_DIR);
            expect(provider.options.foldersFromFilesStructure).to.equal(false);
        });
    });

    describe("environment", () => {
        it("turns anonymous access, sign-up, analytics, update checks and external snapshots off", () => {
            expect(grafanaEnv()).to.deep.include({
                GF_AUTH_ANONYMOUS_ENABLED: "false",
                GF_USERS_ALLOW_SIGN_UP: "false",
                GF_ANALYTICS_REPORTING_ENABLED: "false",
                GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
                GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
                GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
                GF_DATE_FORMATS_DEFAULT_TIMEZONE: "America/Argentina/Buenos_Aires",
            });
        });

        it("reaches nothing outside on its own: no plugin downloads or updates at start, no key fetch, catalog, reports, checks, news, gravatar or snapshot upload", () => {
            const offline = {
                GF_PLUGINS_PREINSTALL_DISABLED: "true",
                GF_PLUGINS_PREINSTALL_AUTO_UPDATE: "false",
                GF_PLUGINS_PUBLIC_KEY_RETRIEVAL_DISABLED: "true",
                GF_PLUGINS_PLUGIN_ADMIN_ENABLED: "false",
                GF_ANALYTICS_REPORTING_ENABLED: "false",
                GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
                GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
                GF_ANALYTICS_FEEDBACK_LINKS_ENABLED: "false",
                GF_NEWS_NEWS_FEED_ENABLED: "false",
                GF_SECURITY_DISABLE_GRAVATAR: "true",
                GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
            };
            expect(GRAFANA_OFFLINE_ENV).to.deep.equal(offline);
            for (const input of [{}, { rootUrl: "https://g.example.com/", adminUser: "ops", homeDashboardUid: "x" }]) {
                expect(grafanaEnv(input)).to.deep.include(offline);
                expect(grafanaEnv(input)).not.to.have.property("GF_INSTALL_PLUGINS");
            }
        });

        it("never carries a secret; it names the secret variables instead", () => {
            expect(GRAFANA_SECRET_ENV_VARS).to.include("GF_SECURITY_ADMIN_PASSWORD");
            const env = grafanaEnv({ rootUrl: "https://grafana.example.com/", adminUser: "ops", homeDashboardUid: "x" });
            for (const name of GRAFANA_SECRET_ENV_VARS) expect(env).to.not.have.property(name);
            for (const name of Object.keys(env)) expect(name).to.not.match(/PASSWORD|SECRET|TOKEN|KEY$/);
        });

        it("uses secure cookies only behind https and sets the home dashboard", () => {
            expect(grafanaEnv({ rootUrl: "https://g.example.com/" })).to.deep.include({
                GF_SERVER_ROOT_URL: "https://g.example.com/",
                GF_SECURITY_COOKIE_SECURE: "true",
            });
            expect(grafanaEnv({ rootUrl: "http://localhost:3000/" }).GF_SECURITY_COOKIE_SECURE).to.equal("false");
            expect(grafanaEnv({ homeDashboardUid: "minimarket-system-overview" }).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).to.equal(
                `${DASHBOARDS_DIR}/minimarket-system-overview.json`,
            );
        });
    });
});
