import * as pulumi from "@pulumi/pulumi";
import { VOLUMES } from "../facts/endpoints";
import { defaultImages } from "../facts/images";
import { DockerPlatform } from "../docker/platform";
import { httpProbe, UpstreamService } from "../docker/upstreamService";
import { CaddySite, renderCaddyfile } from "./caddyfile";

export interface CaddyProxyArgs {
    platform: DockerPlatform;
    sites: CaddySite[];
    /** ACME account contact (optional). */
    email?: string;
    memoryMb?: number;
    /** The upstreams it fronts. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The public entry point: Caddy terminating TLS for every site, with certificates obtained and
 * renewed automatically. Its config arrives as an uploaded file (no image build); certificates
 * live on a volume kept across container replacement, so a new proxy does not hit ACME limits.
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
                volumes: { "/data": VOLUMES.caddy },
                ports: [
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
