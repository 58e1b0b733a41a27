// The Alloy log pipeline as Alloy would run it: the rendered file is read back with Alloy's syntax
// rules (test/support/alloySyntax.ts), then sample containers, labelled the way the program labels
// its containers, go through the Docker discovery filter, the relabel rules and the processing
// stages, evaluated with the documented semantics of each. What comes out is the label set of the
// streams in Loki, which the deploy gate's query and people's LogQL rely on.

import { expect } from "chai";
import { conventionalArgs } from "../../components/docker/container";
import { ENDPOINTS, httpUrl } from "../../facts/endpoints";
import { lokiStreamsUrl } from "../../components/observability/logs";
import {
    AlloyAttribute,
    AlloyBlock,
    AlloyExpr,
    AlloyNode,
    AlloyValue,
    alloyConfigNodes,
    block,
    lokiPushUrl,
    ref,
    renderAlloy,
    renderAlloyConfig,
} from "../../renderers/observability/alloy";
import { renderStackFiles } from "../../renderers/observability/stackFiles";
import { parseAlloy } from "../support/alloySyntax";

type Labels = Record<string, string>;

function blockOf(nodes: AlloyNode[], name: string, label?: string): AlloyBlock {
    const found = nodes.filter((n): n is AlloyBlock => n.kind === "block" && n.name === name && (label === undefined || n.label === label));
    expect(found, `${name} ${label ?? ""}`).to.have.length(1);
    return found[0];
}

function blocksOf(nodes: AlloyNode[], name: string): AlloyBlock[] {
    return nodes.filter((n): n is AlloyBlock => n.kind === "block" && n.name === name);
}

function attrOf(b: AlloyBlock, name: string): AlloyValue | undefined {
    return b.body.find((n): n is AlloyAttribute => n.kind === "attribute" && n.name === name)?.value;
}

/**
 * Docker's container list filter `label`: `key=value` needs that value, `key` only the key; several
 * filters must all match (Docker Engine API, ContainerList `filters`).
 */
function dockerFilterKeeps(filters: string[], labels: Labels): boolean {
    return filters.every((f) => {
        const eq = f.indexOf("=");
        return eq < 0 ? f in labels : labels[f.slice(0, eq)] === f.slice(eq + 1);
    });
}

/**
 * The target discovery.docker exports for a container (Prometheus docker SD, which Alloy embeds):
 * the name as Docker reports it ("/name") and each label as `__meta_docker_container_label_<name>`
 * with characters outside [a-zA-Z0-9_] replaced by `_`.
 */
function dockerTarget(name: string, labels: Labels): Labels {
    const target: Labels = { __meta_docker_container_name: `/${name}` };
    for (const [k, v] of Object.entries(labels)) target[`__meta_docker_container_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
    return target;
}

/**
 * Prometheus relabelling as Alloy documents its `rule` block (docs/sources/shared/reference/components/
 * rule-block.md): action `replace` by default, regex `(.*)` fully anchored, replacement `$1`, source
 * values joined by `;`; an empty result removes the target label (prometheus model/relabel).
 */
function relabel(rules: AlloyBlock[], input: Labels): Labels {
    const labels = { ...input };
    for (const rule of rules) {
        const action = (attrOf(rule, "action") as string | undefined) ?? "replace";
        expect(action, "only replace rules are evaluated here").to.equal("replace");
        const sources = (attrOf(rule, "source_labels") as string[] | undefined) ?? [];
        const value = sources.map((s) => labels[s] ?? "").join((attrOf(rule, "separator") as string | undefined) ?? ";");
        const m = new RegExp(`^(?:${(attrOf(rule, "regex") as string | undefined) ?? "(.*)"})$`).exec(value);
        if (!m) continue;
        const replacement = (attrOf(rule, "replacement") as string | undefined) ?? "$1";
        const result = replacement.replace(/\$(\d+)|\$\{(\d+)\}/g, (_, a, b) => m[Number(a ?? b)] ?? "");
        const target = attrOf(rule, "target_label") as string;
        if (result === "") delete labels[target];
        else labels[target] = result;
    }
    // Labels starting with "__" are internal and never reach Loki.
    return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith("__")));
}

/** A LogQL stream selector of `label=~"regex"` / `label="value"` matchers, fully anchored like LogQL. */
function selectorMatches(selector: string, labels: Labels): boolean {
    const body = /^\{(.*)\}$/.exec(selector)![1];
    return body.split(",").every((m) => {
        const [, name, op, quoted] = /^\s*(\w+)\s*(=~|=)\s*(".*")\s*$/.exec(m)!;
        const value = labels[name] ?? "";
        const want = JSON.parse(quoted) as string;
        return op === "=" ? value === want : new RegExp(`^(?:${want})$`).test(value);
    });
}

/**
 * The one template form the pipeline may use: `{{ if .Value }}{{ F .Value }}{{ end }}` with F one of
 * the string functions Alloy adds (loki/process/stages/template.go: ToLower, ToUpper, TrimSpace).
 * An empty result deletes the extracted value (same file, templateStage.Process).
 */
function runTemplate(template: string, value: string | undefined): string | undefined {
    const m = /^\{\{ if \.Value \}\}\{\{ (ToLower|ToUpper|TrimSpace) \.Value \}\}\{\{ end \}\}$/.exec(template);
    expect(m, `template ${JSON.stringify(template)} is of the supported form`).to.not.equal(null);
    if (!value) return undefined;
    const fn = { ToLower: (s: string) => s.toLowerCase(), ToUpper: (s: string) => s.toUpperCase(), TrimSpace: (s: string) => s.trim() }[m![1]]!;
    return fn(value) || undefined;
}

/** loki.process "json_logs": the stages in order (match → json → template → labels) for one line. */
function processLine(process: AlloyBlock, streamLabels: Labels, line: string): Labels {
    const labels = { ...streamLabels };
    for (const match of blocksOf(process.body, "stage.match")) {
        if (!selectorMatches(attrOf(match, "selector") as string, labels)) continue;
        let extracted: Record<string, string | undefined> = {};
        for (const stage of match.body) {
            if (stage.kind !== "block") continue;
            if (stage.name === "stage.json") {
                let parsed: Record<string, unknown> = {};
                try {
                    parsed = JSON.parse(line);
                } catch {
                    // Not JSON: the stage extracts nothing.
                }
                const expressions = attrOf(stage, "expressions") as Record<string, string>;
                // The expressions are plain field names (JMESPath identifiers); an empty one names the key itself.
                extracted = Object.fromEntries(
                    Object.entries(expressions).map(([k, e]) => [k, parsed[e || k] === undefined ? undefined : String(parsed[e || k])]),
                );
            } else if (stage.name === "stage.template") {
                const source = attrOf(stage, "source") as string;
                extracted[source] = runTemplate(attrOf(stage, "template") as string, extracted[source]);
            } else if (stage.name === "stage.labels") {
                for (const [name, src] of Object.entries(attrOf(stage, "values") as Record<string, string>)) {
                    const v = extracted[src || name];
                    if (v) labels[name] = v;
                }
            } else {
                expect.fail(`stage ${stage.name} is not evaluated by this test`);
            }
        }
    }
    return labels;
}

interface SampleContainer {
    name: string;
    labels: Labels;
}

/** A container as the program creates it (its name and labels from conventionalArgs). */
function programContainer(environment: string, service: string): SampleContainer {
    const args = conventionalArgs({ environment, service, role: "app", memoryMb: 256 });
    const labels = Object.fromEntries((args.labels as Array<{ label: string; value: string }>).map((l) => [l.label, l.value]));
    return { name: args.name as string, labels };
}

/** What Loki receives from each container for one log line: undefined when Alloy never reads it. */
function shipped(environment: string, containers: SampleContainer[], line: string): Map<string, Labels | undefined> {
    const nodes = parseAlloy(renderAlloyConfig({ environment }));
    const discovery = blockOf(nodes, "discovery.docker", "containers");
    const filter = blockOf(discovery.body, "filter");
    expect(attrOf(filter, "name")).to.equal("label");
    const rules = blocksOf(blockOf(nodes, "discovery.relabel", "containers").body, "rule");
    const source = blockOf(nodes, "loki.source.docker", "containers");
    const process = blockOf(nodes, "loki.process", "json_logs");
    // The source reads the discovered targets with the relabel component's rules and hands the lines to the processing.
    expect(attrOf(source, "targets")).to.deep.equal(new AlloyExpr("discovery.docker.containers.targets"));
    expect(attrOf(source, "relabel_rules")).to.deep.equal(new AlloyExpr("discovery.relabel.containers.rules"));
    expect(attrOf(source, "forward_to")).to.deep.equal([new AlloyExpr("loki.process.json_logs.receiver")]);
    expect(attrOf(process, "forward_to")).to.deep.equal([new AlloyExpr("loki.write.loki.receiver")]);
    const result = new Map<string, Labels | undefined>();
    for (const c of containers) {
        if (!dockerFilterKeeps(attrOf(filter, "values") as string[], c.labels)) {
            result.set(c.name, undefined);
            continue;
        }
        result.set(c.name, processLine(process, relabel(rules, dockerTarget(c.name, c.labels)), line));
    }
    return result;
}

describe("unit: Alloy pipeline, as Alloy reads and runs it", () => {
    const dashboard = programContainer("staging", "dashboard");
    const redis = programContainer("staging", "redis");
    const otherStack = programContainer("pr-42", "dashboard");
    const unlabelled: SampleContainer = { name: "portainer", labels: {} };
    const noService: SampleContainer = { name: "minimarket-staging-oneoff", labels: { "com.minimarket.environment": "staging" } };
    const all = [dashboard, redis, otherStack, unlabelled, noService];

    it("reads the rendered file back as exactly the pipeline it was built from", () => {
        for (const input of [
            { environment: "staging" },
            { environment: "prod", lokiUrl: "http://10.0.0.5:3100/", dockerSocketPath: "/run/docker.sock" },
            { environment: 'st"ag\\ing\t€' },
        ]) {
            expect(parseAlloy(renderAlloyConfig(input)), input.environment).to.deep.equal(alloyConfigNodes(input));
        }
    });

    it("reads only this stack's containers: another stack's and unlabelled ones are never read", () => {
        const out = shipped("staging", all, "plain text");
        expect(out.get(otherStack.name)).to.equal(undefined);
        expect(out.get(unlabelled.name)).to.equal(undefined);
        for (const c of [dashboard, redis, noService]) expect(out.get(c.name), c.name).to.not.equal(undefined);
        // The other stack's own Alloy reads it, labelled with its environment.
        expect(shipped("pr-42", all, "x").get(otherStack.name)).to.deep.equal({
            container: "minimarket-pr-42-dashboard",
            service: "dashboard",
            environment: "pr-42",
        });
    });

    it("labels each stream with the container (without Docker's slash), its service and the environment", () => {
        const out = shipped("staging", all, "plain text");
        expect(out.get(dashboard.name)).to.deep.equal({ container: "minimarket-staging-dashboard", service: "dashboard", environment: "staging" });
        expect(out.get(redis.name)).to.deep.equal({ container: "minimarket-staging-redis", service: "redis", environment: "staging" });
        // Without the service label the stream has no `service` (not an empty one).
        expect(out.get(noService.name)).to.deep.equal({ container: "minimarket-staging-oneoff", environment: "staging" });
    });

    it("ships streams that the deploy gate's Loki query finds", () => {
        const query = decodeURIComponent(new URL(lokiStreamsUrl("staging")).searchParams.get("match[]")!);
        const out = shipped("staging", [dashboard, redis], "x");
        for (const labels of out.values()) expect(selectorMatches(query, labels!), query).to.equal(true);
        expect(selectorMatches(query, shipped("pr-42", [otherStack], "x").get(otherStack.name)!)).to.equal(false);
    });

    it("turns a service's JSON level into one lower-case `level` label; the message stays in the line", () => {
        for (const [level, want] of [
            ["INFO", "info"],
            ["Warning", "warning"],
            ["error", "error"],
        ]) {
            const line = JSON.stringify({ level, message: "stock updated", logger: "app" });
            expect(shipped("staging", [dashboard], line).get(dashboard.name), level).to.deep.equal({
                container: "minimarket-staging-dashboard",
                service: "dashboard",
                environment: "staging",
                level: want,
            });
        }
        // No level in the line, or not JSON at all: no level label, the line is kept.
        const base = { container: "minimarket-staging-dashboard", service: "dashboard", environment: "staging" };
        expect(shipped("staging", [dashboard], JSON.stringify({ message: "hi" })).get(dashboard.name)).to.deep.equal(base);
        expect(shipped("staging", [dashboard], "Traceback (most recent call last):").get(dashboard.name)).to.deep.equal(base);
        // A container without service label is not parsed even if it logs JSON.
        expect(shipped("staging", [noService], JSON.stringify({ level: "INFO" })).get(noService.name)).to.not.have.property("level");
    });

    it("pushes to the Loki service's push API, from the stack's files as deployed", () => {
        const text = renderStackFiles({ environment: "staging" }).files["alloy/etc/alloy/config.alloy"];
        const endpoint = blockOf(blockOf(parseAlloy(text), "loki.write", "loki").body, "endpoint");
        expect(attrOf(endpoint, "url")).to.equal(`${httpUrl(ENDPOINTS.loki)}/loki/api/v1/push`);
        // Without an explicit URL, the same service address.
        const own = blockOf(blockOf(parseAlloy(renderAlloyConfig({ environment: "x" })), "loki.write", "loki").body, "endpoint");
        expect(attrOf(own, "url")).to.equal(`${httpUrl(ENDPOINTS.loki)}/loki/api/v1/push`);
        // A base URL written with trailing slashes gets the API path once, without a double slash.
        expect(lokiPushUrl("http://logs:3100//")).to.equal("http://logs:3100/loki/api/v1/push");
    });

    it("rediscovers containers at an interval Alloy accepts (a Go duration), so replaced containers are read", () => {
        const discovery = blockOf(parseAlloy(renderAlloyConfig({ environment: "staging" })), "discovery.docker", "containers");
        const interval = attrOf(discovery, "refresh_interval") as string;
        // time.ParseDuration: one or more decimal numbers, each with a unit.
        expect(interval).to.match(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
        expect(Number.parseFloat(interval), interval).to.be.greaterThan(0);
    });
});

describe("unit: Alloy renderer output, read back with Alloy's syntax rules", () => {
    it("writes every value kind so that Alloy reads back the same value", () => {
        const nodes: AlloyNode[] = [
            { kind: "attribute", name: "on", value: true },
            { kind: "attribute", name: "off", value: false },
            { kind: "block", name: "a.b", label: "x", body: [] },
            { kind: "block", name: "a.b", label: "y", body: [{ kind: "block", name: "inner", label: undefined, body: [] }] },
            {
                kind: "block",
                name: "c",
                label: undefined,
                body: [
                    { kind: "attribute", name: "n", value: 0 },
                    { kind: "attribute", name: "half", value: 0.5 },
                    { kind: "attribute", name: "empty_obj", value: {} },
                    { kind: "attribute", name: "empty_list", value: [] },
                    {
                        kind: "attribute",
                        name: "nested",
                        value: { list: [{ k: "v", "a.b-c": ["x", new AlloyExpr("d.e.f")] }, {}], deeper: { more: { x: "y" } } },
                    },
                    {
                        kind: "block",
                        name: "d",
                        label: undefined,
                        body: [{ kind: "attribute", name: "s", value: 'line\nnext\ttab\rret \\ " \u0001 \u007f ñ' }],
                    },
                    { kind: "attribute", name: "after_block", value: "z" },
                ],
            },
            { kind: "attribute", name: "last", value: "end" },
        ];
        expect(parseAlloy(renderAlloy(nodes))).to.deep.equal(nodes);
    });

    it("refuses block names, labels and references that are not (dot-separated) identifiers", () => {
        for (const bad of ["loki write", "loki-write", "loki/write", "loki.write.", ".loki", "1loki"]) {
            expect(() => block(bad, undefined, []), bad).to.throw(/invalid Alloy block name/);
            expect(() => ref(bad), bad).to.throw(/invalid Alloy reference/);
        }
        expect(ref("loki.write.out_2.receiver").source).to.equal("loki.write.out_2.receiver");
        // Component labels are single identifiers (a dotted one would not parse as a label).
        for (const bad of ["a-b", "a.b", "", "9x"])
            expect(() => block("loki.write", bad, []), bad).to.throw(`invalid Alloy block label: ${JSON.stringify(bad)}`);
    });

    it("escapes DEL and other control characters instead of writing them raw", () => {
        const text = renderAlloy([{ kind: "attribute", name: "s", value: "a\u007fb\u001fc" }]);
        expect(text).to.equal('s = "a\\u007fb\\u001fc"\n');
    });
});
