import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderCaddyfile } from "../../renderers/caddyfile";
import { publicSites } from "../../stacks/googleCloud";
import { stagingEntry } from "../../stacks/dockerHost";
import { requireBinaries } from "../support/tools";

const sites = publicSites("minimarket.example.com.ar");

/** Caddy's own parser (Debian: apt-get install caddy); skips locally without it, fails under CI. */
function caddyBinary(ctx: Mocha.Context): string {
    return requireBinaries(ctx, ["caddy"]).caddy;
}

/** The Caddyfile adapted to Caddy's JSON config by caddy itself. */
function adapt(bin: string, caddyfile: string): Record<string, any> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caddyfile-"));
    try {
        const file = path.join(dir, "Caddyfile");
        fs.writeFileSync(file, caddyfile);
        const run = spawnSync(bin, ["adapt", "--config", file, "--adapter", "caddyfile", "--validate"], { encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        return JSON.parse(run.stdout);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Every reverse_proxy handler in a route, however deeply nested in subroutes. */
function proxies(node: any): any[] {
    if (Array.isArray(node)) return node.flatMap(proxies);
    if (node && typeof node === "object") return node.handler === "reverse_proxy" ? [node] : Object.values(node).flatMap(proxies);
    return [];
}

describe("Caddyfile", () => {
    it("routes each public host to its upstream, with the ACME contact and HTTP/1.1+2 only", function () {
        const bin = caddyBinary(this);
        const config = adapt(bin, renderCaddyfile({ email: "ops@example.com.ar", sites }));
        const server = Object.values(config.apps.http.servers as Record<string, any>)[0];
        expect(server.listen).to.deep.equal([":443"]);
        expect(server.protocols).to.deep.equal(["h1", "h2"]);
        const routes = (server.routes as any[]).map((r) => ({ hosts: r.match[0].host, upstreams: proxies(r).map((p) => p.dynamic_upstreams) }));
        expect(routes).to.deep.include.members([
            { hosts: ["minimarket.example.com.ar"], upstreams: [{ source: "a", name: "dashboard", port: "8080", refresh: 1e9 }] },
            { hosts: ["grafana.minimarket.example.com.ar"], upstreams: [{ source: "a", name: "grafana", port: "3000", refresh: 1e9 }] },
        ]);
        // Automatic HTTPS stays on: nothing disables it or the HTTP->HTTPS redirect.
        expect(server.automatic_https).to.equal(undefined);
        expect(JSON.stringify(config.apps.tls)).to.include("ops@example.com.ar");
    });

    it("retries a refused request on the alias's other address, without active checks (Caddy runs none for dynamic upstreams)", function () {
        const bin = caddyBinary(this);
        for (const caddyfile of [renderCaddyfile({ sites }), renderCaddyfile({ sites: stagingEntry({ dashboard: 8080, grafana: 3000 }).map((e) => e.site) })]) {
            const handlers = proxies(adapt(bin, caddyfile));
            expect(handlers).to.have.length(2);
            for (const h of handlers) {
                expect(h.load_balancing).to.deep.equal({ selection_policy: { policy: "round_robin" }, try_duration: 5e9, try_interval: 2.5e8 });
                expect(h.health_checks).to.deep.equal({ passive: { fail_duration: 2e9 } });
                expect(h.transport).to.deep.equal({ protocol: "http", dial_timeout: 1e9 });
            }
        }
    });

    it("serves staging as plain HTTP on the dashboard's and Grafana's ports, with no certificates", function () {
        const bin = caddyBinary(this);
        const config = adapt(bin, renderCaddyfile({ sites: stagingEntry({ dashboard: 8080, grafana: 3000 }).map((e) => e.site) }));
        const servers = Object.values(config.apps.http.servers as Record<string, any>);
        expect(servers.map((s) => s.listen).sort()).to.deep.equal([[":3000"], [":8080"]]);
        for (const s of servers) expect(s.routes[0].match, "any host name").to.equal(undefined);
        expect(
            proxies(config)
                .map((p) => p.dynamic_upstreams.name)
                .sort(),
        ).to.deep.equal(["dashboard", "grafana"]);
        expect(config.apps.tls).to.equal(undefined);
    });

    it("is valid without an ACME e-mail", function () {
        const bin = caddyBinary(this);
        const config = adapt(bin, renderCaddyfile({ sites }));
        expect(config.apps.tls).to.equal(undefined);
    });

    it("refuses values that would break out of a Caddyfile token", () => {
        expect(() => renderCaddyfile({ sites: [] })).to.throw(/at least one site/);
        expect(() => renderCaddyfile({ sites: [{ host: "a.example.com {", upstream: "dashboard:8080" }] })).to.throw(/invalid site host/);
        expect(() => renderCaddyfile({ sites: [{ host: "a.example.com", upstream: "dashboard" }] })).to.throw(/invalid upstream/);
        expect(() => renderCaddyfile({ sites: [sites[0], sites[0]] })).to.throw(/twice/);
        expect(() => renderCaddyfile({ email: "x@y }", sites })).to.throw(/e-mail/);
        expect(() => renderCaddyfile({ sites: [{ upstream: "dashboard:8080" }] })).to.throw(/either a host name/);
        expect(() => renderCaddyfile({ sites: [{ port: 70000, upstream: "dashboard:8080" }] })).to.throw(/invalid site port/);
        expect(() =>
            renderCaddyfile({
                sites: [
                    { port: 8080, upstream: "d:1" },
                    { port: 8080, upstream: "d:2" },
                ],
            }),
        ).to.throw(/twice/);
        expect(() => renderCaddyfile({ sites, resolver: "8.8.8.8:53 }" })).to.throw(/resolver/);
    });
});
