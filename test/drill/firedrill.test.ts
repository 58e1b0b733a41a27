/**
 * Live fire drill: the deployed rules and routing, run for real on 127.0.0.1.
 *
 * Starts PostgreSQL, Redis, the Debian exporters, Prometheus, Alertmanager and a local HTTP
 * server standing in for Slack. The data services and exporters run as staging deploys them: their
 * commands, environments, role SQL and connection strings are read from the program under mocks
 * (passwords with special characters); `localise` in ./stack.ts only moves hosts, ports and paths. Then stops Redis
 * and checks that RedisDown reaches #minimarket-alerts-critical and resolves when Redis is
 * back; same for PostgreSQL and DatabaseDown. Each notification's delay is printed.
 *
 * Timing: the rules keep their deployed `for: 1m`; rules are evaluated every 1s, targets scraped every 5s (test/drill/stack.ts renderDrillFiles says why).
 * A firing notification takes ~1m (the `for`) plus a few seconds; a resolved one waits for
 * the next flush of the alert group (critical group_interval 1m), so up to ~1m.
 * The whole drill takes about 4-5 minutes. Set SKIP_FIRE_DRILL=1 to skip it locally.
 */
import { expect } from "chai";
import * as fs from "fs";
import {
    freePort,
    makeTempDir,
    ProcessGroup,
    requireBinaries,
    ReceivedMessage,
    slackMessages,
    slackText,
    startWebhookReceiver,
    waitFor,
    WebhookReceiver,
} from "../support/processes";
import {
    allocatePorts,
    deployedServices,
    DRILL_BINARIES,
    localise,
    Ports,
    queryValue,
    Redis,
    renderDrillFiles,
    startAlertmanager,
    startExporters,
    startFakeTargets,
    startPostgres,
    startPrometheus,
    StaticServer,
    targetsNotUp,
} from "./stack";
import { ROLES } from "../../facts/endpoints";
import { PostgresLikeTheImage } from "../support/postgresImage";
import { optOut } from "../support/tools";

const CRITICAL = "#minimarket-alerts-critical";
const GENERAL = "#minimarket-alerts";
/** `for: 1m` + scrape/eval lag + delivery; generous but bounded. */
const FIRING_TIMEOUT_MS = 100_000;
/** Resolution + one critical group_interval (1m) + delivery. */
const RESOLVED_TIMEOUT_MS = 100_000;

/** First Slack message in `channel` about `alert` with the given status, received after `since`. */
function findNotification(receiver: WebhookReceiver, channel: string, alert: string, status: "FIRING" | "RESOLVED", since: number) {
    return slackMessages(receiver, channel).find((m: ReceivedMessage) => {
        const text = slackText(m);
        return m.receivedAt >= since && text.startsWith(`[${status}`) && text.includes(alert);
    });
}

describe("fire drill: alerts reach Slack and resolve (live, 127.0.0.1)", function () {
    this.timeout(8.5 * 60_000);
    const procs = new ProcessGroup();
    const timings: string[] = [];
    const servers: StaticServer[] = [];
    let bins: Record<string, string>;
    let dir: string;
    let receiver: WebhookReceiver;
    let ports: Ports;
    let pg: PostgresLikeTheImage;
    let monitorUser: string;
    let redis: Redis;
    let prometheusUrl: string;

    before(async function () {
        optOut(this, "SKIP_FIRE_DRILL");
        this.timeout(120_000);
        bins = requireBinaries(this, DRILL_BINARIES);
        dir = makeTempDir("minimarket-drill");
        // PostgreSQL runs as the postgres user when the tests run as root: it must reach its dirs.
        fs.chmodSync(dir, 0o755);
        receiver = await startWebhookReceiver();
        ports = await allocatePorts();

        // What staging deploys, run locally: only addresses and paths differ (localise, placeLocally).
        const deployed = await deployedServices();
        const local = localise(deployed, bins, ports, dir);
        monitorUser = decodeURIComponent(new URL(deployed.postgresExporter.env.DATA_SOURCE_NAME).username);
        pg = await startPostgres(procs, bins, deployed, dir, ports.postgres);
        redis = new Redis(procs, local.redis, ports.redis);
        await redis.start();
        startExporters(procs, local);

        const fakes = await startFakeTargets();
        servers.push(fakes.cadvisor, ...fakes.apps.map((a) => a.server));

        // Alertmanager's address goes into prometheus.yml, so its port is chosen first.
        const amPort = await freePort();
        const files = renderDrillFiles(dir, { receiverUrl: receiver.url, ports, alertmanagerAddress: `127.0.0.1:${amPort}`, fakes });
        await startAlertmanager(procs, bins["alertmanager"], files.alertmanagerRoot, "alertmanager", amPort);
        prometheusUrl = await startPrometheus(procs, bins.prometheus, files.prometheusRoot, ports.prometheus);
    });

    after(async function () {
        this.timeout(60_000);
        await procs.stopAll();
        for (const s of servers) await s.close();
        await receiver?.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        if (timings.length) console.log(`\n      fire drill timings:\n${timings.map((t) => `        ${t}`).join("\n")}`);
    });

    // ---- helpers bound to this drill ----

    function record(label: string, ms: number) {
        const line = `${label}: ${(ms / 1000).toFixed(1)}s`;
        timings.push(line);
        console.log(`      ${line}`);
    }

    async function waitForNotification(alert: string, status: "FIRING" | "RESOLVED", since: number, timeoutMs: number) {
        const message = await waitFor(
            () =>
                `${status} ${alert} in ${CRITICAL} (got ${receiver.messages.length} messages: ${receiver.messages.map((m) => slackText(m).split("\n")[0]).join(" | ")})`,
            () => findNotification(receiver, CRITICAL, alert, status, since),
            timeoutMs,
            250,
        );
        record(`${alert} ${status.toLowerCase()} → ${CRITICAL}`, message.receivedAt - since);
        // Critical alerts are copied to the general channel too.
        await waitFor(`${status} ${alert} in ${GENERAL}`, () => findNotification(receiver, GENERAL, alert, status, since), 60_000, 250);
        return message;
    }

    // ---- the drill ----

    it("every scrape target is up (passwords with special characters work)", async function () {
        this.timeout(60_000);
        const started = Date.now();
        await waitFor(
            "all targets up",
            async () => {
                const down = await targetsNotUp(prometheusUrl);
                return down.length === 0 ? true : undefined;
            },
            45_000,
        ).catch(async (e) => {
            throw new Error(`${e.message}\nnot up: ${(await targetsNotUp(prometheusUrl)).join("\n")}`);
        });
        expect(await queryValue(prometheusUrl, "pg_up")).to.equal(1);
        expect(await queryValue(prometheusUrl, "redis_up")).to.equal(1);
        // postgres-exporter connects as the product's monitoring role, never as the superuser.
        expect(monitorUser).to.equal(ROLES.monitor);
        const sessions = pg.psql(
            ["-X", "-A", "-t", "-U", ROLES.superuser, "-d", "postgres"],
            "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();",
        );
        expect(sessions.stdout.trim(), sessions.stderr).to.equal(ROLES.monitor);
        record("all targets up", Date.now() - started);
    });

    it("Redis stopped → RedisDown in #minimarket-alerts-critical", async function () {
        this.timeout(FIRING_TIMEOUT_MS + 20_000);
        const since = Date.now();
        await redis.stop();
        const message = await waitForNotification("RedisDown", "FIRING", since, FIRING_TIMEOUT_MS);
        expect(message.body.channel).to.equal(CRITICAL);
        expect(slackText(message)).to.contain("docs/runbooks/RedisDown.md");
    });

    // After the first alert test on purpose: Prometheus's first send happens before it has
    // discovered Alertmanager and is lost; it resends firing alerts every minute
    // (--rules.alert.resend-delay), so the heartbeat arrives ~1m after start.
    it("the Watchdog heartbeat reaches the dead man's switch, not Slack", async function () {
        this.timeout(30_000);
        await waitFor("heartbeat", () => receiver.messages.find((m) => m.path === "/heartbeat"), 25_000, 250);
        const slack = receiver.messages.filter((m) => m.path.startsWith("/slack"));
        expect(slack.map((m) => slackText(m)).filter((t) => t.includes("Watchdog"))).to.deep.equal([]);
    });

    it("Redis back → RedisDown resolved", async function () {
        this.timeout(RESOLVED_TIMEOUT_MS + 20_000);
        const since = Date.now();
        await redis.start();
        await waitForNotification("RedisDown", "RESOLVED", since, RESOLVED_TIMEOUT_MS);
    });

    it("PostgreSQL stopped → DatabaseDown in #minimarket-alerts-critical", async function () {
        this.timeout(FIRING_TIMEOUT_MS + 20_000);
        const since = Date.now();
        await pg.stop();
        const message = await waitForNotification("DatabaseDown", "FIRING", since, FIRING_TIMEOUT_MS);
        expect(slackText(message)).to.contain("docs/runbooks/DatabaseDown.md");
    });

    it("PostgreSQL back → DatabaseDown resolved", async function () {
        this.timeout(RESOLVED_TIMEOUT_MS + 30_000);
        const since = Date.now();
        await pg.start();
        await waitForNotification("DatabaseDown", "RESOLVED", since, RESOLVED_TIMEOUT_MS);
    });
});
