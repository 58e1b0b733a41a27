import { expect } from "chai";
import * as path from "path";
import { layerViolations, programSources } from "./support/layers";

const root = path.join(__dirname, "..");

describe("layers", () => {
    it("every import of the program goes down the layers: facts ← config, renderers ← components ← wiring", () => {
        expect(layerViolations(programSources(root))).to.deep.equal([]);
    });

    it("flags a component that reaches into config reading or the stack wiring", () => {
        const files = {
            ...programSources(root),
            "src/apps/bad.ts": 'import { StackConfig } from "../config";\nimport { declareWorkloads } from "../workloads";\n',
        };
        const found = layerViolations(files).map((v) => `${v.file} -> ${v.imports}`);
        expect(found).to.deep.equal(["src/apps/bad.ts -> ../config", "src/apps/bad.ts -> ../workloads"]);
    });

    it("flags facts that import the program, and renderers that import Pulumi or components", () => {
        const files = {
            ...programSources(root),
            "src/facts/bad.ts": 'import { DockerPlatform } from "../docker/platform";\n',
            "src/observability/render/bad.ts": 'import * as pulumi from "@pulumi/pulumi";\nimport { AppTier } from "../../apps/appTier";\n',
        };
        const found = layerViolations(files).map((v) => `${v.file} -> ${v.imports}`);
        expect(found).to.have.members([
            "src/facts/bad.ts -> ../docker/platform",
            "src/observability/render/bad.ts -> @pulumi/pulumi",
            "src/observability/render/bad.ts -> ../../apps/appTier",
        ]);
    });

    it("keeps every source file of the program under 300 lines", () => {
        const long = Object.entries(programSources(root))
            .filter(([, source]) => source.split("\n").length > 300)
            .map(([file, source]) => `${file}: ${source.split("\n").length} lines`);
        expect(long).to.deep.equal([]);
    });
});
