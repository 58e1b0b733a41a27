// The Caddyfile of the reverse proxy in front of the dashboard and Grafana, rendered from data.
// In maintenance mode a site answers 503 with the operator's message instead of proxying.
// Prod: one site per public host name, with automatic HTTPS (Let's Encrypt via the HTTP-01/TLS-ALPN
// challenges on ports 80/443). Staging: plain HTTP on the host ports people already use.
//
// Every site proxies to a Docker DNS alias, resolved again every second (`dynamic a`): while a new
// container and the old one share the alias during a deploy, both are upstreams; a request whose
// connection is refused (the new one not listening yet, the old one draining) is retried on the
// other one until `lb_try_duration`. Caddy runs no active health checks for dynamic upstreams
// (caddy v2.10.2 modules/caddyhttp/reverseproxy/healthchecks.go: "Active health checks do not run
// for dynamic upstreams"), so passive ones mark a refusing upstream down between retries.

import { MAINTENANCE } from "../facts/endpoints";

export interface CaddySite {
    /** Public host name: HTTPS, Caddy obtains and renews its certificate. */
    host?: string;
    /** Plain HTTP on this port of the proxy container, for any host name (staging). */
    port?: number;
    /** `name:port` on the Docker network (a DNS alias). */
    upstream: string;
    /** Maintenance mode: answer every request with 503 and this text instead of proxying. */
    maintenance?: string;
}

export interface CaddyfileOptions {
    /** ACME account contact; optional for Let's Encrypt. */
    email?: string;
    sites: CaddySite[];
    /** DNS server for the upstreams (`ip:port`); default the container's (Docker's embedded DNS). */
    resolver?: string;
}

/** How the proxy rides out a replacement; docs/operations.md "Deploys without downtime" quotes these. */
export const PROXY_RETRY = {
    /** Seconds a request may spend being retried across upstreams before it fails. */
    tryDuration: 5,
    /** Milliseconds between tries when no upstream is available. */
    tryIntervalMs: 250,
    /** Seconds the alias's addresses are cached. */
    refresh: 1,
    /** Seconds a refused upstream is skipped. */
    failDuration: 2,
    /** Seconds to wait for a connection to an upstream on the local bridge network. */
    dialTimeout: 1,
} as const;

// Anything else could end a token or open a block in the Caddyfile.
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const UPSTREAM = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?):(\d{1,5})$/;
const EMAIL = /^[^\s{}"'#@]+@[^\s{}"'#@]+$/;
const RESOLVER = /^[0-9.]+:\d{1,5}$/;

export function renderCaddyfile(o: CaddyfileOptions): string {
    if (o.sites.length === 0) throw new Error("the proxy needs at least one site");
    if (o.email !== undefined && !EMAIL.test(o.email)) throw new Error(`invalid ACME e-mail ${JSON.stringify(o.email)}`);
    if (o.resolver !== undefined && !RESOLVER.test(o.resolver)) throw new Error(`invalid resolver ${JSON.stringify(o.resolver)} (expected ip:port)`);
    const seen = new Set<string>();
    for (const site of o.sites) {
        const address = siteAddress(site);
        if (!UPSTREAM.test(site.upstream)) throw new Error(`invalid upstream ${JSON.stringify(site.upstream)} (expected name:port)`);
        // Stryker disable next-line ConditionalExpression: test(undefined) reads "undefined", which the rule accepts.
        if (site.maintenance !== undefined && !MAINTENANCE.message.test(site.maintenance)) {
            throw new Error(`invalid maintenance message ${JSON.stringify(site.maintenance)} (one line, no { } " or \\)`);
        }
        if (seen.has(address)) throw new Error(`site ${address} is listed twice`);
        seen.add(address);
    }
    return [globalOptions(o.email), ...o.sites.map((site) => siteBlock(site, o.resolver))].join("\n\n") + "\n";
}

function siteAddress(site: CaddySite): string {
    if ((site.host === undefined) === (site.port === undefined)) throw new Error("a site has either a host name (HTTPS) or a port (plain HTTP)");
    if (site.host !== undefined) {
        if (!HOST.test(site.host)) throw new Error(`invalid site host ${JSON.stringify(site.host)}`);
        return site.host;
    }
    if (!Number.isInteger(site.port) || site.port! < 1 || site.port! > 65535) throw new Error(`invalid site port ${site.port}`);
    return `http://:${site.port}`;
}

function globalOptions(email: string | undefined): string {
    return [
        "{",
        ...(email ? [`\temail ${email}`] : []),
        // HTTP/3 would need UDP 443 through the firewall; only TCP 80/443 are open.
        "\tservers {",
        "\t\tprotocols h1 h2",
        "\t}",
        "}",
    ].join("\n");
}

function siteBlock(site: CaddySite, resolver: string | undefined): string {
    if (site.maintenance !== undefined) return maintenanceBlock(site, site.maintenance);
    const [, name, , port] = UPSTREAM.exec(site.upstream)!;
    const r = PROXY_RETRY;
    return [
        `${siteAddress(site)} {`,
        // Access logs go to the container's output, and from there to Loki.
        "\tlog",
        "\tencode zstd gzip",
        "\treverse_proxy {",
        `\t\tdynamic a ${name} ${port} {`,
        `\t\t\trefresh ${r.refresh}s`,
        ...(resolver ? [`\t\t\tresolvers ${resolver}`] : []),
        "\t\t}",
        "\t\tlb_policy round_robin",
        `\t\tlb_try_duration ${r.tryDuration}s`,
        `\t\tlb_try_interval ${r.tryIntervalMs}ms`,
        `\t\tfail_duration ${r.failDuration}s`,
        "\t\ttransport http {",
        `\t\t\tdial_timeout ${r.dialTimeout}s`,
        "\t\t}",
        "\t}",
        "}",
    ].join("\n");
}

/**
 * The site while the operator works: every request gets 503 and the message as plain text, never
 * cached. The message is one double-quoted token: MAINTENANCE.message keeps out the quote, the
 * backslash and the braces of Caddy's placeholders.
 */
function maintenanceBlock(site: CaddySite, message: string): string {
    return [
        `${siteAddress(site)} {`,
        "\tlog",
        '\theader Content-Type "text/plain; charset=utf-8"',
        '\theader Cache-Control "no-store"',
        `\trespond "${message}" 503`,
        "}",
    ].join("\n");
}
