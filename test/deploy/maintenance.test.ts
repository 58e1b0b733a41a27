// Maintenance mode: `maintenance.enabled` makes the proxy answer the dashboard with 503 and the
// operator's message, through config and `up` (so a preview shows it: only the proxy changes),
// while Grafana stays reachable. The rendered Caddyfile runs in the real Caddy here; the config and
// the rendered text alone: test/unit/maintenance.test.ts.
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { renderCaddyfile } from "../../renderers/caddyfile";
import { publicSites } from "../../stacks/googleCloud";
import { stagingEntry } from "../../stacks/dockerHost";
import { named, runProgram, unwrap } from "../support/program";
import { freePort, makeTempDir, ProcessGroup, requireBinaries, waitFor } from "../support/processes";
import { changed, CONTAINER, realImages, withConfig } from "../support/staging";

const MESSAGE = "Inventario en mantenimiento: volvemos a las 14:00 (¡gracias!) – 100% <b>ok</b> & 'quotes'";

describe("maintenance mode: the proxy (real caddy)", function () {
    this.timeout(60_000);
    const procs = new ProcessGroup();
    let dir: string;
    let bins: Record<string, string>;
    before(function () {
        bins = requireBinaries(this, ["caddy"]);
    });
    beforeEach(() => (dir = makeTempDir("minimarket-maintenance")));
    afterEach(async () => {
        await procs.stopAll();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("answers the dashboard with 503 and the message as plain text, while Grafana's site still proxies", async () => {
        const [dashboardPort, grafanaPort, upstreamPort, adminPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
        const upstream = http.createServer((_, res) => res.end("grafana here")).listen(upstreamPort, "127.0.0.1");
        try {
            const sites = [
                { port: dashboardPort, upstream: `dashboard:${upstreamPort}`, maintenance: MESSAGE },
                { port: grafanaPort, upstream: `localhost:${upstreamPort}` },
            ];
            const caddyfile = path.join(dir, "Caddyfile");
            fs.writeFileSync(caddyfile, renderCaddyfile({ sites }).replace(/^\{\n/, `{\n\tadmin 127.0.0.1:${adminPort}\n`));
            const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
            procs.start("caddy", bins.caddy, ["run", "--config", caddyfile, "--adapter", "caddyfile"], { env });
            const dashboard = await waitFor(
                () => `caddy answering\n${procs.logOf("caddy", 5)}`,
                async () => fetch(`http://127.0.0.1:${dashboardPort}/some/page?x=1`).catch(() => undefined),
                15_000,
                200,
            );
            expect(dashboard.status).to.equal(503);
            expect(await dashboard.text()).to.equal(MESSAGE);
            expect(dashboard.headers.get("content-type")).to.equal("text/plain; charset=utf-8");
            expect(dashboard.headers.get("cache-control")).to.equal("no-store");
            const grafana = await fetch(`http://127.0.0.1:${grafanaPort}/`);
            expect(grafana.status).to.equal(200);
            expect(await grafana.text()).to.equal("grafana here");
        } finally {
            upstream.close();
        }
    });

    it("puts only the dashboard's site in maintenance, on staging and on prod", () => {
        expect(stagingEntry({ dashboard: 8080, grafana: 3000 }, "m").map((e) => e.site.maintenance)).to.deep.equal(["m", undefined]);
        expect(stagingEntry({ dashboard: 8080, grafana: 3000 }).map((e) => e.site.maintenance)).to.deep.equal([undefined, undefined]);
        expect(publicSites("shop.example.com", "m").map((s) => [s.host, s.maintenance])).to.deep.equal([
            ["shop.example.com", "m"],
            ["grafana.shop.example.com", undefined],
        ]);
    });
});

describe("maintenance mode: through config and up", function () {
    this.timeout(120_000);

    it("changes the proxy's Caddyfile and nothing else, and goes back exactly when turned off", async () => {
        const off = await runProgram(realImages);
        const on = await runProgram(withConfig(realImages, { maintenance: { enabled: true, message: MESSAGE } }));
        const offAgain = await runProgram(withConfig(realImages, { maintenance: { enabled: false, message: MESSAGE } }));
        for (const r of [off, on, offAgain]) expect(r.error).to.equal(undefined);
        expect(changed(off, on)).to.deep.equal([`${CONTAINER}/proxy`]);
        expect(changed(off, offAgain), "off again: the same as never on").to.deep.equal([]);
        const uploads = unwrap(named(on, CONTAINER, "proxy").inputs.uploads) as Array<{ file: string; content: string }>;
        const caddyfile = uploads.find((u) => u.file === "/etc/caddy/Caddyfile")!.content;
        expect(caddyfile).to.include(
            `http://:8080 {\n\tlog\n\theader Content-Type "text/plain; charset=utf-8"\n\theader Cache-Control "no-store"\n\trespond "${MESSAGE}" 503\n}`,
        );
        expect(caddyfile).to.include("http://:3000 {\n\tlog\n\tencode zstd gzip\n\treverse_proxy {");
    });
});
