import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourcePrefix } from "../../facts/endpoints";

export interface DashboardLoadBalancerArgs {
    environment: string;
    region: string;
    /** The public name; Google issues and renews its certificate once the A record points here. */
    domain: string;
    /** The Cloud Run service behind it (its ingress admits the load balancer only). */
    cloudRunService: pulumi.Input<string>;
}

/**
 * The public entry of the dashboard on Cloud Run: a global external Application Load Balancer with
 * a Google-managed certificate and a serverless NEG, and HTTP answered with a redirect to HTTPS.
 * Chosen over Cloud Run's domain mapping, which São Paulo does not offer and which would leave the
 * run.app address public; behind the balancer the service takes load-balancer ingress only.
 */
export class DashboardLoadBalancer extends pulumi.ComponentResource {
    readonly address: gcp.compute.GlobalAddress;
    /** The A record of the domain points here. */
    readonly ip: pulumi.Output<string>;

    constructor(name: string, args: DashboardLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:DashboardLoadBalancer", name, {}, opts);
        const prefix = `${resourcePrefix(args.environment)}-dashboard`;
        const child = { parent: this };
        // The DNS record points here: keep it however the rest changes.
        this.address = new gcp.compute.GlobalAddress(name, { name: prefix, addressType: "EXTERNAL", ipVersion: "IPV4" }, { ...child, protect: true });
        this.ip = this.address.address;
        const neg = new gcp.compute.RegionNetworkEndpointGroup(
            name,
            { name: prefix, region: args.region, networkEndpointType: "SERVERLESS", cloudRun: { service: args.cloudRunService } },
            child,
        );
        const backend = new gcp.compute.BackendService(
            name,
            { name: prefix, loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS", backends: [{ group: neg.id }] },
            child,
        );
        const urlMap = new gcp.compute.URLMap(name, { name: prefix, defaultService: backend.id }, child);
        // Auto-named: a new domain gets its certificate beside the old one before the proxy moves to it.
        const certificate = new gcp.compute.ManagedSslCertificate(name, { managed: { domains: [args.domain] } }, child);
        const https = new gcp.compute.TargetHttpsProxy(name, { name: prefix, urlMap: urlMap.id, sslCertificates: [certificate.id] }, child);
        new gcp.compute.GlobalForwardingRule(
            `${name}-https`,
            { name: `${prefix}-https`, loadBalancingScheme: "EXTERNAL_MANAGED", ipAddress: this.address.id, portRange: "443", target: https.id },
            child,
        );
        const redirect = new gcp.compute.URLMap(
            `${name}-redirect`,
            { name: `${prefix}-redirect`, defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT" } },
            child,
        );
        const http = new gcp.compute.TargetHttpProxy(name, { name: `${prefix}-redirect`, urlMap: redirect.id }, child);
        new gcp.compute.GlobalForwardingRule(
            `${name}-http`,
            { name: `${prefix}-http`, loadBalancingScheme: "EXTERNAL_MANAGED", ipAddress: this.address.id, portRange: "80", target: http.id },
            child,
        );
        this.registerOutputs({ ip: this.ip });
    }
}
