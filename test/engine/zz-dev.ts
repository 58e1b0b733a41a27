import { runProgram } from "../support/program";
import { Engine } from "../support/engine/api";
import { Deployment, resetEnvironment } from "../support/engine/deploy";
import { engineHostPaths } from "../support/engine/env";
(async () => {
  process.env.DOCKER_HOST = "unix:///var/tmp/minimarket-engine/run/docker.sock";
  const run = await runProgram({ stack: "staging" });
  if (run.error) throw run.error;
  const engine = new Engine(process.env.DOCKER_HOST);
  await resetEnvironment(engine, "staging");
  const d = new Deployment(engine, run, { hostPaths: engineHostPaths() });
  const t0 = Date.now();
  try { await d.up(); } catch (e) { console.error("FAILED", (e as Error).message.slice(0, 2000)); }
  for (const x of [...d.done.values()].sort((a,b)=>a.startedAt-b.startedAt)) if (x.resource.type.startsWith("docker:index/c") || x.resource.type.startsWith("command")) console.log(((x.startedAt-t0)/1000).toFixed(1), ((x.endedAt-t0)/1000).toFixed(1), x.resource.type.split(":").pop(), x.resource.name, x.name ?? "");
})();
