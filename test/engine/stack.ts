// Root hooks of `npm run test:engine` (loaded first with --file): the committed staging stack,
// deployed once on the engine from the program's own mocked run, and the 10-minute quiet window
// that starts when it is healthy and runs while the other engine tests do.
import { expect } from "chai";
import { ProgramRun, runProgram } from "../support/program";
import { Engine } from "../support/engine/api";
import { Deployment, resetEnvironment } from "../support/engine/deploy";
import { engineHostPaths, requireEngine } from "../support/engine/env";
import { QuietWindow, watchAlerts } from "../support/engine/alerts";
import { underCi } from "../support/tools";

export interface Staging {
    engine: Engine;
    run: ProgramRun;
    deployment: Deployment;
    /** When every container was healthy and every step done (ms since the epoch). */
    healthyAt: number;
    deploySeconds: number;
    quiet: Promise<QuietWindow>;
}

/** Ten minutes: under CI always; MINIMARKET_QUIET_MINUTES may shorten it on a laptop. */
export const QUIET_MINUTES = underCi() ? 10 : Number(process.env.MINIMARKET_QUIET_MINUTES ?? 10);

let staging: Staging | undefined;
let failure: Error | undefined;

/** The deployed staging stack; fails the calling test when the deployment did. */
export function stagingStack(): Staging {
    if (failure) throw failure;
    if (!staging) throw new Error("the staging stack was not deployed (no engine?)");
    return staging;
}

before(async function () {
    this.timeout(20 * 60_000);
    const engine = await requireEngine(this);
    await resetEnvironment(engine, "staging");
    const run = await runProgram({ stack: "staging" });
    expect(run.error, run.error?.stack).to.equal(undefined);
    const deployment = new Deployment(engine, run, { hostPaths: engineHostPaths() });
    const started = Date.now();
    try {
        await deployment.up();
    } catch (e) {
        failure = e as Error;
        return;
    }
    const healthyAt = Date.now();
    const deploySeconds = Math.round((healthyAt - started) / 1000);
    console.log(`      staging deployed and healthy in ${deploySeconds} s; quiet window of ${QUIET_MINUTES} min starts`);
    const quiet = watchAlerts({ prometheus: "http://127.0.0.1:9090", alertmanager: "http://127.0.0.1:9093", minutes: QUIET_MINUTES });
    // Never an unhandled rejection: the quiet test awaits it.
    quiet.catch(() => undefined);
    staging = { engine, run, deployment, healthyAt, deploySeconds, quiet };
});
