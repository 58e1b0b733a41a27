// Watches a running stack's real Prometheus and Alertmanager for a while: every alert that is
// pending or firing, and whether the scrape targets are up. Bounded: one poll every 15 s.

export interface SeenAlert {
    alertname: string;
    state: string;
    labels: Record<string, string>;
    /** Seconds after the window started. */
    at: number;
}

export interface QuietWindow {
    minutes: number;
    polls: number;
    /** Alerts other than Watchdog, pending or firing, at any poll (Prometheus) or received (Alertmanager). */
    noisy: SeenAlert[];
    /** Polls at which Watchdog was firing (proof that the rules are loaded and evaluated). */
    watchdogFiring: number;
    /** Scrape targets down at the last poll, `job instance: error`. */
    targetsDown: string[];
    /** Alert names Alertmanager had received by the end (it must have Watchdog). */
    receivedByAlertmanager: string[];
    /** Polls that got no answer (a busy machine): the next poll sees what they missed, pending state included. */
    unanswered: string[];
}

const WATCHDOG = "Watchdog";

async function getJson(url: string): Promise<any> {
    const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
}

export async function watchAlerts(opts: { prometheus: string; alertmanager: string; minutes: number; pollSeconds?: number }): Promise<QuietWindow> {
    const poll = (opts.pollSeconds ?? 15) * 1000;
    const started = Date.now();
    const end = started + opts.minutes * 60_000;
    const result: QuietWindow = { minutes: opts.minutes, polls: 0, noisy: [], watchdogFiring: 0, targetsDown: [], receivedByAlertmanager: [], unanswered: [] };
    const seen = new Set<string>();
    const note = (a: SeenAlert) => {
        const id = `${a.alertname}/${a.state}/${JSON.stringify(a.labels)}`;
        if (!seen.has(id)) {
            seen.add(id);
            result.noisy.push(a);
        }
    };
    for (;;) {
        const at = Math.round((Date.now() - started) / 1000);
        try {
            await pollOnce(at);
        } catch (e) {
            result.unanswered.push(`${at} s: ${String(e)}`);
        }
        if (Date.now() >= end) break;
        await new Promise((r) => setTimeout(r, Math.min(poll, end - Date.now())));
    }
    return result;

    async function pollOnce(at: number): Promise<void> {
        const alerts = (await getJson(`${opts.prometheus}/api/v1/alerts`)).data.alerts as Array<{ labels: Record<string, string>; state: string }>;
        result.polls++;
        if (alerts.some((a) => a.labels.alertname === WATCHDOG && a.state === "firing")) result.watchdogFiring++;
        for (const a of alerts) if (a.labels.alertname !== WATCHDOG) note({ alertname: a.labels.alertname, state: a.state, labels: a.labels, at });
        const received = (await getJson(`${opts.alertmanager}/api/v2/alerts`)) as Array<{ labels: Record<string, string> }>;
        for (const a of received)
            if (a.labels.alertname !== WATCHDOG) note({ alertname: a.labels.alertname, state: "received by Alertmanager", labels: a.labels, at });
        result.receivedByAlertmanager = [...new Set(received.map((a) => a.labels.alertname))].sort();
        const targets = (await getJson(`${opts.prometheus}/api/v1/targets?state=active`)).data.activeTargets as Array<any>;
        result.targetsDown = targets.filter((t) => t.health !== "up").map((t) => `${t.labels.job} ${t.labels.instance}: ${t.health} ${t.lastError}`);
    }
}
