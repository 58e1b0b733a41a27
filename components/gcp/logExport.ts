import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { cloudRunLogsName } from "../../facts/endpoints";

export interface CloudRunLogExportArgs {
    environment: string;
    /** Only these Cloud Run services' entries are exported. */
    services: string[];
    /** Who pulls them: the ops VM's identity (Alloy on it uses the VM's credentials). */
    reader: pulumi.Input<string>;
}

/**
 * Cloud Run writes every container's stdout to Cloud Logging. A sink copies this stack's entries to
 * a Pub/Sub topic, and Alloy on the ops VM pulls them into the same Loki as the VM's containers:
 * the log alerts (LogVolumeSpike, LogShippingStopped) and Grafana's Explore keep one place.
 */
export class CloudRunLogExport extends pulumi.ComponentResource {
    readonly subscription: gcp.pubsub.Subscription;
    /** The subscription's id, as Alloy names it. */
    readonly subscriptionName: pulumi.Output<string>;

    constructor(name: string, args: CloudRunLogExportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:CloudRunLogExport", name, {}, opts);
        const prefix = cloudRunLogsName(args.environment);
        const labels = { app: "minimarket", environment: args.environment };
        const child = { parent: this };
        const topic = new gcp.pubsub.Topic(name, { name: prefix, labels, messageRetentionDuration: "86400s" }, child);
        const names = args.services.map((s) => `"${s}"`).join(" OR ");
        const sink = new gcp.logging.ProjectSink(
            name,
            {
                name: prefix,
                destination: pulumi.interpolate`pubsub.googleapis.com/${topic.id}`,
                filter: `resource.type="cloud_run_revision" AND resource.labels.service_name=(${names})`,
                // Its own identity, so it can be granted on this topic alone.
                uniqueWriterIdentity: true,
            },
            child,
        );
        new gcp.pubsub.TopicIAMMember(name, { topic: topic.name, role: "roles/pubsub.publisher", member: sink.writerIdentity }, child);
        this.subscription = new gcp.pubsub.Subscription(
            name,
            // A day of backlog while Alloy or the VM is down; acknowledged entries go.
            { name: prefix, topic: topic.name, labels, ackDeadlineSeconds: 60, messageRetentionDuration: "86400s", expirationPolicy: { ttl: "" } },
            child,
        );
        new gcp.pubsub.SubscriptionIAMMember(name, { subscription: this.subscription.name, role: "roles/pubsub.subscriber", member: args.reader }, child);
        this.subscriptionName = this.subscription.name;
        this.registerOutputs({ subscription: this.subscriptionName });
    }
}
