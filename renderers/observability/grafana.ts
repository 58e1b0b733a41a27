// Grafana provisioning files (datasources, dashboard provider) and its non-secret environment.
import { stringify } from "yaml";
import { ENDPOINTS, httpUrl } from "../../facts/endpoints";
import { DATASOURCE_UIDS, DEFAULT_TIMEZONE } from "../../facts/telemetry";

export const DASHBOARD_FOLDER = "MiniMarket";
/**
 * Dashboards live outside /var/lib/grafana on purpose: that is Grafana's data volume, and a
 * dashboard removed from the program would otherwise linger there.
 */
export const DASHBOARDS_DIR = "/etc/grafana/dashboards";
export const PROVISIONING_DIR = "/etc/grafana/provisioning";

/** Env vars whose values are secrets; the caller injects them, this module never sees them. */
export const GRAFANA_SECRET_ENV_VARS = [
    "GF_SECURITY_ADMIN_PASSWORD",
    // Encrypts secrets stored in Grafana's database; the built-in default is public.
    "GF_SECURITY_SECRET_KEY",
] as const;

export interface DatasourcesInput {
    prometheusUrl?: string;
    lokiUrl?: string;
    alertmanagerUrl?: string;
    /** Prometheus scrape interval, so that $__rate_interval covers at least 4 scrapes. */
    scrapeInterval?: string;
}

export const DEFAULT_DATASOURCE_URLS = {
    prometheus: httpUrl(ENDPOINTS.prometheus),
    loki: httpUrl(ENDPOINTS.loki),
    alertmanager: httpUrl(ENDPOINTS.alertmanager),
} as const;

export function datasourcesConfig(input: DatasourcesInput = {}): Record<string, unknown> {
    return {
        apiVersion: 1,
        datasources: [
            {
                name: "Prometheus",
                uid: DATASOURCE_UIDS.prometheus,
                type: "prometheus",
                access: "proxy",
                url: input.prometheusUrl ?? DEFAULT_DATASOURCE_URLS.prometheus,
                isDefault: true,
                editable: false,
                jsonData: {
                    httpMethod: "POST",
                    prometheusType: "Prometheus",
                    timeInterval: input.scrapeInterval ?? "15s",
                },
            },
            {
                name: "Loki",
                uid: DATASOURCE_UIDS.loki,
                type: "loki",
                access: "proxy",
                url: input.lokiUrl ?? DEFAULT_DATASOURCE_URLS.loki,
                isDefault: false,
                editable: false,
                jsonData: { maxLines: 1000 },
            },
            {
                name: "Alertmanager",
                uid: DATASOURCE_UIDS.alertmanager,
                type: "alertmanager",
                access: "proxy",
                url: input.alertmanagerUrl ?? DEFAULT_DATASOURCE_URLS.alertmanager,
                isDefault: false,
                editable: false,
                jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
            },
        ],
    };
}

export function renderDatasources(input: DatasourcesInput = {}): string {
    return stringify(datasourcesConfig(input));
}

export function dashboardProviderConfig(): Record<string, unknown> {
    return {
        apiVersion: 1,
        providers: [
            {
                name: "minimarket",
                orgId: 1,
                folder: DASHBOARD_FOLDER,
                type: "file",
                // Dashboards are code: UI edits would be lost on the next deploy, so refuse them.
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 30,
                options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
            },
        ],
    };
}

export function renderDashboardProvider(): string {
    return stringify(dashboardProviderConfig());
}

export interface GrafanaEnvInput {
    /** Public URL people use, e.g. https://grafana.example.com/; enables secure cookies on https. */
    rootUrl?: string;
    adminUser?: string;
    /** Dashboard uid opened on the home page. */
    homeDashboardUid?: string;
    /** The time zone Grafana shows by default (config `timezone`); default DEFAULT_TIMEZONE. */
    timezone?: string;
}

/**
 * Everything in Grafana 12 that reaches out to grafana.com (or elsewhere) on its own, turned off:
 * the dashboards use only the core Prometheus, Loki and Alertmanager datasources, and nothing of
 * the stack may change behind a pinned image. Keys and defaults read in grafana/grafana
 * pkg/setting/setting_plugins.go readPluginSettings and pkg/setting/setting.go (analytics) of the
 * stored main snapshot 0a8a924c (after the 12.4 branch; the v12.4.16 tag could not be brought here,
 * docs/images.md); `GF_<SECTION>_<KEY>` overrides `[section] key`.
 */
export const GRAFANA_OFFLINE_ENV: Readonly<Record<string, string>> = {
    // [plugins] preinstall_disabled (default false): otherwise every start installs the default
    // "preinstall" apps and datasources from grafana.com, in the background.
    GF_PLUGINS_PREINSTALL_DISABLED: "true",
    // [plugins] preinstall_auto_update (default true): and updates them to their newest version.
    // Read only while preinstall is enabled; kept off for whoever turns that back on.
    GF_PLUGINS_PREINSTALL_AUTO_UPDATE: "false",
    // [plugins] public_key_retrieval_disabled (default false): the plugin-signing key is fetched
    // from grafana.com every 10 days; the key bundled with the binary is used instead.
    GF_PLUGINS_PUBLIC_KEY_RETRIEVAL_DISABLED: "true",
    // [plugins] plugin_admin_enabled (default true): the catalog UI browses and installs from grafana.com.
    GF_PLUGINS_PLUGIN_ADMIN_ENABLED: "false",
    // [analytics] reporting_enabled: usage counters to stats.grafana.org every 24 h.
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    // [analytics] check_for_updates / check_for_plugin_updates: version checks against grafana.com.
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    // [analytics] feedback_links_enabled: links to Grafana's feedback forms.
    GF_ANALYTICS_FEEDBACK_LINKS_ENABLED: "false",
    // [news] news_feed_enabled: the news panel fetches grafana.com's RSS feed.
    GF_NEWS_NEWS_FEED_ENABLED: "false",
    // [security] disable_gravatar: profile pictures from gravatar.com, keyed by the user's email hash.
    GF_SECURITY_DISABLE_GRAVATAR: "true",
    // [snapshots] external_enabled: "publish to snapshots.raintank.io" would upload dashboard data.
    GF_SNAPSHOTS_EXTERNAL_ENABLED: "false",
};

/** Non-secret environment; add GRAFANA_SECRET_ENV_VARS as secrets next to it. */
export function grafanaEnv(input: GrafanaEnvInput = {}): Record<string, string> {
    const env: Record<string, string> = {
        GF_PATHS_PROVISIONING: PROVISIONING_DIR,
        GF_SECURITY_ADMIN_USER: input.adminUser ?? "admin",
        GF_SECURITY_COOKIE_SAMESITE: "lax",
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        GF_AUTH_BASIC_ENABLED: "true",
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_USERS_ALLOW_ORG_CREATE: "false",
        ...GRAFANA_OFFLINE_ENV,
        GF_DATE_FORMATS_DEFAULT_TIMEZONE: input.timezone ?? DEFAULT_TIMEZONE,
        GF_LOG_MODE: "console",
    };
    if (input.homeDashboardUid) {
        env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH = `${DASHBOARDS_DIR}/${input.homeDashboardUid}.json`;
    }
    if (input.rootUrl) {
        env.GF_SERVER_ROOT_URL = input.rootUrl;
        env.GF_SECURITY_COOKIE_SECURE = String(input.rootUrl.startsWith("https://"));
    }
    return env;
}
