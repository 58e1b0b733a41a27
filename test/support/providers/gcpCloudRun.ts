// Google Cloud resources of `gcp.runtime: cloudrun`: the Cloud Run services and release jobs
// (components/gcp/cloudRunApp.ts) and the secrets they read (components/gcp/secretStore.ts).
// Source and revision: see gcp.ts. Paths are under google-beta/services/ of
// hashicorp/terraform-provider-google-beta v7.45.0; lines are schema lines in `file`.

import { FieldRule, resourceName, ResourceRule, rule } from "./types";

const byName = { normalize: resourceName };

/** Anything under a Cloud Run template: Update PATCHes the whole resource and Cloud Run makes a new revision. */
const REVISION =
    "Update PATCHes the whole service (resourceCloudRunV2ServiceUpdate 2007-2199) and waits for the operation: a new revision, which takes traffic once ready";
const t = (tf: string, line: number, extra: Omit<FieldRule, "tf" | "change" | "line"> = {}) => rule(tf, "update", line, { note: REVISION, ...extra });

/** An HTTP probe (startup 527-640, liveness 224-338): defaults as the schema gives them. */
function probe(
    tf: string,
    lines: { root: number; failure: number; http: number; path: number; port: number; delay: number; period: number; timeout: number },
    computed: boolean,
) {
    return t(tf, lines.root, {
        computed,
        fields: {
            initialDelaySeconds: t("initial_delay_seconds", lines.delay, { default: 0 }),
            periodSeconds: t("period_seconds", lines.period, { default: 10 }),
            timeoutSeconds: t("timeout_seconds", lines.timeout, { default: 1 }),
            failureThreshold: t("failure_threshold", lines.failure, { default: 3 }),
            httpGet: t("http_get", lines.http, { fields: { path: t("path", lines.path, { default: "/" }), port: t("port", lines.port, { computed: true }) } }),
        },
    });
}

export const cloudRunService: ResourceRule = {
    token: "gcp:cloudrunv2/service:Service",
    upstream: "google_cloud_run_v2_service",
    file: "cloudrunv2/resource_cloud_run_v2_service.go",
    fields: {
        name: rule("name", "replace", 152, byName),
        location: rule("location", "replace", 146),
        ingress: rule("ingress", "update", 1248, { computed: true }),
        invokerIamDisabled: rule("invoker_iam_disabled", "update", 1255),
        labels: rule("labels", "update", 1260),
        deletionProtection: rule("deletion_protection", "state-only", 1620, {
            default: true,
            note: "client-side only: Delete refuses while it is true (2234-2236)",
        }),
        traffics: rule("traffic", "update", 1351, {
            computed: true,
            fields: {
                type: rule("type", "update", 1374),
                revision: rule("revision", "update", 1364),
                percent: rule("percent", "update", 1358, { computed: true }),
            },
        }),
        template: t("template", 159, {
            fields: {
                serviceAccount: t("service_account", 869, { computed: true }),
                executionEnvironment: t("execution_environment", 702),
                maxInstanceRequestConcurrency: t("max_instance_request_concurrency", 728, { computed: true }),
                scaling: t("scaling", 836, {
                    computed: true,
                    fields: { minInstanceCount: t("min_instance_count", 861), maxInstanceCount: t("max_instance_count", 854, { computed: true }) },
                }),
                vpcAccess: t("vpc_access", 1057, {
                    fields: {
                        egress: t("egress", 1070, { computed: true }),
                        networkInterfaces: t("network_interfaces", 1077, {
                            fields: { subnetwork: t("subnetwork", 1091, { computed: true }), network: t("network", 1083, { computed: true }) },
                        }),
                    },
                }),
                volumes: t("volumes", 904, {
                    fields: {
                        name: t("name", 910),
                        secret: t("secret", 1010, {
                            fields: {
                                secret: t("secret", 1017),
                                items: t("items", 1027, { fields: { path: t("path", 1033), version: t("version", 1043) } }),
                            },
                        }),
                    },
                }),
                containers: t("containers", 177, {
                    fields: {
                        name: t("name", 342),
                        image: t("image", 183),
                        commands: t("command", 201),
                        ports: t("ports", 347, { computed: true, fields: { containerPort: t("container_port", 357) } }),
                        envs: t("env", 217, {
                            set: true,
                            note: "a set (cloudrunv2ServiceTemplateContainersContainersEnvSchema 1654-1700): order never matters",
                            fields: {
                                name: t("name", 1657),
                                value: t("value", 1662, { default: "" }),
                                valueSource: t("value_source", 1668, {
                                    fields: {
                                        secretKeyRef: t("secret_key_ref", 1675, { fields: { secret: t("secret", 1682), version: t("version", 1687) } }),
                                    },
                                }),
                            },
                        }),
                        resources: t("resources", 456, {
                            computed: true,
                            fields: {
                                limits: t("limits", 470, {
                                    computed: true,
                                    note: "a cpu the API adds is suppressed (resource_cloud_run_v2_service_utils.go:34-41)",
                                }),
                                cpuIdle: t("cpu_idle", 464),
                                startupCpuBoost: t("startup_cpu_boost", 478),
                            },
                        }),
                        startupProbe: probe(
                            "startup_probe",
                            { root: 527, failure: 535, http: 565, path: 592, port: 598, delay: 608, period: 614, timeout: 637 },
                            true,
                        ),
                        livenessProbe: probe(
                            "liveness_probe",
                            { root: 224, failure: 231, http: 261, path: 288, port: 294, delay: 304, period: 310, timeout: 333 },
                            false,
                        ),
                        volumeMounts: t("volume_mounts", 646, { fields: { name: t("name", 657), mountPath: t("mount_path", 652) } }),
                    },
                }),
            },
        }),
    },
    notes: [
        "Create and Update wait for the operation (CloudRunV2OperationWaitTime, cloud_run_v2_operation.go): a revision that never passes its startup probe fails the update.",
    ],
};

const JOB = "Update PATCHes the job (resourceCloudRunV2JobUpdate 1354-1497); with no execution token set, nothing runs";
const j = (tf: string, line: number, extra: Omit<FieldRule, "tf" | "change" | "line"> = {}) => rule(tf, "update", line, { note: JOB, ...extra });

export const cloudRunJob: ResourceRule = {
    token: "gcp:cloudrunv2/job:Job",
    upstream: "google_cloud_run_v2_job",
    file: "cloudrunv2/resource_cloud_run_v2_job.go",
    fields: {
        name: rule("name", "replace", 152, byName),
        location: rule("location", "replace", 146),
        labels: j("labels", 772),
        deletionProtection: rule("deletion_protection", "state-only", 1033, {
            default: true,
            note: "client-side only: Delete refuses while it is true (1533)",
        }),
        template: j("template", 159, {
            fields: {
                taskCount: j("task_count", 712, { computed: true }),
                template: j("template", 166, {
                    fields: {
                        serviceAccount: j("service_account", 457, { computed: true }),
                        maxRetries: j("max_retries", 436, { default: 3 }),
                        timeout: j("timeout", 463, { computed: true }),
                        vpcAccess: j("vpc_access", 624, {
                            fields: {
                                egress: j("egress", 637, { computed: true }),
                                networkInterfaces: j("network_interfaces", 644, { fields: { subnetwork: j("subnetwork", 658, { computed: true }) } }),
                            },
                        }),
                        volumes: j("volumes", 472, {
                            fields: {
                                name: j("name", 478),
                                secret: j("secret", 577, {
                                    fields: {
                                        secret: j("secret", 584),
                                        items: j("items", 594, { fields: { path: j("path", 600), version: j("version", 605) } }),
                                    },
                                }),
                            },
                        }),
                        containers: j("containers", 173, {
                            computed: true,
                            fields: {
                                name: j("name", 216),
                                image: j("image", 180),
                                args: j("args", 185),
                                envs: j("env", 209, {
                                    set: true,
                                    fields: {
                                        name: j("name", 1070),
                                        value: j("value", 1075, { default: "" }),
                                        valueSource: j("value_source", 1081, {
                                            fields: {
                                                secretKeyRef: j("secret_key_ref", 1088, { fields: { secret: j("secret", 1095), version: j("version", 1100) } }),
                                            },
                                        }),
                                    },
                                }),
                                resources: j("resources", 242, { computed: true, fields: { limits: j("limits", 250, { computed: true }) } }),
                                volumeMounts: j("volume_mounts", 387, { fields: { name: j("name", 398), mountPath: j("mount_path", 393) } }),
                            },
                        }),
                    },
                }),
            },
        }),
    },
    notes: [
        "run_execution_token (795) would run the job on create and update and fail the update when the execution fails, but a failed update is still written to state " +
            "(the bridge's Update returns partial state, pulumi-terraform-bridge pkg/tfbridge/provider.go), so the program runs the job with a command instead (components/gcp/cloudRunApp.ts).",
    ],
};

export const secretManagerSecret: ResourceRule = {
    token: "gcp:secretmanager/secret:Secret",
    upstream: "google_secret_manager_secret",
    file: "secretmanager/resource_secret_manager_secret.go",
    fields: {
        secretId: rule("secret_id", "replace", 254),
        replication: rule("replication", "replace", 169, { fields: { auto: rule("auto", "replace", 178) } }),
        labels: rule("labels", "update", 291),
    },
};

export const secretManagerSecretVersion: ResourceRule = {
    token: "gcp:secretmanager/secretVersion:SecretVersion",
    upstream: "google_secret_manager_secret_version",
    file: "secretmanager/resource_secret_manager_secret_version.go",
    fields: {
        secret: rule("secret", "replace", 173, byName),
        secretData: rule("secret_data", "replace", 157, {
            note: "ForceNew and Sensitive: a new value is a new version, with a new number (version, Computed, 210)",
        }),
        enabled: rule("enabled", "update", 180, { default: true }),
        deletionPolicy: rule("deletion_policy", "state-only", 222, {
            computed: true,
            note: "client-side (423); DISABLE makes Delete call :disable instead of :destroy (474-476)",
        }),
    },
};

export const secretManagerSecretIamMember: ResourceRule = {
    token: "gcp:secretmanager/secretIamMember:SecretIamMember",
    upstream: "google_secret_manager_secret_iam_member",
    file: "secretmanager/iam_secret_manager_secret.go",
    fields: {
        secretId: rule("secret_id", "replace", 78, byName),
        role: rule("role", "replace", 64, { note: "tpgiamresource/resource_iam_member.go:63-75 (IamMemberBaseSchema), ForceNew" }),
        member: rule("member", "replace", 69, { note: "tpgiamresource/resource_iam_member.go:69, ForceNew" }),
    },
};

export const gcpCloudRunRules: ResourceRule[] = [cloudRunService, cloudRunJob, secretManagerSecret, secretManagerSecretVersion, secretManagerSecretIamMember];
