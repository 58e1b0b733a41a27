// The metrics sidecar of each Cloud Run service: Prometheus (the pinned image the stack already
// runs) in agent mode, scraping the app on localhost and remote-writing to the ops VM's Prometheus,
// where the same rule files evaluate. Pure: the config and the start script as text.
import { INTERVALS, JOBS } from "../../facts/telemetry";
import { toYaml } from "./yaml";

/** Environment variable that carries the agent's config into the sidecar (it holds no secret). */
export const AGENT_CONFIG_VAR = "AGENT_CONFIG";
/** Environment variable the start script sets to the instance's id, for the external label. */
export const INSTANCE_VAR = "CLOUD_RUN_INSTANCE";
/** Label that tells the instances of one service apart: each writes its own series. */
export const INSTANCE_LABEL = "cloud_run_instance";
/** Where the agent listens: loopback, a port no app uses. */
export const AGENT_LISTEN = "127.0.0.1:9091";

/**
 * Cloud Run's metadata server answers the instance's unique id here
 * (cloud.google.com/run/docs/container-contract, "Instance metadata server").
 */
export const INSTANCE_ID_URL = "http://metadata.google.internal/computeMetadata/v1/instance/id";

export interface AgentInput {
    environment: string;
    service: string;
    /** The app's port inside the instance. */
    port: number;
    /** The ops VM Prometheus' remote-write endpoint. */
    remoteWriteUrl: string;
}

/**
 * The agent's prometheus.yml. Every instance of a service scrapes `127.0.0.1:<port>`, so without the
 * instance label their samples would land on one series and collide. Prometheus expands `${VAR}`
 * in external label values from its environment (prometheus/prometheus v3.5.5 config/config.go
 * Load, 89-105) and adds external labels to what it remote-writes.
 */
export function renderAgentConfig(input: AgentInput): string {
    return toYaml({
        global: {
            scrape_interval: INTERVALS.scrape,
            external_labels: { environment: input.environment, [INSTANCE_LABEL]: `\${${INSTANCE_VAR}}` },
        },
        scrape_configs: [
            {
                job_name: JOBS.apps,
                metrics_path: "/metrics",
                static_configs: [{ targets: [`127.0.0.1:${input.port}`], labels: { service: input.service } }],
            },
        ],
        remote_write: [{ url: input.remoteWriteUrl }],
    });
}

/**
 * The sidecar's command (`sh -c`): ask the metadata server for the instance id (a few tries: the
 * network may come up a moment after the container), write the config from the environment, then
 * become Prometheus in agent mode. The image is busybox-based: sh and wget are there, as the
 * readiness gates of the Docker host already rely on.
 */
export function agentStartScript(attempts = 10): string {
    return [
        "set -eu",
        `i=0; until ${INSTANCE_VAR}=$(wget -q -T 5 -O - --header 'Metadata-Flavor: Google' ${INSTANCE_ID_URL}) && [ -n "$${INSTANCE_VAR}" ]; do`,
        `  i=$((i + 1)); [ "$i" -lt ${attempts} ] || { echo "no instance id from the metadata server" >&2; exit 1; }; sleep 1`,
        "done",
        `export ${INSTANCE_VAR}`,
        `printf '%s\\n' "$${AGENT_CONFIG_VAR}" > /tmp/agent.yml`,
        `exec /bin/prometheus --agent --config.file=/tmp/agent.yml --storage.agent.path=/tmp/agent-data --web.listen-address=${AGENT_LISTEN}`,
    ].join("\n");
}
