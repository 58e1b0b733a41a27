// Maintenance mode, the pure parts: the config keys and the Caddyfile text a site gets (the real
// Caddy serves it in test/deploy/maintenance.test.ts).
import { expect } from "chai";
import { parseConfig } from "../../config";
import { MAINTENANCE } from "../../facts/endpoints";
import { renderCaddyfile } from "../../renderers/caddyfile";

const MESSAGE = "Inventario en mantenimiento: volvemos a las 14:00 (¡gracias!) – 100% <b>ok</b> & 'quotes'";

describe("maintenance mode: config", () => {
    const parse = (values: Record<string, string>) => parseConfig({ values, secretKeys: new Set() }, "dev-ana");

    it("is off by default, with a default message; on with the operator's message", () => {
        expect(parse({}).maintenance).to.deep.equal({ enabled: false, message: MAINTENANCE.defaultMessage });
        expect(parse({ maintenance: JSON.stringify({ enabled: "true", message: MESSAGE }) }).maintenance).to.deep.equal({ enabled: true, message: MESSAGE });
    });

    it("refuses a message that would not stay one Caddyfile token, naming the key", () => {
        for (const bad of ['say "hi"', "a {placeholder}", "back\\slash", "two\nlines", "", "x".repeat(301)]) {
            expect(() => parse({ maintenance: JSON.stringify({ enabled: true, message: bad }) }), JSON.stringify(bad)).to.throw(
                /minimarket:maintenance\.message: must be one line of 1 to 300 characters without \{ \} " or \\/,
            );
        }
        expect(() => parse({ maintenance: JSON.stringify({ enabled: true, mesage: "x" }) })).to.throw(
            /minimarket:maintenance\.mesage: unknown field.*did you mean `message`/,
        );
        expect(() => parse({ maintenance: JSON.stringify({ enabled: true, until: "14:00" }) })).to.throw(
            /minimarket:maintenance\.until: unknown field; the fields are enabled, message$/m,
        );
        expect(() => renderCaddyfile({ sites: [{ port: 8080, upstream: "dashboard:8080", maintenance: 'a"b' }] })).to.throw(/invalid maintenance message/);
    });
});

describe("maintenance mode: the Caddyfile", () => {
    it("answers a site in maintenance with 503 and the message as one token, never cached; the others proxy as before", () => {
        const caddyfile = renderCaddyfile({
            sites: [
                { port: 8080, upstream: "dashboard:8080", maintenance: MESSAGE },
                { port: 3000, upstream: "grafana:3000" },
            ],
        });
        expect(caddyfile).to.include(
            `http://:8080 {\n\tlog\n\theader Content-Type "text/plain; charset=utf-8"\n\theader Cache-Control "no-store"\n\trespond "${MESSAGE}" 503\n}\n\nhttp://:3000 {\n\tlog\n\tencode zstd gzip\n\treverse_proxy {`,
        );
        expect(caddyfile.match(/reverse_proxy/g)).to.have.length(1);
        const https = renderCaddyfile({ sites: [{ host: "shop.example.com", upstream: "dashboard:8080", maintenance: "Back soon." }] });
        expect(https).to.include(
            'shop.example.com {\n\tlog\n\theader Content-Type "text/plain; charset=utf-8"\n\theader Cache-Control "no-store"\n\trespond "Back soon." 503\n}',
        );
    });

    it("takes the same text rule as the config", () => {
        expect(MAINTENANCE.message.test(MESSAGE)).to.equal(true);
        for (const bad of ['a"b', "a{b", "a}b", "a\\b", "a\nb", "a\tb", "", "x".repeat(301)]) {
            expect(MAINTENANCE.message.test(bad), JSON.stringify(bad)).to.equal(false);
            expect(() => renderCaddyfile({ sites: [{ port: 8080, upstream: "dashboard:8080", maintenance: bad }] })).to.throw(
                `invalid maintenance message ${JSON.stringify(bad)} (one line, no { } " or \\)`,
            );
        }
        expect(MAINTENANCE.message.test("x".repeat(300))).to.equal(true);
    });
});
