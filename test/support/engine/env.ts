// Where the engine of the engine tests is: scripts/engine/dockerd.sh starts it under
// MINIMARKET_ENGINE_DIR and `npm run test:engine` passes its address as MINIMARKET_ENGINE_HOST.
// Without one, the engine tests fail under CI and skip elsewhere (test/support/tools.ts).
import * as fs from "fs";
import * as path from "path";
import { unavailable } from "../tools";
import { Engine } from "./api";

export const ENGINE_DIR = process.env.MINIMARKET_ENGINE_DIR ?? "/var/tmp/minimarket-engine";

/**
 * Host paths of the program's bind mounts that name the Docker installation itself: on a host
 * with Docker at its default paths they are the engine's socket and data-root; this engine keeps
 * them under ENGINE_DIR, so those binds are pointed there. Every other host path is used as is.
 */
export function engineHostPaths(dir = ENGINE_DIR): Record<string, string> {
    const paths: Record<string, string> = {
        "/var/run/docker.sock": path.join(dir, "run", "docker.sock"),
        "/var/run": path.join(dir, "run"),
        "/var/lib/docker": path.join(dir, "data"),
    };
    // udev makes /dev/disk on a real host (cAdvisor reads it); a CI machine without udev has none.
    if (!fs.existsSync("/dev/disk")) {
        paths["/dev/disk"] = path.join(dir, "host", "dev-disk");
        fs.mkdirSync(paths["/dev/disk"], { recursive: true });
    }
    return paths;
}

/** The engine, after checking it answers; a missing one fails under CI and skips elsewhere. */
export async function requireEngine(ctx: Mocha.Context): Promise<Engine> {
    const host = process.env.MINIMARKET_ENGINE_HOST ?? `unix://${path.join(ENGINE_DIR, "run", "docker.sock")}`;
    const engine = new Engine(host);
    if (!fs.existsSync(engine.socketPath)) unavailable(ctx, `no Docker Engine at ${host} (npm run test:engine starts one: scripts/engine/dockerd.sh)`);
    try {
        const version = await engine.apiVersion();
        if (Number(version) < 1.44) unavailable(ctx, `the engine at ${host} speaks API ${version}; health probes with a start interval need 1.44`);
    } catch (e) {
        unavailable(ctx, `the Docker Engine at ${host} does not answer: ${(e as Error).message}`);
    }
    // The program's docker CLI steps and its provider address come from DOCKER_HOST (components/docker/daemon.ts).
    process.env.DOCKER_HOST = host;
    return engine;
}
