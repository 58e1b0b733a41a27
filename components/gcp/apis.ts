import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface GcpApisArgs {
    /** Whether Memorystore is used: its API is enabled only then. */
    memorystore: boolean;
    /** Whether the apps run on Cloud Run (with Secret Manager, the log export and Cloud Monitoring reads). */
    cloudRun?: boolean;
}

/** Google APIs the platform calls. A fresh project has most of them off. */
export function requiredApis(args: GcpApisArgs): string[] {
    return [
        // Enabling the others goes through Service Usage; IAM bindings on the project through
        // Cloud Resource Manager. A fresh project may have neither on.
        "serviceusage.googleapis.com",
        "cloudresourcemanager.googleapis.com",
        "compute.googleapis.com",
        "servicenetworking.googleapis.com",
        "sqladmin.googleapis.com",
        "dns.googleapis.com",
        "iam.googleapis.com",
        ...(args.memorystore ? ["redis.googleapis.com"] : []),
        ...(args.cloudRun
            ? ["run.googleapis.com", "secretmanager.googleapis.com", "pubsub.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com"]
            : []),
    ];
}

/**
 * Enables the APIs of the platform. They stay enabled on destroy: turning an API off also
 * deletes whatever else in the project uses it.
 */
export class GcpApis extends pulumi.ComponentResource {
    readonly services: gcp.projects.Service[];

    constructor(name: string, args: GcpApisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:Apis", name, {}, opts);
        this.services = requiredApis(args).map(
            (api) =>
                new gcp.projects.Service(
                    `${name}-${api.split(".")[0]}`,
                    { service: api, disableOnDestroy: false, disableDependentServices: false },
                    { parent: this },
                ),
        );
        this.registerOutputs({ services: requiredApis(args) });
    }
}
