// What the staging tests share: the staging stack with real (private) images, and how to tell
// what changed between two runs.
import { expect } from "chai";
import { ProgramRun, Registered, runProgram, StackSettings, unwrap } from "./program";

export const CONTAINER = "docker:index/container:Container";
export const COMMAND = "command:local:Command";
export const IMAGE = "docker:index/remoteImage:RemoteImage";
export const VOLUME = "docker:index/volume:Volume";
export const PASSWORD = "random:index/randomPassword:RandomPassword";

/** Staging with real (private) images for every service, as a team with registry access runs it. */
export const realImages: StackSettings = {
    config: {
        services: {
            "agente-deposito": { image: "registry.example.com/minimarket/agente-deposito:1.4.2" },
            "agente-negocio": { image: "registry.example.com/minimarket/agente-negocio:1.4.2" },
            "ml-service": { image: "registry.example.com/minimarket/ml-service:2.0.1", memoryMb: 2048, cpus: 2 },
            dashboard: { image: "registry.example.com/minimarket/dashboard:3.1.0", migrationCommand: false },
        },
    },
};

export function withConfig(base: StackSettings, extra: Record<string, unknown>, secretKeys: string[] = []): StackSettings {
    return { ...base, config: { ...base.config, ...extra }, secretKeys: [...(base.secretKeys ?? []), ...secretKeys] };
}

export function role(c: Registered): string {
    const labels = unwrap(c.inputs.labels) as Array<{ label: string; value: string }>;
    return labels.find((l) => l.label === "com.minimarket.role")?.value ?? "";
}

/** Resources whose inputs differ between two runs, as `type/name` (added and removed ones too). */
export function changed(a: ProgramRun, b: ProgramRun): string[] {
    const key = (r: Registered) => `${r.type}/${r.name}`;
    const before = new Map(a.resources.map((r) => [key(r), JSON.stringify(unwrap(r.inputs))]));
    const after = new Map(b.resources.map((r) => [key(r), JSON.stringify(unwrap(r.inputs))]));
    const keys = new Set([...before.keys(), ...after.keys()]);
    return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** A mocha hook that runs staging twice, as the demo (stand-ins) and with real images. */
export function stagingRuns(): { demo: ProgramRun; real: ProgramRun } {
    const runs = {} as { demo: ProgramRun; real: ProgramRun };
    before(async () => {
        runs.demo = await runProgram({});
        runs.real = await runProgram(realImages);
        expect(runs.demo.error, runs.demo.error?.stack).to.equal(undefined);
        expect(runs.real.error, runs.real.error?.stack).to.equal(undefined);
    });
    return runs;
}
