import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderCaddyfile } from "../../src/proxy/caddyfile";
import { publicSites } from "../../src/platforms/gcp";
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
        const run = spawnSync(bin, ["adapt", "--config", file, "--adapter", "caddyfile"], { encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        return JSON.parse(run.stdout);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("Caddyfile", () => {
    it("routes each public host to its upstream, with the ACME contact and HTTP/1.1+2 only", function () {
        const bin = caddyBinary(this);
        const config = adapt(bin, renderCaddyfile({ email: "ops@example.com.ar", sites }));
        const server = Object.values(config.apps.http.servers as Record<string, any>)[0];
        expect(server.listen).to.deep.equal([":443"]);
        expect(server.protocols).to.deep.equal(["h1", "h2"]);
        const routes = (server.routes as any[]).map((r) => ({
            hosts: r.match[0].host,
            dials: JSON.stringify(r).match(/"dial":"([^"]+)"/g),
        }));
        expect(routes).to.deep.include.members([
            { hosts: ["minimarket.example.com.ar"], dials: ['"dial":"dashboard:8080"'] },
            { hosts: ["grafana.minimarket.example.com.ar"], dials: ['"dial":"grafana:3000"'] },
        ]);
        // Automatic HTTPS stays on: nothing disables it or the HTTP->HTTPS redirect.
        expect(server.automatic_https).to.equal(undefined);
        expect(JSON.stringify(config.apps.tls)).to.include("ops@example.com.ar");
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
    });
});
