// Runs index.ts the way `pulumi preview` does, through the Node.js language host's own runner
// (node_modules/@pulumi/pulumi/cmd/run, which pulumi-language-nodejs starts with --monitor and
// --engine), against a stand-in engine and resource monitor on 127.0.0.1. The runner itself
// decides how an error prints (engine Log calls) and the exit code; the stand-ins record both,
// and every resource the program registers. Nothing else of the Pulumi CLI is involved.
import * as grpc from "@grpc/grpc-js";
import { spawn } from "child_process";
import * as path from "path";

const proto = (name: string) => require(`@pulumi/pulumi/proto/${name}`);
const engineGrpc = proto("engine_grpc_pb");
const engineMsg = proto("engine_pb");
const resourceGrpc = proto("resource_grpc_pb");
const resourceMsg = proto("resource_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const ROOT = path.join(__dirname, "..", "..");

export interface HostRun {
    code: number | null;
    stderr: string;
    stdout: string;
    /** Engine Log calls: severity (engine.proto LogSeverity: 0 debug, 1 info, 2 warning, 3 error) and message. */
    logs: Array<{ severity: number; message: string }>;
    /** Types of the resources the program registered, in order (the stack's root included). */
    registered: string[];
    /** The runner was killed at the deadline (a busy machine, or a hang), so nothing above is complete. */
    timedOut: boolean;
}

type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

export async function runThroughLanguageHost(opts: {
    stack: string;
    config: Record<string, string>;
    secretKeys?: string[];
    timeoutMs?: number;
}): Promise<HostRun> {
    const logs: HostRun["logs"] = [];
    const registered: string[] = [];
    let root = "";
    const server = new grpc.Server();
    server.addService(engineGrpc.EngineService, {
        log: (call: { request: any }, cb: Callback) => {
            logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
            cb(null, new Empty());
        },
        getRootResource: (_: unknown, cb: Callback) => {
            const r = new engineMsg.GetRootResourceResponse();
            r.setUrn(root);
            cb(null, r);
        },
        setRootResource: (call: { request: any }, cb: Callback) => {
            root = call.request.getUrn();
            cb(null, new engineMsg.SetRootResourceResponse());
        },
        startDebugging: (_: unknown, cb: Callback) => cb(null, new Empty()),
        requirePulumiVersion: (_: unknown, cb: Callback) => cb(null, new engineMsg.RequirePulumiVersionResponse()),
    });
    const unsupported = (_: unknown, cb: Callback) => cb({ code: grpc.status.UNIMPLEMENTED, details: "not in this stand-in" } as grpc.ServiceError);
    server.addService(resourceGrpc.ResourceMonitorService, {
        supportsFeature: (_: unknown, cb: Callback) => {
            const r = new resourceMsg.SupportsFeatureResponse();
            r.setHassupport(false);
            cb(null, r);
        },
        registerResource: (call: { request: any }, cb: Callback) => {
            const type = call.request.getType();
            registered.push(type);
            const r = new resourceMsg.RegisterResourceResponse();
            r.setUrn(`urn:pulumi:${opts.stack}::minimarket::${type}::${call.request.getName()}`);
            r.setId("");
            r.setObject(Struct.fromJavaScript({}));
            cb(null, r);
        },
        registerResourceOutputs: (_: unknown, cb: Callback) => cb(null, new Empty()),
        signalAndWaitForShutdown: (_: unknown, cb: Callback) => cb(null, new Empty()),
        getDeploymentInfo: unsupported,
        invoke: unsupported,
        call: unsupported,
        readResource: unsupported,
        registerStackTransform: unsupported,
        registerStackInvokeTransform: unsupported,
        registerResourceHook: unsupported,
        registerErrorHook: unsupported,
        registerPackage: unsupported,
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
        const address = `127.0.0.1:${port}`;
        const child = spawn(
            process.execPath,
            [
                path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run"),
                `--monitor=${address}`,
                `--engine=${address}`,
                "--project=minimarket",
                `--stack=${opts.stack}`,
                `--root-directory=${ROOT}`,
                `--pwd=${ROOT}`,
                "--dry-run",
                ".",
            ],
            {
                cwd: ROOT,
                env: {
                    PATH: process.env.PATH,
                    HOME: process.env.HOME,
                    // What pulumi-language-nodejs hands the runner: the stack's config and which keys are secret.
                    PULUMI_CONFIG: JSON.stringify(opts.config),
                    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretKeys ?? []),
                    PULUMI_NODEJS_TYPESCRIPT: "true",
                    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        // A generous deadline: loading the program with ts-node takes a minute on a busy 2-core machine.
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
        }, opts.timeoutMs ?? 240_000);
        const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
        clearTimeout(timer);
        return { code, stdout, stderr, logs, registered, timedOut };
    } finally {
        server.forceShutdown();
    }
}
