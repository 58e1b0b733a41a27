import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { cycles, folderGraph, importGraph, LAYERS, layerViolations, packViolations, programSources } from "./support/layers";

const root = path.join(__dirname, "..");

describe("layers", () => {
    it("every import of the program goes down the layers: facts ← config, renderers ← components ← stacks", () => {
        expect(layerViolations(programSources(root))).to.deep.equal([]);
    });

    it("flags a component that reaches into config reading or the stacks", () => {
        const files = {
            ...programSources(root),
            "components/apps/bad.ts": 'import { StackConfig } from "../../config";\nimport { declareWorkloads } from "../../stacks/workloads";\n',
        };
        const found = layerViolations(files).map((v) => `${v.file} -> ${v.imports}`);
        expect(found).to.deep.equal(["components/apps/bad.ts -> ../../config", "components/apps/bad.ts -> ../../stacks/workloads"]);
    });

    it("flags facts that import the program, renderers that import Pulumi or components, and imports from outside the layers", () => {
        const files = {
            ...programSources(root),
            "facts/bad.ts": 'import { DockerPlatform } from "../components/docker/platform";\n',
            "renderers/observability/bad.ts": 'import * as pulumi from "@pulumi/pulumi";\nimport { AppTier } from "../../components/apps/appTier";\n',
            "stacks/bad.ts": 'import { helper } from "../scripts/smoke/http";\n',
        };
        const found = layerViolations(files).map((v) => `${v.file} -> ${v.imports}`);
        expect(found).to.have.members([
            "facts/bad.ts -> ../components/docker/platform",
            "renderers/observability/bad.ts -> @pulumi/pulumi",
            "renderers/observability/bad.ts -> ../../components/apps/appTier",
            "stacks/bad.ts -> ../scripts/smoke/http",
        ]);
    });

    it("the policy pack reads facts/ and itself only, never the program's components, config or stacks", () => {
        const sources = programSources(root);
        expect(Object.keys(sources).filter((f) => f.startsWith("policy/")).length).to.be.greaterThan(5);
        expect(packViolations(sources)).to.deep.equal([]);
        const files = {
            ...sources,
            "policy/bad.ts":
                'import { conventionalArgs } from "../components/docker/container";\nimport { ENDPOINTS } from "../facts/endpoints";\nimport { known } from "./resources";\n',
        };
        expect(packViolations(files).map((v) => `${v.file} -> ${v.imports}`)).to.deep.equal(["policy/bad.ts -> ../components/docker/container"]);
    });

    it("has no import cycle between files, nor between folders", () => {
        const files = programSources(root);
        expect(cycles(importGraph(files)), "files").to.deep.equal([]);
        expect(cycles(folderGraph(files)), "folders").to.deep.equal([]);
    });

    it("finds a cycle between two files, and between a folder and its subfolder", () => {
        const files = {
            "renderers/a.ts": 'import { b } from "./b";\n',
            "renderers/b.ts": 'import { a } from "./a";\n',
            "renderers/x/c.ts": 'import { d } from "../d";\n',
            "renderers/d.ts": 'import { e } from "./x/e";\n',
            "renderers/x/e.ts": "export const e = 1;\n",
        };
        expect(cycles(importGraph(files))).to.deep.equal([["renderers/a.ts", "renderers/b.ts"]]);
        expect(cycles(folderGraph(files))).to.deep.equal([["renderers", "renderers/x"]]);
    });

    it("keeps every Pulumi component class in components/, and the stack wiring in stacks/", () => {
        const sources = programSources(root);
        const componentClasses = Object.entries(sources)
            .filter(([, source]) => /class \w+ extends (pulumi\.ComponentResource|UpstreamService)\b/.test(source))
            .map(([file]) => file);
        expect(componentClasses.length).to.be.greaterThan(15);
        expect(componentClasses.filter((f) => !f.startsWith("components/"))).to.deep.equal([]);
        // One module per platform, each named by the deploy switch.
        const deploy = sources["stacks/index.ts"];
        expect(deploy).to.match(/case "docker":\s*return deployOnDockerHost/);
        expect(deploy).to.match(/case "gcp":\s*return deployOnGcp/);
        expect(fs.existsSync(path.join(root, "src")), "no src/ folder is left").to.equal(false);
    });

    it("keeps every source file of the program under 300 lines", () => {
        const long = Object.entries(programSources(root))
            .filter(([, source]) => source.split("\n").length > 300)
            .map(([file, source]) => `${file}: ${source.split("\n").length} lines`);
        expect(long).to.deep.equal([]);
    });

    it("lists the layers bottom first, each a folder at the top of the repository", () => {
        expect(LAYERS).to.deep.equal(["facts", "config", "renderers", "components", "stacks"]);
        for (const layer of LAYERS) expect(fs.statSync(path.join(root, layer)).isDirectory(), layer).to.equal(true);
    });
});
