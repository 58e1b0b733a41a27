// The real Caddy, with the Caddyfile the program renders, in front of an app replaced side by side:
// the new backend joins the DNS alias before it listens (as a new container does), the old one
// drains on SIGTERM and leaves the alias. A bounded request loop runs through the proxy all along
// and must see no failed request. All on loopback (127.0.0.2 and 127.0.0.3 play the two containers).
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { renderCaddyfile } from "../../renderers/caddyfile";
import { freePort, makeTempDir, ProcessGroup, requireBinaries, waitFor } from "../support/processes";

const HELPERS = path.join(__dirname, "swapHelpers.py");
const OLD = "127.0.0.2";
const NEW = "127.0.0.3";

interface LoopResult {
    ok: number;
    failed: string[];
    servedBy: Record<string, number>;
    maxMs: number;
    medianMs: number;
}

/** A request loop running in the background; `sent()` and `result` are live, `stop()` ends it. */
interface Loop {
    result: LoopResult;
    sent(): number;
    stop(): Promise<LoopResult>;
}

/** GETs through the proxy with `workers` in parallel until stopped; bounded by maxRequests and time. */
function requestLoop(url: string, workers = 4, maxRequests = 20_000, maxMs = 180_000): Loop {
    const result: LoopResult = { ok: 0, failed: [], servedBy: {}, maxMs: 0, medianMs: 0 };
    const times: number[] = [];
    const deadline = Date.now() + maxMs;
    let sent = 0;
    let done = false;
    const worker = async () => {
        while (!done && sent < maxRequests && Date.now() < deadline) {
            sent++;
            const start = Date.now();
            try {
                const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
                const body = await r.text();
                if (r.status === 200) {
                    result.ok++;
                    result.servedBy[body] = (result.servedBy[body] ?? 0) + 1;
                } else result.failed.push(`HTTP ${r.status}`);
            } catch (e) {
                result.failed.push(String(e));
            }
            times.push(Date.now() - start);
        }
    };
    const running = Promise.all(Array.from({ length: workers }, worker));
    return {
        result,
        sent: () => sent,
        stop: async () => {
            done = true;
            await running;
            times.sort((a, b) => a - b);
            result.maxMs = times[times.length - 1] ?? 0;
            result.medianMs = times[Math.floor(times.length / 2)] ?? 0;
            return result;
        },
    };
}

/** Requests the loop must send in each phase: every phase waits for requests, never for time. */
const PER_PHASE = 20;

describe("proxy during a side-by-side replacement (real caddy, loopback backends)", function () {
    this.timeout(300_000);
    let bins: Record<string, string>;
    const procs = new ProcessGroup();
    let dir: string;

    before(function () {
        bins = requireBinaries(this, ["caddy", "python3"]);
    });
    beforeEach(() => (dir = makeTempDir("minimarket-swap")));
    afterEach(async () => {
        await procs.stopAll();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** One replacement under load; `edit` may change the rendered Caddyfile (the control run). */
    async function replaceUnderLoad(edit: (caddyfile: string) => string = (c) => c): Promise<LoopResult> {
        const [dnsPort, appPort, proxyPort, adminPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
        const answers = path.join(dir, "answers.json");
        // Written whole and renamed into place, so the DNS stand-in never reads half a file.
        const alias = (ips: string[]) => {
            fs.writeFileSync(`${answers}.new`, JSON.stringify({ dashboard: ips }));
            fs.renameSync(`${answers}.new`, answers);
        };
        alias([OLD]);
        procs.start("dns", bins.python3, [HELPERS, "dns", String(dnsPort), answers]);
        const oldListens = path.join(dir, "old-listens");
        fs.writeFileSync(oldListens, "");
        procs.start("old", bins.python3, [HELPERS, "backend", OLD, String(appPort), "old", oldListens]);

        const rendered = renderCaddyfile({ sites: [{ port: proxyPort, upstream: `dashboard:${appPort}` }], resolver: `127.0.0.1:${dnsPort}` });
        // Only the admin endpoint moves off the shared default port; the sites are as rendered.
        const caddyfile = path.join(dir, "Caddyfile");
        fs.writeFileSync(caddyfile, edit(rendered).replace(/^\{\n/, `{\n\tadmin 127.0.0.1:${adminPort}\n`));
        const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
        procs.start("caddy", bins.caddy, ["run", "--config", caddyfile, "--adapter", "caddyfile"], { env });
        const url = `http://127.0.0.1:${proxyPort}/`;
        await waitFor(
            () => `caddy serving the old backend\n${procs.logOf("caddy", 5)}`,
            async () => ((await fetch(url).then((r) => r.text())) === "old" ? true : undefined),
            60_000,
            200,
        );

        const loop = requestLoop(url);
        const phase = (what: string, done: () => boolean) => waitFor(`${what} (${JSON.stringify(loop.result)})`, () => (done() ? true : undefined), 60_000, 20);
        const served = (id: string) => loop.result.servedBy[id] ?? 0;
        try {
            await phase("the old backend serving through the proxy", () => served("old") >= PER_PHASE);
            // The new container joins the alias at start, before its app listens.
            const answered = fs.existsSync(`${answers}.log`) ? fs.readFileSync(`${answers}.log`, "utf8").length : 0;
            alias([OLD, NEW]);
            const go = path.join(dir, "new-listens");
            procs.start("new", bins.python3, [HELPERS, "backend", NEW, String(appPort), "new", go]);
            // Caddy has resolved the alias to both (round robin: every other request goes to the new
            // one, which refuses), and enough requests went out since, before the app listens.
            await phase("caddy resolving the alias to both backends", () => fs.readFileSync(`${answers}.log`, "utf8").slice(answered).includes(NEW));
            const resolved = loop.sent();
            await phase("requests while the new backend does not listen yet", () => loop.sent() >= resolved + PER_PHASE);
            fs.writeFileSync(go, "");
            // The provider's wait: only once the new one is healthy does Pulumi remove the old one.
            await waitFor(
                "the new backend to answer",
                async () => ((await fetch(`http://${NEW}:${appPort}/`).then((r) => r.text())) === "new" ? true : undefined),
                30_000,
                200,
            );
            await phase("the new backend serving through the proxy", () => served("new") >= PER_PHASE);
            const oldPid = procs.pidOf("old")!;
            await procs.stop("old"); // SIGTERM by PID: drain, then exit
            alias([NEW]); // its endpoint leaves the network when it stops
            expect(() => process.kill(oldPid, 0), "the old backend has exited").to.throw();
            const stopped = loop.sent();
            await phase("requests after the old backend left", () => loop.sent() >= stopped + PER_PHASE);
        } finally {
            await loop.stop();
        }
        return loop.result;
    }

    it("loses no request while the new backend starts and the old one drains", async () => {
        const r = await replaceUnderLoad();
        console.log(`      ${r.ok} requests, ${r.failed.length} failed, median ${r.medianMs} ms, max ${r.maxMs} ms, served by ${JSON.stringify(r.servedBy)}`);
        expect(r.failed, "failed requests").to.deep.equal([]);
        expect(r.servedBy.old, "the old backend served before the swap").to.be.at.least(PER_PHASE);
        expect(r.servedBy.new, "the new backend served after it").to.be.at.least(PER_PHASE);
    });

    it("control: without retries, the same replacement fails requests (so the retries are what saves them)", async () => {
        const r = await replaceUnderLoad((c) => c.replace(/^\s*lb_try_duration .*\n/m, "").replace(/^\s*lb_try_interval .*\n/m, ""));
        expect(r.failed.length, `failed requests without retries (${r.ok} ok)`).to.be.greaterThan(0);
    });
});
