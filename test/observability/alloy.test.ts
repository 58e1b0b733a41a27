import { expect } from "chai";
import {
    AlloyAttribute,
    AlloyBlock,
    AlloyExpr,
    AlloyNode,
    AlloyValue,
    alloyConfigNodes,
    alloyString,
    attr,
    block,
    ref,
    renderAlloy,
    renderAlloyConfig,
} from "../../renderers/observability/alloy";

function blocks(nodes: AlloyNode[], name: string): AlloyBlock[] {
    return nodes.filter((n): n is AlloyBlock => n.kind === "block" && n.name === name);
}

function only(nodes: AlloyNode[], name: string): AlloyBlock {
    const found = blocks(nodes, name);
    expect(found, name).to.have.length(1);
    return found[0];
}

function attrValue(b: AlloyBlock, name: string): AlloyValue | undefined {
    return b.body.find((n): n is AlloyAttribute => n.kind === "attribute" && n.name === name)?.value;
}

function refsInValue(value: AlloyValue): string[] {
    if (value instanceof AlloyExpr) return [value.source];
    if (Array.isArray(value)) return value.flatMap(refsInValue);
    if (typeof value === "object") return Object.values(value).flatMap(refsInValue);
    return [];
}

function refsInNodes(nodes: AlloyNode[]): string[] {
    return nodes.flatMap((n) => (n.kind === "block" ? refsInNodes(n.body) : refsInValue(n.value)));
}

/** Applies a Prometheus-style relabel regex (fully anchored) and `$1` replacement. */
function relabel(regex: string, input: string): string | undefined {
    const m = new RegExp(`^(?:${regex})$`).exec(input);
    return m ? m[1] : undefined;
}

describe("alloy renderer", () => {
    it("escapes quotes, backslashes and control characters in strings", () => {
        expect(alloyString('say "hi"')).to.equal('"say \\"hi\\""');
        expect(alloyString("C:\\logs\\app")).to.equal('"C:\\\\logs\\\\app"');
        expect(alloyString("a\nb\tc\rd")).to.equal('"a\\nb\\tc\\rd"');
        expect(alloyString("bell\u0007")).to.equal('"bell\\u0007"');
        expect(alloyString("año ñandú €")).to.equal('"año ñandú €"');
    });

    it("round-trips awkward strings (escapes are the JSON subset Alloy also reads)", () => {
        for (const s of ['{service=~".+"}', "\\d+\\.\\d+", 'p&ss?!)"\\\n', "", "`back`ticks`", "${HOME}"]) {
            expect(JSON.parse(alloyString(s))).to.equal(s);
        }
    });

    it("renders blocks, labels, attributes, lists, references and objects", () => {
        const text = renderAlloy([
            block("loki.write", "out", [
                attr("max_retries", 3),
                attr("enabled", true),
                attr("forward_to", [ref("a.b.c.receiver"), ref("d.e.f.receiver")]),
                attr("labels", { env: "prod", "com.example/x": 'a"b' }),
                block("endpoint", undefined, [attr("url", "http://loki:3100/loki/api/v1/push")]),
            ]),
        ]);
        expect(text).to.equal(
            [
                'loki.write "out" {',
                "  max_retries = 3",
                "  enabled     = true",
                "  forward_to  = [a.b.c.receiver, d.e.f.receiver]",
                "  labels      = {",
                '    env             = "prod",',
                '    "com.example/x" = "a\\"b",',
                "  }",
                "",
                "  endpoint {",
                '    url = "http://loki:3100/loki/api/v1/push"',
                "  }",
                "}",
                "",
            ].join("\n"),
        );
    });

    it("refuses invalid identifiers, labels, references and numbers", () => {
        expect(() => block("loki.write", "my-label", [])).to.throw(/label/);
        expect(() => block("loki..write", undefined, [])).to.throw(/block name/);
        expect(() => attr("bad name", 1)).to.throw(/attribute name/);
        expect(() => ref('x"; evil')).to.throw(/reference/);
        expect(() => renderAlloy([attr("n", Number.NaN)])).to.throw(/finite/);
    });
});

describe("alloy config for MiniMarket logs", () => {
    const nodes = alloyConfigNodes({ environment: "staging" });

    it("discovers and reads containers through the Docker socket", () => {
        expect(attrValue(only(nodes, "discovery.docker"), "host")).to.equal("unix:///var/run/docker.sock");
        expect(attrValue(only(nodes, "loki.source.docker"), "host")).to.equal("unix:///var/run/docker.sock");
        const custom = alloyConfigNodes({ environment: "staging", dockerSocketPath: "/run/user/1000/docker.sock" });
        expect(attrValue(only(custom, "discovery.docker"), "host")).to.equal("unix:///run/user/1000/docker.sock");
        expect(() => alloyConfigNodes({ environment: "x", dockerSocketPath: "docker.sock" })).to.throw(/absolute/);
    });

    it("labels logs with container (no leading slash), service and environment", () => {
        const rules = blocks(only(nodes, "discovery.relabel").body, "rule");
        const byTarget = new Map(rules.map((r) => [attrValue(r, "target_label"), r]));
        expect([...byTarget.keys()].sort()).to.deep.equal(["container", "environment", "service"]);

        const container = byTarget.get("container")!;
        expect(attrValue(container, "source_labels")).to.deep.equal(["__meta_docker_container_name"]);
        expect(relabel(attrValue(container, "regex") as string, "/agente-deposito")).to.equal("agente-deposito");

        expect(attrValue(byTarget.get("service")!, "source_labels")).to.deep.equal(["__meta_docker_container_label_com_minimarket_service"]);
        expect(attrValue(byTarget.get("environment")!, "replacement")).to.equal("staging");
        expect(attrValue(byTarget.get("environment")!, "source_labels")).to.equal(undefined);
    });

    it("parses the services' JSON logs and turns only the level into a label", () => {
        const match = only(only(nodes, "loki.process").body, "stage.match");
        expect(attrValue(match, "selector")).to.equal('{service=~".+"}');
        const json = only(match.body, "stage.json");
        expect(attrValue(json, "expressions")).to.deep.equal({ level: "level", message: "message" });
        expect(attrValue(only(match.body, "stage.labels"), "values")).to.deep.equal({ level: "" });
    });

    it("pushes to Loki's push API", () => {
        const endpoint = only(only(nodes, "loki.write").body, "endpoint");
        expect(attrValue(endpoint, "url")).to.equal("http://loki:3100/loki/api/v1/push");
        const other = alloyConfigNodes({ environment: "prod", lokiUrl: "http://10.0.0.5:3100/" });
        expect(attrValue(only(only(other, "loki.write").body, "endpoint"), "url")).to.equal("http://10.0.0.5:3100/loki/api/v1/push");
    });

    it("only references components it declares", () => {
        const declared = new Set(nodes.filter((n): n is AlloyBlock => n.kind === "block").map((b) => `${b.name}.${b.label}`));
        const refs = refsInNodes(nodes);
        expect(refs).to.not.be.empty;
        for (const r of refs) {
            const component = r.split(".").slice(0, -1).join(".");
            expect(declared.has(component), r).to.equal(true);
        }
    });

    it("renders with balanced braces and the environment escaped", () => {
        const text = renderAlloyConfig({ environment: 'st"ag\\ing' });
        expect(text).to.contain('replacement  = "st\\"ag\\\\ing"');
        const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(outsideStrings.split("{").length).to.equal(outsideStrings.split("}").length);
        expect(text).to.contain('discovery.docker "containers" {');
        expect(text).to.contain("forward_to    = [loki.process.json_logs.receiver]");
    });
});
