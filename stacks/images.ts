// The images a Docker-host stack runs, from its config alone: the preflight lists them before
// `up` (scripts/preflight.ts), and test/preflight.test.ts holds this list to the image resources
// a program run declares, so the two cannot drift apart.
import { DockerStackConfig } from "../config";
import { defaultImages } from "../facts/images";

export function dockerHostImages(config: DockerStackConfig): string[] {
    const d = defaultImages;
    const apps = Object.values(config.services).map((s) => s.image ?? d.standIn);
    const observability = [d.prometheus, d.alertmanager, d.nodeExporter, d.cadvisor, d.postgresExporter, d.redisExporter, d.grafana, d.loki, d.alloy];
    // The backup container runs the database's own image; its copy to a bucket runs rclone.
    const offsite = config.backup.enabled && config.backup.offsite ? [d.offsiteSync] : [];
    return [...new Set([d.postgres, d.redis, ...apps, ...observability, d.caddy, ...offsite])];
}
