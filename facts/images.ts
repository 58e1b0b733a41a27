// Image references: parsing, pinning policy, and the pinned defaults the program deploys.
// Parsing follows the Docker reference grammar closely enough to catch what bit the old
// deployment: tags that do not exist because they were mistyped, `latest`, and tagless refs.

export interface ImageRef {
    /** Registry host, if the reference names one (e.g. `ghcr.io`, `europe-docker.pkg.dev`). */
    registry?: string;
    repository: string;
    tag?: string;
    digest?: string;
}

const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domain = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)";
const referencePattern = new RegExp(`^(?:(${domain})/)?(${component}(?:/${component})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);

/** Parses an image reference, or returns undefined when it is malformed. */
export function parseImageRef(ref: string): ImageRef | undefined {
    const m = referencePattern.exec(ref);
    if (!m) return undefined;
    let registry: string | undefined = m[1];
    let repository = m[2];
    const [, , , tag, digest] = m;
    // "localhost:5000/x" or "ghcr.io/x" name a registry; "library/x" does not.
    if (registry && !/[.:]/.test(registry) && registry !== "localhost") {
        if (!new RegExp(`^${component}$`).test(registry)) return undefined;
        repository = `${registry}/${repository}`;
        registry = undefined;
    }
    return { registry, repository, tag, digest };
}

/** A pinned image has a digest, or an explicit tag other than `latest`. */
export function isPinned(ref: ImageRef): boolean {
    return ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== "latest");
}

/**
 * Upstream images deployed by the program, pinned. Bumping one of these replaces only the
 * containers that run it.
 *
 * Checked 2026-11 for the newest patch release of each pinned line (docs/research/provider-findings.md g):
 * postgres, redis, python and caddy against the tags in docker-library/official-images
 * `library/<name>` (snapshot 37079fb3, 2026-08-21; redis 7.4.11 is the 2026-08-18 security
 * release); the others against the git tags of their projects (prometheus v3.5.5, alertmanager
 * v0.34.0, node_exporter v1.12.1, cadvisor v0.60.5, postgres_exporter v0.20.1, redis_exporter
 * v1.88.0, loki v3.5.12). Alloy is bumped separately.
 */
export const defaultImages = {
    postgres: "postgres:17.11-bookworm",
    redis: "redis:7.4.11-bookworm",
    /** Runs the demo stand-ins of the app services: a public image, no build. */
    standIn: "python:3.12.14-slim-bookworm",
    prometheus: "prom/prometheus:v3.5.5",
    alertmanager: "prom/alertmanager:v0.34.0",
    nodeExporter: "prom/node-exporter:v1.12.1",
    /** cAdvisor publishes to ghcr.io since v0.54.0; gcr.io/cadvisor gets no new versions. */
    cadvisor: "ghcr.io/google/cadvisor:v0.60.5",
    postgresExporter: "quay.io/prometheuscommunity/postgres-exporter:v0.20.1",
    redisExporter: "oliver006/redis_exporter:v1.88.0",
    /**
     * The newest patch of Grafana 12's last minor, which Grafana supports for 15 months (until about
     * 2027-05; each other minor gets 9). 12.1 was out of support since 2026-04. Sources, as of
     * 2026-12: the npm registry's @grafana/data release times (12.4.0 on 2026-02-24, 12.4.10 on
     * 2026-09-01, its last 12.x entry here), Alpine's grafana 12.4.14 (2026-10-29) and the OSV
     * advisories of Chainguard's grafana-12.4 packages, fixed in 12.4.16 (2026-11-24). 13.x is a
     * major upgrade, left for its own change. docs/images.md has the details.
     */
    grafana: "grafana/grafana:12.4.16",
    loki: "grafana/loki:3.5.12",
    /**
     * v1.18.1 (2026-08-06): discovery.docker and loki.source.docker use the moby client, which
     * negotiates the API version; v1.10.2 asked for API 1.43, which Docker Engine 29 refuses
     * (minimum 1.44, grafana/alloy#5610).
     */
    alloy: "grafana/alloy:v1.18.1",
    /** The prod entry point (automatic HTTPS). 2.11.x carries the security fixes 2.10.2 lacks. */
    caddy: "caddy:2.11.4",
    /** rclone's official image (alpine, with a shell), for the optional copy of the backups to a bucket. */
    offsiteSync: "rclone/rclone:1.71.2",
} as const;
