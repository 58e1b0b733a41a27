// Carries out a mocked program run on a real Docker Engine, the way `pulumi up` with the docker and
// command providers would: each resource once everything it depends on is done, independent ones
// at the same time; containers created, attached, given their uploads, started and waited healthy
// as terraform-provider-docker v4.5.0 does (containerSpec.ts cites the lines); the program's
// command.local.Command text run with `/bin/sh -c` and the environment it declares, on top of this
// process's (pulumi-command v1.2.1 provider/pkg/provider/local/commandOutputs.go:39-115), with
// its stdin. Nothing but the host's docker socket and data-root paths is changed (hostPaths).
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import { computedState, ProgramRun, Registered, resourceOf, unwrap } from "../program";
import { planFromInputs, PlanAction } from "../providers";
import { Engine, EngineError } from "./api";
import { containerRequest, ContainerRequest, networkRequest, tarOf, volumeRequest } from "./containerSpec";
import { buildTag } from "../../../scripts/engine/imageSet";

export const CONTAINER = "docker:index/container:Container";
export const COMMAND = "command:local:Command";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const NETWORK = "docker:index/network:Network";
const VOLUME = "docker:index/volume:Volume";

export interface DeployOptions {
    /** Host paths of bind mounts replaced by the test engine's own (its socket, its data-root). */
    hostPaths?: Record<string, string>;
    /** Create containers only: no start, no wait, no commands (a stack whose containers reach outside addresses). */
    createOnly?: boolean;
}

export interface Done {
    resource: Registered;
    startedAt: number;
    endedAt: number;
    /** Container: its id and name on the engine. Command: its stdout. */
    id?: string;
    name?: string;
    stdout?: string;
    request?: ContainerRequest;
}

export class DeployError extends Error {
    constructor(
        readonly resource: Registered,
        readonly cause: unknown,
    ) {
        super(`${resource.type}/${resource.name}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
}

const key = (r: Registered) => `${r.type}/${r.name}`;

/** The custom resources `urn` stands for: itself, or every custom resource below a component (as the engine waits for them). */
function customResourcesOf(run: ProgramRun, urn: string): Registered[] {
    const r = resourceOf(run, urn);
    if (r && !r.type.startsWith("minimarket:")) return [r];
    // A child's URN: the parent's type chain, `$`, its own type, `::`, its name.
    const chain = urn.slice(0, urn.lastIndexOf("::"));
    return run.resources.filter((c) => c.parent === urn).flatMap((c) => customResourcesOf(run, `${chain}$${c.type}::${c.name}`));
}

/** What the engine really holds for a stack: the deployed resources by `type/name`. */
export class Deployment {
    readonly done = new Map<string, Done>();
    readonly imageIds = new Map<string, string>();

    constructor(
        readonly engine: Engine,
        readonly run: ProgramRun,
        readonly options: DeployOptions = {},
    ) {}

    get(type: string, name: string): Done {
        const d = this.done.get(`${type}/${name}`);
        if (!d) throw new Error(`${type}/${name} was not deployed`);
        return d;
    }

    container(name: string): Done {
        return this.get(CONTAINER, name);
    }

    /** Carries out every resource of the run; the first failure stops it, as `pulumi up` stops. */
    async up(only?: (r: Registered) => boolean, apply: (r: Registered) => Promise<Partial<Done>> = (r) => this.apply(r)): Promise<void> {
        const todo = this.run.resources.filter((r) => !this.done.has(key(r)) && (!only || only(r)));
        const pending = new Map<string, Promise<void>>();
        let failed: unknown;
        const start = (r: Registered): Promise<void> => {
            const existing = pending.get(key(r));
            if (existing) return existing;
            const deps = r.dependencies.flatMap((u) => customResourcesOf(this.run, u)).filter((d) => todo.includes(d) && d !== r);
            const p = Promise.all(deps.map(start)).then(async () => {
                if (failed) return;
                const startedAt = Date.now();
                try {
                    const result = await apply(r);
                    this.done.set(key(r), { resource: r, startedAt, endedAt: Date.now(), ...result });
                } catch (e) {
                    failed ??= e instanceof DeployError ? e : new DeployError(r, e);
                    throw failed;
                }
            });
            pending.set(key(r), p);
            return p;
        };
        const all = await Promise.allSettled(todo.map(start));
        if (failed) throw failed;
        const rejected = all.find((a) => a.status === "rejected") as PromiseRejectedResult | undefined;
        if (rejected) throw rejected.reason;
    }

    /**
     * A second `pulumi up` with `next`: what changed is updated or replaced as the providers decide
     * (test/support/providers: field rules from their source, the program's replaceOnChanges and
     * deleteBeforeReplace), the rest kept. A replaced container goes delete-first or, when the
     * program asks for create-before-delete, after every create of the deployment.
     */
    async update(next: ProgramRun): Promise<{ deployment: Deployment; actions: Record<string, PlanAction> }> {
        const nd = new Deployment(this.engine, next, this.options);
        for (const [k, v] of this.imageIds) nd.imageIds.set(k, v);
        const actions: Record<string, PlanAction> = {};
        const replaced: Done[] = [];
        await nd.up(undefined, async (r) => {
            const old = this.done.get(key(r));
            if (!old) return nd.apply(r);
            if (![CONTAINER, COMMAND, IMAGE, NETWORK, VOLUME].includes(r.type)) return { ...old };
            const p = planFromInputs(r.type, this.inputs(old.resource), this.inputs(r), undefined, { replaceOnChanges: r.options.replaceOnChanges });
            actions[key(r)] = p.action;
            if (p.action === "same" || p.action === "ignored-change") return { ...old, resource: r };
            // pulumi-command commandController.go:77-88: Update runs `update`, or `create` when unset; a replacement runs `create`.
            if (r.type === COMMAND) {
                const inputs = this.inputs(r);
                const text = p.action === "update" && inputs.update !== undefined ? inputs.update : inputs.create;
                return { stdout: await runCommand({ ...inputs, create: text }) };
            }
            if (r.type !== CONTAINER || p.action !== "replace")
                throw new Error(`${key(r)}: ${p.action} is not carried out by these tests (${p.changes.map((c) => c.path).join(", ")})`);
            const deleteFirst = r.options.deleteBeforeReplaceDefined ? r.options.deleteBeforeReplace : true;
            if (deleteFirst) await stopAndRemove(this.engine, old.id!, old.request!.destroyGraceSeconds);
            else replaced.push(old);
            return nd.apply(r);
        });
        // "The delete step is generated later on": old containers of create-before-delete go last.
        for (const old of replaced) await stopAndRemove(this.engine, old.id!, old.request!.destroyGraceSeconds);
        return { deployment: nd, actions };
    }

    private inputs(r: Registered): Record<string, any> {
        return unwrap(r.inputs) as Record<string, any>;
    }

    async apply(r: Registered): Promise<Partial<Done>> {
        const inputs = this.inputs(r);
        switch (r.type) {
            case IMAGE:
                return this.image(r, inputs);
            case NETWORK:
                await this.engine.call("POST", "/networks/create", networkRequest(inputs));
                return { name: inputs.name };
            case VOLUME:
                await this.engine.call("POST", "/volumes/create", volumeRequest(inputs));
                return { name: inputs.name };
            case CONTAINER:
                return this.createContainer(r);
            case COMMAND:
                return this.options.createOnly ? {} : { stdout: await runCommand(inputs) };
            default:
                // Components, providers, generated passwords (their values are in the inputs that
                // use them), and Google Cloud resources, which no engine holds.
                return {};
        }
    }

    /** The provider pulls; here the image must already be on the engine, under its reference or its tag. */
    private async image(r: Registered, inputs: Record<string, any>): Promise<Partial<Done>> {
        const local = buildTag(inputs.name);
        const reply = await this.engine.raw("GET", `/v${await this.engine.apiVersion()}/images/${encodeURIComponent(local)}/json`);
        if (reply.status !== 200)
            throw new Error(`image ${inputs.name} is not on the engine (built as ${local} by scripts/engine/images.ts?): nothing can be pulled here`);
        const mockId = String(computedState(r.type, r.name, inputs).imageId);
        this.imageIds.set(mockId, reply.json().Id);
        return { id: reply.json().Id, name: local };
    }

    /** The request the provider would send for a container of this run, with this engine's image ids and host paths. */
    request(r: Registered): ContainerRequest {
        const inputs = { ...this.inputs(r) };
        const image = this.imageIds.get(inputs.image);
        if (!image) throw new Error(`${r.name}: image ${inputs.image} is not one of the run's RemoteImages`);
        inputs.image = image;
        // Pulumi's auto-naming (pulumi-docker provider/resources.go SetAutonaming(255, "-")): `<name>-<7 hex>`.
        const req = containerRequest(inputs, () => `${r.name}-${crypto.randomBytes(4).toString("hex").slice(0, 7)}`);
        const paths = this.options.hostPaths ?? {};
        const binds = req.body.HostConfig.Binds as string[] | undefined;
        if (binds) {
            req.body.HostConfig.Binds = binds.map((b) => {
                const [source, ...rest] = b.split(":");
                return [paths[source] ?? source, ...rest].join(":");
            });
        }
        return req;
    }

    private async createContainer(r: Registered): Promise<Partial<Done>> {
        const req = this.request(r);
        const e = this.engine;
        // A missing bind source is made by the engine at create, root-owned: the program must make
        // what its containers read or write first, with the owner they need.
        for (const bind of (req.body.HostConfig.Binds ?? []) as string[]) {
            const source = bind.split(":")[0];
            if (source.startsWith("/") && !fs.existsSync(source)) {
                throw new Error(`host path ${source} does not exist before ${r.name} mounts it: the engine would create it, owned by root`);
            }
        }
        const created = await e.call("POST", `/containers/create?name=${encodeURIComponent(req.name)}`, req.body);
        const id = created.json().Id as string;
        // CF:463-503: off the default bridge, onto each declared network with its aliases.
        if (req.networks.length > 0) {
            await e.call("POST", "/networks/bridge/disconnect", { Container: id, Force: false }).catch((err: EngineError) => {
                if (!/is not connected/.test(err.message)) throw err;
            });
            for (const n of req.networks) {
                await e.call("POST", `/networks/${encodeURIComponent(n.name)}/connect`, {
                    Container: id,
                    EndpointConfig: { Aliases: n.aliases, IPAMConfig: { IPv4Address: n.ipv4Address ?? "", IPv6Address: n.ipv6Address ?? "" } },
                });
            }
        }
        for (const u of req.uploads) await e.call("PUT", `/containers/${id}/archive?path=%2F`, tarOf(u));
        if (!req.start || this.options.createOnly) return { id, name: req.name, request: req };
        await e.call("POST", `/containers/${id}/start`);
        if (req.waitSeconds !== undefined) await waitHealthy(e, id, req.name, req.waitSeconds);
        return { id, name: req.name, request: req };
    }

    /** The provider's Delete (CF:1079-1131): stop with the declared grace, then remove. */
    async remove(name: string): Promise<void> {
        const d = this.container(name);
        await stopAndRemove(this.engine, d.id!, d.request!.destroyGraceSeconds);
        this.done.delete(key(d.resource));
    }
}

/** CF:1085-1110: ContainerStop with timeout = destroy_grace_seconds, then ContainerRemove with force. */
export async function stopAndRemove(engine: Engine, id: string, graceSeconds: number): Promise<void> {
    await engine.call("POST", `/containers/${id}/stop?t=${graceSeconds}`, undefined, [204, 304, 404]);
    await engine.call("DELETE", `/containers/${id}?force=1&v=1`, undefined, [204, 404]);
}

/** CF:590-628: inspect once a second until healthy; at the timeout, the provider's error. */
export async function waitHealthy(engine: Engine, id: string, name: string, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const info = await engine.inspect(id);
        const health = info.State?.Health;
        if (!health) throw new Error(`${name}: you have supplied a 'wait' argument, but the container does not have a healthcheck defined`);
        if (health.Status === "healthy") return;
        if (Date.now() > deadline) {
            const last = (health.Log ?? []).slice(-2).map((l: any) => `exit ${l.ExitCode}: ${String(l.Output).trim().slice(0, 300)}`);
            throw new Error(
                `${name}: container failed to be in healthy state (state ${info.State.Status}, health ${health.Status}; last probes: ${last.join(" | ")})`,
            );
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
}

/** A command.local.Command's create, as the provider runs it; rejects with its output on failure. */
export function runCommand(inputs: Record<string, any>, timeoutMs = 600_000): Promise<string> {
    const interpreter: string[] = inputs.interpreter ?? ["/bin/sh", "-c"];
    return new Promise((resolve, reject) => {
        const child = spawn(interpreter[0], [...interpreter.slice(1), inputs.create], {
            cwd: inputs.dir,
            env: { ...process.env, ...(inputs.environment ?? {}) },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            if (code === 0) resolve(stdout);
            else reject(new Error(`command exited ${code}: ${inputs.create}\n${stdout}${stderr}`.slice(0, 4000)));
        });
        // A command that exits without reading its stdin (`true`) is fine: Go's os/exec, which the
        // provider runs it with, ignores EPIPE on the copy to stdin (os/exec exec.go, closeAfterWait).
        child.stdin.on("error", () => undefined);
        child.stdin.end(inputs.stdin ?? "");
    });
}

/** Removes every container, network and volume of `environment` (by the program's labels and names): a fresh host for that stack. */
export async function resetEnvironment(engine: Engine, environment: string): Promise<void> {
    const label = encodeURIComponent(JSON.stringify({ label: [`com.minimarket.environment=${environment}`] }));
    const byName = encodeURIComponent(JSON.stringify({ name: [`minimarket-${environment}-`] }));
    const containers = [
        ...(await engine.call("GET", `/containers/json?all=1&filters=${label}`)).json(),
        ...(await engine.call("GET", `/containers/json?all=1&filters=${byName}`)).json(),
    ];
    await Promise.all(
        [...new Set(containers.map((c: any) => c.Id as string))].map((id) => engine.call("DELETE", `/containers/${id}?force=1&v=1`, undefined, [204, 404])),
    );
    for (const n of (await engine.call("GET", `/networks?filters=${label}`)).json()) await engine.call("DELETE", `/networks/${n.Id}`, undefined, [204, 404]);
    for (const v of (await engine.call("GET", `/volumes?filters=${label}`)).json().Volumes ?? []) {
        await engine.call("DELETE", `/volumes/${encodeURIComponent(v.Name)}?force=1`, undefined, [204, 404]);
    }
}
