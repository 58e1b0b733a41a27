// The VPC's ingress rules, as data: kept apart from the resources so the policy ("only the entry
// point is open to the world, and only on 80/443") can be checked on its own.

export interface IngressRule {
    /** Suffix of the firewall rule name. */
    name: string;
    description: string;
    ports: string[];
    sourceRanges: string[];
    /** Firewall logging: on for SSH (who got in), off for web traffic (volume, cost). */
    log: boolean;
}

export const ANYWHERE = "0.0.0.0/0";

/**
 * HTTPS (and HTTP, for the ACME HTTP-01 challenge and the redirect to HTTPS) from anywhere; SSH
 * only from the listed ranges, and no SSH rule at all when there are none. Everything else is
 * refused by the VPC's implied deny-ingress rule.
 */
export function ingressRules(sshSourceRanges: string[], metrics?: { port: number; sourceRanges: string[] }): IngressRule[] {
    const rules: IngressRule[] = [
        {
            name: "web",
            description: "HTTPS to the reverse proxy, and HTTP for ACME challenges and the redirect",
            ports: ["80", "443"],
            sourceRanges: [ANYWHERE],
            log: false,
        },
    ];
    if (sshSourceRanges.length > 0) {
        rules.push({
            name: "ssh",
            description: "SSH for deploys (Docker over ssh://) from the configured ranges only",
            ports: ["22"],
            sourceRanges: [...sshSourceRanges],
            log: true,
        });
    }
    if (metrics) {
        // cloudrun: the apps' metrics agents remote-write to the ops VM's Prometheus from the subnet
        // their Direct VPC egress draws from; nothing outside the VPC.
        rules.push({
            name: "metrics",
            description: "Prometheus remote write from the Cloud Run services' metrics agents (their Direct VPC egress subnet)",
            ports: [String(metrics.port)],
            sourceRanges: [...metrics.sourceRanges],
            log: false,
        });
    }
    return rules;
}
