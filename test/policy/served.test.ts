// The pack as the engine runs it: @pulumi/pulumi's run-policy-pack starts policy/ (the Node.js
// language host runs exactly this for `pulumi preview --policy-pack policy`: pulumi/pulumi v3.248.0
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin, with the pack directory as working
// directory and PULUMI_NODEJS_TYPESCRIPT from PulumiPolicy.yaml), and the Analyze / AnalyzeStack
// gRPC calls carry the resources the way the engine marshals them (secrets as signature objects).
// What the served pack reports must be what `npm run policy` reports for the same resources.

import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { policies } from "../../policy/policies";
import { evaluate, RecordedResource, urnOf, Violation } from "../../scripts/policy/evaluate";
import { ProcessGroup, waitFor } from "../support/processes";
import { changed, programRun, recorded, UNKNOWN } from "./support";

const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");

const REPO = path.join(__dirname, "..", "..");
const LEVELS: Record<number, Violation["level"]> = { 0: "advisory", 1: "mandatory" };

function call<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));
}

function analyzerResource(r: RecordedResource, urn: string, values: Record<string, unknown>, Message: any): any {
    const options = new pb.AnalyzerResourceOptions();
    options.setProtect(r.options.protect);
    options.setIgnorechangesList(r.options.ignoreChanges);
    options.setDeletebeforereplacedefined(r.options.deleteBeforeReplaceDefined);
    options.setDeletebeforereplace(r.options.deleteBeforeReplace);
    if (r.parent) options.setParent(r.parent);
    const m = new Message();
    m.setType(r.type);
    m.setUrn(urn);
    m.setName(r.name);
    m.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(values))));
    m.setOptions(options);
    return m;
}

function violations(response: any, urn?: string): Violation[] {
    return response.getDiagnosticsList().map((d: any) => ({
        policy: d.getPolicyname(),
        level: LEVELS[d.getEnforcementlevel()],
        urn: d.getUrn() || urn,
        message: d.getMessage(),
    }));
}

const key = (v: Violation) => `${v.policy} ${v.level} ${v.urn}\n${v.message}`;

describe("policy pack served by run-policy-pack, as `pulumi preview --policy-pack policy` runs it", function () {
    this.timeout(300_000);
    const procs = new ProcessGroup();
    let client: any;

    before(async () => {
        const child = procs.start(
            "pack",
            process.execPath,
            [path.join(REPO, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"), "127.0.0.1:1", path.join(REPO, "policy")],
            {
                cwd: path.join(REPO, "policy"),
                env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" },
            },
        );
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        // The pack prints its port once ts-node has compiled it (seconds; type-checked like the engine does).
        const port = await waitFor(
            () => `the pack's port: ${procs.logOf("pack")}`,
            () => /^(\d+)\s*$/m.exec(out)?.[1],
            180_000,
            200,
        );
        client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(async () => {
        client?.close();
        await procs.stopAll();
    });

    it("serves every policy of the pack under the pack's name with its enforcement level", async () => {
        const info: any = await call(client, "getAnalyzerInfo", new Empty());
        expect(info.getName()).to.equal("minimarket");
        expect(info.getVersion()).to.equal("1.0.0");
        const served = info.getPoliciesList().map((p: any) => `${p.getName()} ${LEVELS[p.getEnforcementlevel()]}`);
        expect(served).to.deep.equal(policies.map((p) => `${p.name} ${p.enforcementLevel}`));
    });

    it("reports what npm run policy reports, for the staging program and for resources that break the rules", async () => {
        const stack = "staging";
        const postgres = await recorded(stack, "docker:index/container:Container", "postgres");
        const dashboard = await recorded(stack, "docker:index/container:Container", "dashboard");
        const run = await programRun(stack);
        const generated = run.generated[0];
        const broken = [
            changed(postgres, (p) => ((p.ports = [{ internal: 5432, external: 5432 }]), delete p.destroyGraceSeconds), "postgres-published"),
            changed(
                dashboard,
                (p) => ((p.labels = [...(p.labels as unknown[]), { label: "note", value: generated }]), (p.privileged = true)),
                "dashboard-leaky",
            ),
            changed(dashboard, (p) => (p.image = "minimarket/dashboard:latest"), "dashboard-latest"),
            // What a preview sends for a container whose image and network are created by the same deploy.
            changed(postgres, (p) => ((p.image = UNKNOWN), (p.networksAdvanced = [{ name: UNKNOWN, aliases: ["postgres"] }])), "postgres-new"),
        ];
        const resources = [...(run.resources as RecordedResource[]), ...broken];
        const urns = resources.map((r) => urnOf(stack, "minimarket", r));

        const served: Violation[] = [];
        for (let i = 0; i < resources.length; i++) {
            const request = analyzerResource(resources[i], urns[i], resources[i].inputs, pb.AnalyzeRequest);
            served.push(...violations(await call(client, "analyze", request), urns[i]));
        }
        const stackRequest = new pb.AnalyzeStackRequest();
        stackRequest.setResourcesList(
            resources.map((r, i) => {
                const m = analyzerResource(r, urns[i], r.outputs, pb.AnalyzerResource);
                m.setParent(r.parent);
                m.setDependenciesList(r.dependencies);
                return m;
            }),
        );
        served.push(...violations(await call(client, "analyzeStack", stackRequest)));

        const harness = evaluate(policies, resources, stack);
        expect(served.map(key).sort()).to.deep.equal(harness.map(key).sort());
        // The broken resources were caught, each by its policies; the one with unknown values is left for `up`.
        expect([...new Set(harness.map((v) => `${v.policy} ${v.urn!.split("::").pop()}`))].sort()).to.deep.equal([
            "container-stop-grace postgres-published",
            "credentials-only-in-secret-places dashboard-leaky",
            "data-services-publish-no-host-port postgres-published",
            "images-pinned-outside-prod dashboard-latest",
            "only-cadvisor-privileged dashboard-leaky",
            "only-people-ports-published postgres-published",
        ]);
    });
});
