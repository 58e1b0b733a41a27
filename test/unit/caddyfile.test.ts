// The Caddyfile of the prod reverse proxy: what is accepted (anything else could break out of a
// token or a block) and what each site gets. `caddy adapt` checks validity in test/gcp/caddyfile.test.ts.

import { expect } from "chai";
import { renderCaddyfile } from "../../renderers/caddyfile";

const site = { host: "shop.example.com", upstream: "dashboard:8080" };

describe("unit: renderCaddyfile", () => {
    it("gives each site access logs, compression and its upstream", () => {
        const text = renderCaddyfile({ sites: [site, { host: "api.example.com", upstream: "agente-negocio:8002" }] });
        // Upstreams are found by DNS on every refresh (old and new containers share the alias), and a
        // request is retried on another backend while one goes away.
        const proxied = (name: string, port: number) => [
            "\tlog",
            "\tencode zstd gzip",
            "\treverse_proxy {",
            `\t\tdynamic a ${name} ${port} {`,
            "\t\t\trefresh 1s",
            "\t\t}",
            "\t\tlb_policy round_robin",
            "\t\tlb_try_duration 5s",
            "\t\tlb_try_interval 250ms",
            "\t\tfail_duration 2s",
            "\t\ttransport http {",
            "\t\t\tdial_timeout 1s",
            "\t\t}",
            "\t}",
        ];
        const full = (opener: string) => {
            const lines = text.split("\n");
            const start = lines.indexOf(`${opener} {`);
            return lines.slice(start + 1, lines.indexOf("}", start + 14));
        };
        expect(full("shop.example.com")).to.deep.equal(proxied("dashboard", 8080));
        expect(full("api.example.com")).to.deep.equal(proxied("agente-negocio", 8002));
        expect(text.endsWith("}\n")).to.be.true;
        expect(text).to.include("}\n\nshop.example.com {");
    });

    it("serves HTTP/1.1 and HTTP/2 only (UDP 443 is closed), with the ACME e-mail when given", () => {
        const withEmail = renderCaddyfile({ email: "ops@example.com", sites: [site] });
        expect(withEmail.startsWith("{\n\temail ops@example.com\n\tservers {\n\t\tprotocols h1 h2\n\t}\n}\n")).to.be.true;
        const without = renderCaddyfile({ sites: [site] });
        expect(without.startsWith("{\n\tservers {\n\t\tprotocols h1 h2\n\t}\n}\n")).to.be.true;
        expect(without).not.to.include("email");
    });

    it("refuses no sites, a duplicate host, and anything that is not a plain host, name:port or e-mail", () => {
        expect(() => renderCaddyfile({ sites: [] })).to.throw(/at least one site/);
        expect(() => renderCaddyfile({ sites: [site, site] })).to.throw(/shop.example.com is listed twice/);
        for (const host of ["Shop.example.com", "-a.example", "a.example-", "a b", "a{b", "", "a.example/x"]) {
            expect(() => renderCaddyfile({ sites: [{ host, upstream: "d:1" }] }), host).to.throw(/invalid site host/);
        }
        for (const upstream of ["dashboard", "dashboard:", "dashboard:123456", ":80", "dash board:80", "a:80 b", "-d:80", "d-:80"]) {
            expect(() => renderCaddyfile({ sites: [{ host: "a", upstream }] }), upstream).to.throw(/invalid upstream .*expected name:port/);
        }
        for (const email of ["", "ops", "ops@", "@example.com", "o ps@example.com", "ops@exa{mple", 'o"p@example.com', "a@b@c"]) {
            expect(() => renderCaddyfile({ email, sites: [site] }), email).to.throw(/invalid ACME e-mail/);
        }
        expect(
            renderCaddyfile({
                sites: [
                    { host: "a", upstream: "b:1" },
                    { host: "a.b-c.d9", upstream: "x.y:65535" },
                ],
            }),
        ).to.include("dynamic a x.y 65535 {");
    });
});
