import * as pulumi from "@pulumi/pulumi";
import { VOLUMES } from "../facts/endpoints";
import { defaultImages } from "../facts/images";
import { DockerPlatform } from "./docker/platform";
import { httpProbe, UpstreamService } from "./docker/upstreamService";
import { CaddySite, renderCaddyfile } from "../renderers/caddyfile";

export interface CaddyProxyArgs {
    platform: DockerPlatform;
    sites: CaddySite[];
    /** ACME account contact (optional). */
    email?: string;
    memoryMb?: number;
    /** Host ports; default 80 and 443 on every address (HTTPS sites). */
    ports?: Array<{ internal: number; external: number; ip: string }>;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The entry point people use, in front of the dashboard and Grafana on every stack: prod terminates
 * TLS for every site, with certificates obtained and renewed automatically; staging serves plain
 * HTTP on the host ports. Its config arrives as an uploaded file (no image build); certificates live
 * on a volume kept across container replacement, so a new proxy does not hit ACME limits. It holds
 * the host ports, so it is itself replaced delete-first (rarely: a new Caddy image or site list).
 * Upstreams are DNS aliases resolved per request: it needs nothing to be up before it starts.
 */
export class CaddyProxy extends UpstreamService {
    readonly caddyfile: string;

    constructor(name: string, args: CaddyProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        const caddyfile = renderCaddyfile({ email: args.email, sites: args.sites });
        super(
            "minimarket:proxy:CaddyProxy",
            name,
            {
                platform: args.platform,
                service: "proxy",
                role: "edge",
                image: defaultImages.caddy,
                memoryMb: args.memoryMb ?? 256,
                files: { "/etc/caddy/Caddyfile": caddyfile },
                volumes: args.sites.some((s) => s.host !== undefined) ? { "/data": VOLUMES.caddy } : {},
                ports: args.ports ?? [
                    { internal: 80, external: 80, ip: "0.0.0.0" },
                    { internal: 443, external: 443, ip: "0.0.0.0" },
                ],
                // The admin API listens on localhost inside the container only.
                healthcheck: httpProbe("http://127.0.0.1:2019/config/"),
                dependsOn: args.dependsOn,
            },
            opts,
        );
        this.caddyfile = caddyfile;
    }
}
