// The Caddyfile of the reverse proxy, rendered from data: one site per public host name, each
// with automatic HTTPS (Let's Encrypt via the HTTP-01/TLS-ALPN challenges on ports 80/443).

export interface CaddySite {
    /** Public host name; Caddy obtains and renews its certificate. */
    host: string;
    /** `name:port` on the Docker network. */
    upstream: string;
}

export interface CaddyfileOptions {
    /** ACME account contact; optional for Let's Encrypt. */
    email?: string;
    sites: CaddySite[];
}

// Anything else could end a token or open a block in the Caddyfile.
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const UPSTREAM = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:\d{1,5}$/;
const EMAIL = /^[^\s{}"'#@]+@[^\s{}"'#@]+$/;

export function renderCaddyfile(o: CaddyfileOptions): string {
    if (o.sites.length === 0) throw new Error("the proxy needs at least one site");
    if (o.email !== undefined && !EMAIL.test(o.email)) throw new Error(`invalid ACME e-mail ${JSON.stringify(o.email)}`);
    const seen = new Set<string>();
    for (const site of o.sites) {
        if (!HOST.test(site.host)) throw new Error(`invalid site host ${JSON.stringify(site.host)}`);
        if (!UPSTREAM.test(site.upstream)) throw new Error(`invalid upstream ${JSON.stringify(site.upstream)} (expected name:port)`);
        if (seen.has(site.host)) throw new Error(`site ${site.host} is listed twice`);
        seen.add(site.host);
    }
    return [globalOptions(o.email), ...o.sites.map(siteBlock)].join("\n\n") + "\n";
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

function siteBlock(site: CaddySite): string {
    return [
        `${site.host} {`,
        // Access logs go to the container's output, and from there to Loki.
        "\tlog",
        "\tencode zstd gzip",
        `\treverse_proxy ${site.upstream}`,
        "}",
    ].join("\n");
}
