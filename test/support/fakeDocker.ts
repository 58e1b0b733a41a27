// A Docker host's containers for the stand-in `docker` of the script tests (fakeDocker.py holds
// the `ps` filters and the actions): what a deployed stack leaves on a host, written out here with
// the labels the program sets, so a script that asks for the wrong containers acts on them.
import * as fs from "fs";
import * as path from "path";

export const FAKE_DOCKER_PY = path.join(__dirname, "fakeDocker.py");

export interface FakeContainer {
    id: string;
    name: string;
    labels: Record<string, string>;
    running: boolean;
}

const APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"];
const ROLES: Record<string, string> = {
    postgres: "data",
    redis: "data",
    backup: "data",
    "backup-offsite": "data",
    prometheus: "observability",
    alertmanager: "observability",
    grafana: "observability",
    loki: "observability",
    alloy: "observability",
    "node-exporter": "observability",
    cadvisor: "observability",
    "postgres-exporter": "observability",
    "redis-exporter": "observability",
    proxy: "edge",
};

function container(env: string, service: string, role: string, n: number, running = true, name = `minimarket-${env}-${service}`): FakeContainer {
    const id = (0xc0ffee000000 + n).toString(16) + "0".repeat(52);
    return {
        id,
        name,
        labels: { "com.minimarket.environment": env, "com.minimarket.service": service, "com.minimarket.role": role },
        running,
    };
}

/**
 * Everything a stack `env` runs, plus what must never be touched with it: a stopped app container
 * of the same stack (a replaced one kept for inspection), a release step's container, and the same
 * services of another stack `other` on the same host.
 */
export function hostContainers(env: string, other: string): FakeContainer[] {
    let n = 0;
    const stack = (e: string) => [
        ...APPS.map((s) => container(e, s, "app", ++n, true, `${s}-${(0x1f2e3d4 + n).toString(16)}`)),
        ...Object.entries(ROLES).map(([s, role]) => container(e, s, role, ++n)),
    ];
    return [
        ...stack(env),
        container(env, "dashboard", "app", ++n, false, "dashboard-0ldc0n7"),
        container(env, "ml-service", "release", ++n, true, `minimarket-${env}-ml-service-migrate`),
        ...stack(other),
    ];
}

/** The running app containers of `env`: all that "restart the apps" may touch. */
export function runningApps(containers: FakeContainer[], env: string): string[] {
    return containers
        .filter((c) => c.running && c.labels["com.minimarket.environment"] === env && c.labels["com.minimarket.role"] === "app")
        .map((c) => c.id)
        .sort();
}

export function writeHost(file: string, containers: FakeContainer[]): void {
    fs.writeFileSync(file, JSON.stringify({ containers, actions: [] }));
}

/** What the stand-in did: [verb, container id] in order. */
export function actionsOn(file: string): Array<[string, string]> {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { actions: Array<[string, string]> }).actions;
}
