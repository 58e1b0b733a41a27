// Grafana Alloy configuration: a small typed syntax tree plus a renderer, and the
// MiniMarket log pipeline (Docker containers -> labels -> JSON parsing -> Loki).
import { LABELS } from "../../facts/endpoints";
import { serviceNames } from "../../facts/services";

/** A raw Alloy expression, e.g. a reference to another component's export. */
export class AlloyExpr {
    constructor(readonly source: string) {}
}

export type AlloyValue = string | number | boolean | AlloyExpr | AlloyValue[] | { [key: string]: AlloyValue };

export interface AlloyAttribute {
    kind: "attribute";
    name: string;
    value: AlloyValue;
}

export interface AlloyBlock {
    kind: "block";
    name: string;
    label?: string;
    body: AlloyNode[];
}

export type AlloyNode = AlloyAttribute | AlloyBlock;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const INDENT = "  ";

function assertMatches(what: string, value: string, pattern: RegExp): void {
    if (!pattern.test(value)) {
        throw new Error(`invalid Alloy ${what}: ${JSON.stringify(value)}`);
    }
}

export function attr(name: string, value: AlloyValue): AlloyAttribute {
    assertMatches("attribute name", name, IDENTIFIER);
    return { kind: "attribute", name, value };
}

/** `name "label" { body }`; the label is omitted for nested blocks such as `rule`. */
export function block(name: string, label: string | undefined, body: AlloyNode[]): AlloyBlock {
    assertMatches("block name", name, DOTTED_IDENTIFIER);
    if (label !== undefined) {
        // Alloy requires component labels to be identifiers.
        assertMatches("block label", label, IDENTIFIER);
    }
    return { kind: "block", name, label, body };
}

/** A reference such as `discovery.docker.containers.targets`. */
export function ref(path: string): AlloyExpr {
    assertMatches("reference", path, DOTTED_IDENTIFIER);
    return new AlloyExpr(path);
}

const SIMPLE_ESCAPES: Record<string, string> = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
};

/** A double-quoted Alloy string literal (Go-style escapes). */
export function alloyString(value: string): string {
    let out = '"';
    for (const ch of value) {
        const code = ch.codePointAt(0) as number;
        if (ch in SIMPLE_ESCAPES) {
            out += SIMPLE_ESCAPES[ch];
        } else if (code < 0x20 || code === 0x7f) {
            out += "\\u" + code.toString(16).padStart(4, "0");
        } else {
            out += ch;
        }
    }
    return out + '"';
}

function renderValue(value: AlloyValue, depth: number): string {
    if (value instanceof AlloyExpr) return value.source;
    if (typeof value === "string") return alloyString(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new Error(`Alloy numbers must be finite, got ${value}`);
        return String(value);
    }
    if (Array.isArray(value)) {
        return "[" + value.map((v) => renderValue(v, depth)).join(", ") + "]";
    }
    return renderObject(value, depth);
}

function renderObject(value: { [key: string]: AlloyValue }, depth: number): string {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const inner = INDENT.repeat(depth + 1);
    // Keys that are not identifiers (e.g. containing dots) must be quoted.
    const names = keys.map((k) => (IDENTIFIER.test(k) ? k : alloyString(k)));
    const width = Math.max(...names.map((n) => n.length));
    const lines = keys.map((k, i) => `${inner}${names[i].padEnd(width)} = ${renderValue(value[k], depth + 1)},`);
    return `{\n${lines.join("\n")}\n${INDENT.repeat(depth)}}`;
}

function renderBody(nodes: AlloyNode[], depth: number): string[] {
    const pad = INDENT.repeat(depth);
    const lines: string[] = [];
    // Align `=` within each run of consecutive attributes, like `alloy fmt`.
    // Blank lines separate blocks from their neighbours.
    let run: AlloyAttribute[] = [];
    const flush = () => {
        if (run.length === 0) return;
        if (lines.length > 0) lines.push("");
        const width = Math.max(...run.map((a) => a.name.length));
        for (const a of run) lines.push(`${pad}${a.name.padEnd(width)} = ${renderValue(a.value, depth)}`);
        run = [];
    };
    for (const node of nodes) {
        if (node.kind === "attribute") {
            run.push(node);
            continue;
        }
        flush();
        if (lines.length > 0) lines.push("");
        const header = node.label === undefined ? node.name : `${node.name} ${alloyString(node.label)}`;
        if (node.body.length === 0) {
            lines.push(`${pad}${header} {}`);
        } else {
            lines.push(`${pad}${header} {`, ...renderBody(node.body, depth + 1), `${pad}}`);
        }
    }
    flush();
    return lines;
}

/** Renders a whole Alloy file. */
export function renderAlloy(nodes: AlloyNode[]): string {
    return renderBody(nodes, 0).join("\n") + "\n";
}

// ---------------------------------------------------------------------------
// The MiniMarket log pipeline.

export interface AlloyConfigInput {
    /** Value of the static `environment` label, e.g. "staging". */
    environment: string;
    /** Loki base URL as seen from the Alloy container; default http://loki:3100. */
    lokiUrl?: string;
    /** Docker socket path inside the Alloy container; default /var/run/docker.sock. */
    dockerSocketPath?: string;
    /** Cloud Run's logs, routed by a Cloud Logging sink to Pub/Sub: the subscription Alloy pulls (cloudrun only). */
    cloudRunLogs?: { projectId: string; subscription: string };
}

export const DEFAULT_LOKI_URL = "http://loki:3100";
export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
/** Docker label every app container carries; its value is the service name. */
export const SERVICE_DOCKER_LABEL = "com.minimarket.service";

export function lokiPushUrl(lokiUrl: string): string {
    return lokiUrl.replace(/\/+$/, "") + "/loki/api/v1/push";
}

export function dockerHost(socketPath: string): string {
    if (!socketPath.startsWith("/")) {
        throw new Error(`docker socket path must be absolute, got ${JSON.stringify(socketPath)}`);
    }
    return `unix://${socketPath}`;
}

/** Docker SD turns label `a.b-c` into meta label `__meta_docker_container_label_a_b_c`. */
function dockerLabelMeta(label: string): string {
    return "__meta_docker_container_label_" + label.replace(/[^A-Za-z0-9_]/g, "_");
}

function relabelRules(environment: string): AlloyNode[] {
    return [
        block("rule", undefined, [
            attr("source_labels", ["__meta_docker_container_name"]),
            // Docker reports names as "/name".
            attr("regex", "/?(.*)"),
            attr("target_label", "container"),
        ]),
        block("rule", undefined, [attr("source_labels", [dockerLabelMeta(SERVICE_DOCKER_LABEL)]), attr("target_label", "service")]),
        block("rule", undefined, [attr("target_label", "environment"), attr("replacement", environment)]),
    ];
}

/** Only the app services log JSON; other containers keep their lines unparsed. */
function jsonStages(): AlloyNode[] {
    return [
        block("stage.match", undefined, [
            attr("selector", '{service=~".+"}'),
            block("stage.json", undefined, [attr("expressions", { level: "level", message: "message" })]),
            // "INFO" and "info" must not become two label values; the guard skips lines without a level.
            block("stage.template", undefined, [attr("source", "level"), attr("template", "{{ if .Value }}{{ ToLower .Value }}{{ end }}")]),
            // Only `level` becomes a label; message stays in the line (keeps cardinality low).
            block("stage.labels", undefined, [attr("values", { level: "" })]),
        ]),
    ];
}

/** The Docker label filter that selects the containers of one environment. */
export function environmentFilter(environment: string): string {
    return `${LABELS.environment}=${environment}`;
}

/**
 * Cloud Run's log entries from Pub/Sub, labelled like the containers' lines: `service` from the
 * Cloud Run service name, `container` the whole name, `level` from the apps' JSON (Cloud Logging
 * keeps it under jsonPayload). Meta labels: grafana/alloy internal/component/loki/source/gcplog
 * (`__gcp_resource_labels_<name>` for each resource label; the line is the whole entry as JSON
 * unless it has a textPayload).
 */
function cloudRunLogNodes(logs: NonNullable<AlloyConfigInput["cloudRunLogs"]>, environment: string): AlloyNode[] {
    const serviceName = "__gcp_resource_labels_service_name";
    return [
        block("loki.relabel", "cloud_run", [
            // Only `rules` is used (by loki.source.gcplog); forward_to is required by the component.
            attr("forward_to", []),
            block("rule", undefined, [
                attr("source_labels", [serviceName]),
                attr("regex", `(?:.*-)?(${serviceNames.join("|")})`),
                attr("target_label", "service"),
            ]),
            block("rule", undefined, [attr("source_labels", [serviceName]), attr("target_label", "container")]),
        ]),
        block("loki.source.gcplog", "cloud_run", [
            block("pull", undefined, [
                attr("project_id", logs.projectId),
                attr("subscription", logs.subscription),
                attr("use_incoming_timestamp", true),
                attr("labels", { environment }),
            ]),
            attr("relabel_rules", ref("loki.relabel.cloud_run.rules")),
            attr("forward_to", [ref("loki.process.cloud_run.receiver")]),
        ]),
        block("loki.process", "cloud_run", [
            block("stage.json", undefined, [attr("expressions", { level: "jsonPayload.level" })]),
            block("stage.template", undefined, [attr("source", "level"), attr("template", "{{ if .Value }}{{ ToLower .Value }}{{ end }}")]),
            block("stage.labels", undefined, [attr("values", { level: "" })]),
            attr("forward_to", [ref("loki.write.loki.receiver")]),
        ]),
    ];
}

export function alloyConfigNodes(input: AlloyConfigInput): AlloyNode[] {
    const host = dockerHost(input.dockerSocketPath ?? DEFAULT_DOCKER_SOCKET);
    const url = lokiPushUrl(input.lokiUrl ?? DEFAULT_LOKI_URL);
    return [
        block("discovery.docker", "containers", [
            attr("host", host),
            attr("refresh_interval", "15s"),
            // Only this stack's containers: a shared host runs others, whose logs are not ours to ship.
            // Docker's list filter `label=key=value` (Engine API ContainerList).
            block("filter", undefined, [attr("name", "label"), attr("values", [environmentFilter(input.environment)])]),
        ]),
        block("discovery.relabel", "containers", [
            // Only `rules` is used (by loki.source.docker); targets is required by the component.
            attr("targets", ref("discovery.docker.containers.targets")),
            ...relabelRules(input.environment),
        ]),
        block("loki.source.docker", "containers", [
            attr("host", host),
            attr("targets", ref("discovery.docker.containers.targets")),
            attr("relabel_rules", ref("discovery.relabel.containers.rules")),
            attr("forward_to", [ref("loki.process.json_logs.receiver")]),
        ]),
        block("loki.process", "json_logs", [...jsonStages(), attr("forward_to", [ref("loki.write.loki.receiver")])]),
        ...(input.cloudRunLogs ? cloudRunLogNodes(input.cloudRunLogs, input.environment) : []),
        block("loki.write", "loki", [block("endpoint", undefined, [attr("url", url)])]),
    ];
}

export function renderAlloyConfig(input: AlloyConfigInput): string {
    return renderAlloy(alloyConfigNodes(input));
}
