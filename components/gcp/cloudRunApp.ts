import * as command from "@pulumi/command";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { cloudRunJobName, cloudRunServiceName } from "../../facts/endpoints";
import { defaultImages } from "../../facts/images";
import { METRICS_SIDECAR } from "../../facts/googleCloud";
import { ServiceSpec } from "../../facts/services";
import { AGENT_CONFIG_VAR, agentStartScript } from "../../renderers/observability/metricsAgent";
import { CLOUD_RUN_PROBES } from "../../renderers/rollout/health";
import { shellCommand } from "../../renderers/shell";
import { SecretRef } from "./secretStore";

/** How one service scales (`gcp.cloudRun.<service>`). */
export interface CloudRunScaling {
    minInstances: number;
    maxInstances: number;
    concurrency: number;
    /** Traffic pinned to this revision (a rollback); undefined: the latest ready revision. */
    serveRevision?: string;
}

export interface CloudRunAppArgs {
    environment: string;
    project: string;
    region: string;
    spec: ServiceSpec;
    image: string;
    cpus: number;
    memoryMb: number;
    scaling: CloudRunScaling;
    /** Runtime identity; it may read exactly this service's secrets. */
    serviceAccount: pulumi.Input<string>;
    /** Plain variables (no secret among them). */
    env: pulumi.Input<Record<string, string>>;
    /** Secret variables, each a pinned Secret Manager version. */
    secretEnv: Record<string, SecretRef>;
    /** Files mounted from Secret Manager: directory → file name → version (the Memorystore CA). */
    files?: { directory: string; file: string; ref: SecretRef };
    /** The subnet Direct VPC egress draws its addresses from. */
    subnetwork: pulumi.Input<string>;
    /** The dashboard: only the load balancer reaches it. The others: the VPC only. */
    public: boolean;
    /** The metrics agent's prometheus.yml (renderers/observability/metricsAgent.ts). */
    agentConfig: pulumi.Input<string>;
    /** The release step, run from the new image as a Cloud Run job before traffic moves; undefined skips it. */
    migrationCommand?: string[];
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The container that serves, and the Prometheus agent beside it. */
const APP = "app";
const AGENT = "metrics-agent";

/**
 * One MiniMarket service on Cloud Run: its release job, the step that runs it, and the service.
 *
 * Release before traffic: the job is updated to the new image, then `gcloud run jobs execute
 * --wait` runs it and exits non-zero when the execution fails. The service depends on that step,
 * so Pulumi never updates it after a failure, and the old revision keeps all traffic. The step is
 * a command and not the job's `run_execution_token`: a failed update of the job would still be
 * written to state (the bridged provider returns it as partial state, pulumi-terraform-bridge
 * pkg/tfbridge/provider.go Update) and the next `up` would see no change and move traffic to the
 * unmigrated image. A failed command create is not recorded (pulumi-command v1.2.1
 * local/commandController.go Create returns a plain error; pulumi-go-provider v1.3.0
 * infer/resource.go keeps no partial state for it), so every later `up` runs it again first.
 *
 * A new image changes the service's and the job's template only: each update makes a new revision,
 * which takes traffic once its startup probe passes (Cloud Run keeps serving the previous one
 * until then).
 */
export class CloudRunApp extends pulumi.ComponentResource {
    readonly service: gcp.cloudrunv2.Service;
    readonly job?: gcp.cloudrunv2.Job;
    readonly release?: command.local.Command;
    /** https://<service>-<hash>.<region>.run.app: what the other services call. */
    readonly uri: pulumi.Output<string>;

    constructor(name: string, args: CloudRunAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:CloudRunApp", name, {}, opts);
        const { spec } = args;
        const serviceName = cloudRunServiceName(args.environment, spec.name);
        const envs = pulumi.output(args.env).apply((plain) =>
            Object.keys(plain)
                .sort()
                .map((k) => ({ name: k, value: plain[k] })),
        );
        const secretEnvs = Object.keys(args.secretEnv)
            .sort()
            .map((k) => ({ name: k, valueSource: { secretKeyRef: { secret: args.secretEnv[k].secret, version: args.secretEnv[k].version } } }));
        const allEnvs = envs.apply((plain) => [...plain, ...secretEnvs]);
        const limits = { cpu: String(args.cpus), memory: `${args.memoryMb}Mi` };
        const volumeMounts = args.files ? [{ name: "files", mountPath: args.files.directory }] : undefined;
        const volumes = args.files
            ? [{ name: "files", secret: { secret: args.files.ref.secret, items: [{ path: args.files.file, version: args.files.ref.version }] } }]
            : undefined;
        // All egress through the VPC: Cloud SQL and Memorystore are private, and the other services'
        // internal ingress counts requests from Direct VPC egress as internal only then.
        const vpcAccess = { egress: "ALL_TRAFFIC", networkInterfaces: [{ subnetwork: args.subnetwork }] };
        const labels = { app: "minimarket", environment: args.environment, service: spec.name };

        const dependsOn: pulumi.Input<pulumi.Resource>[] = [...args.dependsOn];
        if (args.migrationCommand) {
            this.job = new gcp.cloudrunv2.Job(
                `${name}-migrate`,
                {
                    name: cloudRunJobName(args.environment, spec.name),
                    location: args.region,
                    deletionProtection: false,
                    labels,
                    template: {
                        taskCount: 1,
                        template: {
                            serviceAccount: args.serviceAccount,
                            // A migration runs once; a failure is for a person to read, not to repeat.
                            maxRetries: 0,
                            timeout: "1800s",
                            vpcAccess,
                            volumes,
                            // `args` replaces the image's CMD and keeps its ENTRYPOINT, as `docker run <image> <args>` does.
                            containers: [{ name: APP, image: args.image, args: args.migrationCommand, envs: allEnvs, resources: { limits }, volumeMounts }],
                        },
                    },
                },
                { parent: this, dependsOn: args.dependsOn },
            );
            const location = ["--region", args.region, "--project", args.project];
            this.release = new command.local.Command(
                `${name}-release`,
                {
                    create: shellCommand(["gcloud", "run", "jobs", "execute", cloudRunJobName(args.environment, spec.name), ...location, "--wait", "--quiet"]),
                    // A new image (or command) runs the release again; a rotated secret does not.
                    triggers: [args.image, args.migrationCommand.join(" ")],
                },
                { parent: this, dependsOn: [this.job] },
            );
            dependsOn.push(this.release);
        }

        const probe = (p: (typeof CLOUD_RUN_PROBES)[keyof typeof CLOUD_RUN_PROBES]) => ({ ...p, httpGet: { path: "/health", port: spec.port } });
        const s = args.scaling;
        this.service = new gcp.cloudrunv2.Service(
            name,
            {
                name: serviceName,
                location: args.region,
                ingress: args.public ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
                // Reachable only as ingress allows; the apps authenticate their callers themselves (JWT, API keys).
                invokerIamDisabled: true,
                // Stateless: a re-create loses nothing, and `pulumi destroy` must be able to remove it.
                deletionProtection: false,
                labels,
                template: {
                    serviceAccount: args.serviceAccount,
                    executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
                    maxInstanceRequestConcurrency: s.concurrency,
                    scaling: { minInstanceCount: s.minInstances, maxInstanceCount: s.maxInstances },
                    vpcAccess,
                    volumes,
                    containers: [
                        {
                            name: APP,
                            image: args.image,
                            ports: { containerPort: spec.port },
                            envs: allEnvs,
                            // CPU stays allocated between requests: the agent scrapes on its own clock.
                            resources: { limits, cpuIdle: false, startupCpuBoost: true },
                            startupProbe: probe(CLOUD_RUN_PROBES.startup),
                            livenessProbe: probe(CLOUD_RUN_PROBES.liveness),
                            volumeMounts,
                        },
                        {
                            name: AGENT,
                            image: defaultImages.prometheus,
                            commands: ["/bin/sh", "-c", agentStartScript()],
                            envs: [{ name: AGENT_CONFIG_VAR, value: args.agentConfig }],
                            resources: { limits: { cpu: `${METRICS_SIDECAR.cpus * 1000}m`, memory: `${METRICS_SIDECAR.memoryMb}Mi` } },
                        },
                    ],
                },
                traffics: [
                    s.serveRevision
                        ? { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: s.serveRevision, percent: 100 }
                        : { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 },
                ],
            },
            { parent: this, dependsOn },
        );
        this.uri = this.service.uri;
        this.registerOutputs({ uri: this.uri, latestReadyRevision: this.service.latestReadyRevision });
    }
}
