// The smoke checks. Each attempt either returns what it saw or throws what is wrong; the runner
// (report.ts) repeats an attempt until it passes or its time is up.
import YAML from "yaml";
import { SmokeEndpoints } from "./endpoints";
import { Expected } from "./expected";
import { BasicAuth, HttpGet, HttpResponse } from "./http";

export interface SmokeCheck {
    name: string;
    attempt(): Promise<string>;
}

export interface CheckContext {
    endpoints: SmokeEndpoints;
    expected: Expected;
    /** GET from inside the service network. */
    internal: HttpGet;
    /** GET for a URL people use (see publicGet). */
    publicGet: (url: string) => HttpGet;
    grafanaAdmin: BasicAuth;
    /** Whether the stack says Slack notifications are on (stack output `notifications`). */
    notificationsOn: boolean;
    /** LogQL range in which every container must have sent a line, e.g. "24h". */
    logsWindow: string;
    /** LogQL range in which every app must have sent a line (they log each scrape), e.g. "5m". */
    recentWindow: string;
}

async function getOk(get: HttpGet, url: string, auth?: BasicAuth): Promise<HttpResponse> {
    const r = await get(url, { auth });
    if (r.status < 200 || r.status >= 300) throw new Error(`GET ${url}: HTTP ${r.status}`);
    return r;
}

async function getJson(get: HttpGet, url: string, auth?: BasicAuth): Promise<any> {
    const r = await getOk(get, url, auth);
    try {
        return JSON.parse(r.body);
    } catch {
        throw new Error(`GET ${url}: not JSON`);
    }
}

const list = (items: string[], max = 8) => (items.length > max ? `${items.slice(0, max).join("; ")}; … (${items.length} in all)` : items.join("; "));

export function healthCheck(ctx: CheckContext, service: string, base: string): SmokeCheck {
    return {
        name: `health ${service}`,
        async attempt() {
            const r = await getOk(ctx.internal, `${base}/health`);
            return `${base}/health answered ${r.status} on ${ctx.endpoints.serviceNetwork}`;
        },
    };
}

export function prometheusTargetsCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "prometheus targets",
        async attempt() {
            const data = await getJson(ctx.internal, `${ctx.endpoints.internal.prometheus}/api/v1/targets?state=active`);
            const targets: Array<{ labels: Record<string, string>; health: string; lastError?: string }> = data?.data?.activeTargets ?? [];
            const problems: string[] = [];
            for (const want of ctx.expected.scrapeTargets) {
                const found = targets.some((t) => t.labels.job === want.job && (want.service === undefined || t.labels.service === want.service));
                if (!found) problems.push(`no target for job ${want.job}${want.service ? ` service ${want.service}` : ""}`);
            }
            for (const t of targets.filter((x) => x.health !== "up")) {
                const who = t.labels.service ?? t.labels.instance;
                problems.push(`${t.labels.job} ${who}: ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`);
            }
            if (problems.length > 0) throw new Error(list(problems));
            return `${targets.length} targets up, every job present`;
        },
    };
}

export function prometheusRulesCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "prometheus rules",
        async attempt() {
            const data = await getJson(ctx.internal, `${ctx.endpoints.internal.prometheus}/api/v1/rules`);
            const rules: Array<{ name: string; type: string; health?: string; lastError?: string }> = (data?.data?.groups ?? []).flatMap(
                (g: { rules?: unknown[] }) => g.rules ?? [],
            );
            const names = (type: string) => new Set(rules.filter((r) => r.type === type).map((r) => r.name));
            const alerting = names("alerting");
            const recording = names("recording");
            const problems = [
                ...ctx.expected.alertRules.filter((a) => !alerting.has(a)).map((a) => `alert ${a} not loaded`),
                ...ctx.expected.recordingRules.filter((r) => !recording.has(r)).map((r) => `recording rule ${r} not loaded`),
                ...rules.filter((r) => r.health === "err").map((r) => `${r.name}: ${r.lastError ?? "evaluation error"}`),
            ];
            if (problems.length > 0) throw new Error(list(problems));
            return `${alerting.size} alerts and ${recording.size} recording rules loaded`;
        },
    };
}

export function alertmanagerConfigCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "alertmanager config",
        async attempt() {
            const status = await getJson(ctx.internal, `${ctx.endpoints.internal.alertmanager}/api/v2/status`);
            const original = status?.config?.original;
            if (typeof original !== "string") throw new Error("no loaded config in /api/v2/status");
            const receivers: Array<{ name: string; slack_configs?: unknown[] }> = YAML.parse(original)?.receivers ?? [];
            const loaded = new Map(receivers.map((r) => [r.name, r]));
            const problems = ctx.expected.receivers.filter((r) => !loaded.has(r)).map((r) => `receiver ${r} missing`);
            if (ctx.notificationsOn) {
                const silent = [...loaded.values()].filter((r) => r.name.startsWith("slack-") && !(r.slack_configs ?? []).length);
                problems.push(...silent.map((r) => `receiver ${r.name} sends nothing although notifications are on`));
            }
            if (problems.length > 0) throw new Error(list(problems));
            return `receivers ${ctx.expected.receivers.join(", ")}`;
        },
    };
}

export function grafanaLoginCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "grafana login",
        async attempt() {
            const url = `${ctx.endpoints.internal.grafana}/api/user`;
            const r = await ctx.internal(url, { auth: ctx.grafanaAdmin });
            if (r.status === 401 || r.status === 403) throw new Error(`the stack's grafanaAdminPassword was refused (HTTP ${r.status})`);
            if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}`);
            const login = JSON.parse(r.body)?.login;
            if (login !== ctx.grafanaAdmin.user) throw new Error(`logged in as ${JSON.stringify(login)}, not ${ctx.grafanaAdmin.user}`);
            return `logged in as ${login}`;
        },
    };
}

export function grafanaDashboardsCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "grafana dashboards",
        async attempt() {
            const found: Array<{ uid: string; folderTitle?: string }> = await getJson(
                ctx.internal,
                `${ctx.endpoints.internal.grafana}/api/search?type=dash-db&limit=5000`,
                ctx.grafanaAdmin,
            );
            const byUid = new Map(found.map((d) => [d.uid, d]));
            const folder = ctx.expected.dashboardFolder;
            const problems: string[] = [];
            for (const uid of ctx.expected.dashboards) {
                const d = byUid.get(uid);
                if (!d) problems.push(`dashboard ${uid} missing`);
                else if (d.folderTitle !== folder) problems.push(`dashboard ${uid} in folder ${JSON.stringify(d.folderTitle ?? "General")}, not ${folder}`);
            }
            if (problems.length > 0) throw new Error(list(problems));
            return `${ctx.expected.dashboards.length} dashboards in folder ${folder}`;
        },
    };
}

/** Services (Loki's `service` label) with at least one log line within `window`, among those matching `selector`. */
async function servicesWithLogs(ctx: CheckContext, selector: string, window: string): Promise<Set<string>> {
    const query = `sum by (service) (count_over_time(${selector}[${window}]))`;
    const data = await getJson(ctx.internal, `${ctx.endpoints.internal.loki}/loki/api/v1/query?query=${encodeURIComponent(query)}`);
    if (data?.status !== "success") throw new Error(`Loki query failed: ${JSON.stringify(data).slice(0, 200)}`);
    const result: Array<{ metric: { service?: string }; value: [number, string] }> = data.data?.result ?? [];
    return new Set(result.filter((r) => Number(r.value?.[1]) > 0).map((r) => r.metric.service ?? ""));
}

const logqlString = (s: string) => JSON.stringify(s);

export function lokiLogsCheck(ctx: CheckContext): SmokeCheck {
    return {
        name: "loki logs",
        async attempt() {
            const env = `environment=${logqlString(ctx.endpoints.environment)}`;
            const containers = ctx.endpoints.containers;
            // By service label: an app's container name changes with every replacement.
            const all = await servicesWithLogs(ctx, `{${env}}`, ctx.logsWindow);
            const silent = Object.entries(containers)
                .filter(([service]) => !all.has(service))
                .map(([, name]) => name);
            const problems = silent.length ? [`no lines in the last ${ctx.logsWindow} from ${silent.join(", ")}`] : [];
            // The apps log every request, and Prometheus scrapes them every 15 s: they show whether logs flow now.
            const apps = Object.keys(ctx.endpoints.internal.apps).filter((s) => containers[s]);
            const appSelector = `{${env}, service=~${logqlString(apps.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"))}}`;
            const recent = await servicesWithLogs(ctx, appSelector, ctx.recentWindow);
            const stale = apps.filter((a) => !recent.has(a)).map((a) => containers[a]);
            if (stale.length) problems.push(`no lines in the last ${ctx.recentWindow} from ${stale.join(", ")}`);
            if (problems.length > 0) throw new Error(problems.join("; "));
            return `${Object.keys(containers).length} containers in the last ${ctx.logsWindow}, apps in the last ${ctx.recentWindow}`;
        },
    };
}

export function publicCheck(ctx: CheckContext, what: "dashboard" | "grafana"): SmokeCheck {
    const base = ctx.endpoints.public[what];
    const url = what === "grafana" ? `${base.replace(/\/+$/, "")}/api/health` : base;
    return {
        name: `public ${what}`,
        async attempt() {
            const r = await ctx.publicGet(base)(url);
            // A redirect (to a login page, to HTTPS) still proves it is served there.
            if (r.status < 200 || r.status >= 400) throw new Error(`GET ${url}: HTTP ${r.status}`);
            return `${url} answered ${r.status}`;
        },
    };
}

/** Every check, in report order. */
export function allChecks(ctx: CheckContext): SmokeCheck[] {
    return [
        ...Object.entries(ctx.endpoints.internal.apps).map(([service, base]) => healthCheck(ctx, service, base)),
        prometheusTargetsCheck(ctx),
        prometheusRulesCheck(ctx),
        alertmanagerConfigCheck(ctx),
        grafanaLoginCheck(ctx),
        grafanaDashboardsCheck(ctx),
        lokiLogsCheck(ctx),
        publicCheck(ctx, "dashboard"),
        publicCheck(ctx, "grafana"),
    ];
}
