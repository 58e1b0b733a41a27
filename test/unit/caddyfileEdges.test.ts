// Caddyfile inputs at their edges: a staging site's port is a TCP port (1-65535), and the DNS
// resolver of the upstreams is `ip:port`, written where Caddy reads it (inside `dynamic a`, as
// caddy adapt shows).

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderCaddyfile } from "../../renderers/caddyfile";
import { requireBinaries } from "../support/tools";

const upstream = "dashboard:8080";

/** Every reverse_proxy handler, however deeply nested in subroutes. */
function proxies(node: any): any[] {
    if (Array.isArray(node)) return node.flatMap(proxies);
    if (node && typeof node === "object") return node.handler === "reverse_proxy" ? [node] : Object.values(node).flatMap(proxies);
    return [];
}

describe("unit: Caddyfile edges", () => {
    it("accepts a staging port from 1 to 65535 and nothing else", () => {
        for (const port of [1, 80, 65535]) {
            expect(renderCaddyfile({ sites: [{ port, upstream }] }).split("\n"), String(port)).to.include(`http://:${port} {`);
        }
        for (const port of [0, -1, 65536, 80.5, Number.NaN]) {
            expect(() => renderCaddyfile({ sites: [{ port, upstream }] }), String(port)).to.throw(/invalid site port/);
        }
    });

    it("accepts a resolver only as ip:port", () => {
        for (const resolver of ["127.0.0.11:53", "10.0.0.2:5353", "1.1.1.1:65535"]) {
            expect(renderCaddyfile({ sites: [{ port: 80, upstream }], resolver }), resolver).to.include(`\t\t\tresolvers ${resolver}\n`);
        }
        for (const resolver of [
            "",
            "127.0.0.11",
            "127.0.0.11:",
            ":53",
            "dns.local:53",
            "x127.0.0.11:53",
            "127.0.0.11:dns",
            "127.0.0.11:123456",
            "127.0.0.11:53 x",
        ]) {
            expect(() => renderCaddyfile({ sites: [{ port: 80, upstream }], resolver }), resolver).to.throw(/invalid resolver/);
        }
    });

    it("makes Caddy resolve the upstream alias with the given resolver", function () {
        const bin = requireBinaries(this, ["caddy"]).caddy;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caddyfile-edges-"));
        try {
            const file = path.join(dir, "Caddyfile");
            fs.writeFileSync(file, renderCaddyfile({ sites: [{ port: 8080, upstream }], resolver: "127.0.0.11:53" }));
            const run = spawnSync(bin, ["adapt", "--config", file, "--adapter", "caddyfile", "--validate"], { encoding: "utf8", timeout: 20_000 });
            expect(run.status, run.stderr).to.equal(0);
            const handlers = proxies(JSON.parse(run.stdout));
            expect(handlers).to.have.length(1);
            expect(handlers[0].dynamic_upstreams).to.deep.include({ source: "a", name: "dashboard", port: "8080", resolver: { addresses: ["127.0.0.11:53"] } });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
