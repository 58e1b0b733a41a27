// The engine accepts every container of prod too, and refuses a broken one. Prod's containers are
// created, attached and given their uploads, not started: they would reach Cloud SQL and Google's
// addresses, which are not on this machine. Its app images (a private registry) are the test
// app image tagged with their references.
import { expect } from "chai";
import { ProgramRun, Registered, runProgram } from "../support/program";
import { Engine } from "../support/engine/api";
import { CONTAINER, Deployment, DeployError, resetEnvironment } from "../support/engine/deploy";
import { engineHostPaths, requireEngine } from "../support/engine/env";
import { buildTag, TEST_APP_IMAGE } from "../../scripts/engine/imageSet";
import { defaultImages } from "../../facts/images";

const pinned = new Set<string>(Object.values(defaultImages).map(buildTag));

/** Tags the test app image with every image reference of `run` that is not a pin (the services' own images). */
async function tagAppImages(engine: Engine, run: ProgramRun): Promise<void> {
    for (const r of run.resources.filter((x) => x.type === "docker:index/remoteImage:RemoteImage")) {
        const ref = buildTag(String(r.inputs.name));
        if (pinned.has(ref)) continue;
        const at = ref.lastIndexOf(":");
        await engine.call(
            "POST",
            `/images/${encodeURIComponent(TEST_APP_IMAGE)}/tag?repo=${encodeURIComponent(ref.slice(0, at))}&tag=${encodeURIComponent(ref.slice(at + 1))}`,
        );
    }
}

describe("every container of prod and a broken one, on a real Docker Engine", function () {
    this.timeout(600_000);
    let engine: Engine;

    before(async function () {
        engine = await requireEngine(this);
    });

    it("accepts every container of prod as the provider creates it (created, attached, uploads in place)", async () => {
        await resetEnvironment(engine, "prod");
        const run = await runProgram({ stack: "prod" });
        expect(run.error, run.error?.stack).to.equal(undefined);
        await tagAppImages(engine, run);
        const deployment = new Deployment(engine, run, { hostPaths: engineHostPaths(), createOnly: true });
        try {
            await deployment.up();
            const containers = run.resources.filter((r) => r.type === CONTAINER);
            expect(containers.length).to.be.greaterThan(10);
            for (const c of containers) {
                const info = await engine.inspect(deployment.container(c.name).id!);
                expect(info.State.Status, c.name).to.equal("created");
                expect(info.Config.Healthcheck ?? null, c.name).to.deep.equal(deployment.container(c.name).request!.body.Healthcheck ?? null);
            }
        } finally {
            await resetEnvironment(engine, "prod");
        }
    });

    it("fails on a broken container spec with the engine's own message (redis given 4 MB)", async () => {
        const env = "enginebroken";
        await resetEnvironment(engine, env);
        const run = await runProgram({ stack: "staging", config: { environment: env, backup: { enabled: false } } });
        const broken: ProgramRun = {
            ...run,
            resources: run.resources.map((r): Registered =>
                r.type === CONTAINER && r.name === "redis" ? { ...r, inputs: { ...r.inputs, memory: 4, memorySwap: 4 } } : r,
            ),
        };
        const deployment = new Deployment(engine, broken, { hostPaths: engineHostPaths(), createOnly: true });
        try {
            const error = await deployment.up().then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(error).to.be.instanceOf(DeployError);
            expect((error as DeployError).resource.name).to.equal("redis");
            expect((error as Error).message).to.match(/Minimum memory limit allowed is 6MB/);
        } finally {
            await resetEnvironment(engine, env);
        }
    });
});
