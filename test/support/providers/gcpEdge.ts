// Google Cloud resources at the edges of `gcp.runtime: cloudrun`: the dashboard's load balancer
// (components/gcp/loadBalancer.ts) and the export of Cloud Run's logs to Pub/Sub
// (components/gcp/logExport.ts). Source and revision: see gcp.ts. Paths are under
// google-beta/services/ of hashicorp/terraform-provider-google-beta v7.45.0; lines are schema
// lines in `file`.

import { relativePath, resourceName, ResourceRule, rule } from "./types";

const byName = { normalize: resourceName };
const iam = {
    role: rule("role", "replace", 64, { note: "tpgiamresource/resource_iam_member.go:63-75 (IamMemberBaseSchema), ForceNew" }),
    member: rule("member", "replace", 69, { note: "tpgiamresource/resource_iam_member.go:69, ForceNew" }),
};

export const regionNetworkEndpointGroup: ResourceRule = {
    token: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    upstream: "google_compute_region_network_endpoint_group",
    file: "compute/resource_compute_region_network_endpoint_group.go",
    fields: {
        name: rule("name", "replace", 143),
        region: rule("region", "replace", 156, byName),
        networkEndpointType: rule("network_endpoint_type", "replace", 306, { default: "SERVERLESS" }),
        cloudRun: rule("cloud_run", "replace", 242, { fields: { service: rule("service", "replace", 252) } }),
    },
};

export const backendService: ResourceRule = {
    token: "gcp:compute/backendService:BackendService",
    upstream: "google_compute_backend_service",
    file: "compute/resource_compute_backend_service.go",
    fields: {
        name: rule("name", "replace", 288),
        loadBalancingScheme: rule("load_balancing_scheme", "update", 869, { default: "EXTERNAL" }),
        protocol: rule("protocol", "update", 1352, { computed: true }),
        backends: rule("backend", "update", 310, {
            set: true,
            note: "a set hashed on the group's relative path (resourceGoogleComputeBackendServiceBackendHash 81-95)",
            fields: { group: rule("group", "update", 1600, { normalize: relativePath }) },
        }),
    },
};

export const urlMap: ResourceRule = {
    token: "gcp:compute/uRLMap:URLMap",
    upstream: "google_compute_url_map",
    file: "compute/resource_compute_url_map.go",
    fields: {
        name: rule("name", "replace", 140),
        defaultService: rule("default_service", "update", 1052, byName),
        defaultUrlRedirect: rule("default_url_redirect", "update", 1059, {
            fields: {
                httpsRedirect: rule("https_redirect", "update", 1082, { default: false }),
                stripQuery: rule("strip_query", "update", 1068),
                redirectResponseCode: rule("redirect_response_code", "update", 1109),
            },
        }),
    },
};

export const managedSslCertificate: ResourceRule = {
    token: "gcp:compute/managedSslCertificate:ManagedSslCertificate",
    upstream: "google_compute_managed_ssl_certificate",
    file: "compute/resource_compute_managed_ssl_certificate.go",
    fields: {
        name: rule("name", "replace", 177),
        type: rule("type", "replace", 191, { default: "MANAGED" }),
        managed: rule("managed", "replace", 153, {
            fields: { domains: rule("domains", "replace", 162, { note: "AbsoluteDomainSuppress: a trailing dot is no change" }) },
        }),
    },
};

export const targetHttpsProxy: ResourceRule = {
    token: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    upstream: "google_compute_target_https_proxy",
    file: "compute/resource_compute_target_https_proxy.go",
    fields: {
        name: rule("name", "replace", 140),
        urlMap: rule("url_map", "update", 152, byName),
        sslCertificates: rule("ssl_certificates", "update", 238, { normalize: (v) => (Array.isArray(v) ? v.map(resourceName) : v) }),
    },
};

export const targetHttpProxy: ResourceRule = {
    token: "gcp:compute/targetHttpProxy:TargetHttpProxy",
    upstream: "google_compute_target_http_proxy",
    file: "compute/resource_compute_target_http_proxy.go",
    fields: { name: rule("name", "replace", 140), urlMap: rule("url_map", "update", 152, byName) },
};

export const globalForwardingRule: ResourceRule = {
    token: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
    upstream: "google_compute_global_forwarding_rule",
    file: "compute/resource_compute_global_forwarding_rule.go",
    fields: {
        name: rule("name", "replace", 141),
        target: rule("target", "update", 159, { normalize: relativePath }),
        ipAddress: rule("ip_address", "replace", 176, {
            computed: true,
            note: "Read stores the IP; InternalIpDiffSuppress (resource_compute_forwarding_rule.go:126-166) treats that IP and the address' reference as the same",
        }),
        portRange: rule("port_range", "replace", 417, { note: 'PortRangeDiffSuppress: "443" and the read-back "443-443" are the same' }),
        loadBalancingScheme: rule("load_balancing_scheme", "update", 298, { default: "EXTERNAL" }),
    },
};

export const pubsubTopic: ResourceRule = {
    token: "gcp:pubsub/topic:Topic",
    upstream: "google_pubsub_topic",
    file: "pubsub/resource_pubsub_topic.go",
    fields: {
        name: rule("name", "replace", 141, byName),
        labels: rule("labels", "update", 422),
        messageRetentionDuration: rule("message_retention_duration", "update", 432),
    },
};

export const pubsubSubscription: ResourceRule = {
    token: "gcp:pubsub/subscription:Subscription",
    upstream: "google_pubsub_subscription",
    file: "pubsub/resource_pubsub_subscription.go",
    fields: {
        name: rule("name", "replace", 175),
        topic: rule("topic", "replace", 181, byName),
        labels: rule("labels", "update", 471),
        ackDeadlineSeconds: rule("ack_deadline_seconds", "update", 190, { computed: true }),
        messageRetentionDuration: rule("message_retention_duration", "update", 481, { default: "604800s" }),
        expirationPolicy: rule("expiration_policy", "update", 434, {
            computed: true,
            fields: { ttl: rule("ttl", "update", 448, { note: 'comparePubsubSubscriptionExpirationPolicy: "" is "never expires"' }) },
        }),
    },
};

export const loggingProjectSink: ResourceRule = {
    token: "gcp:logging/projectSink:ProjectSink",
    upstream: "google_logging_project_sink",
    file: "logging/resource_logging_sink.go",
    fields: {
        name: rule("name", "replace", 35),
        destination: rule("destination", "update", 42),
        filter: rule("filter", "update", 48, { note: "OptionalSurroundingSpacesSuppress" }),
        uniqueWriterIdentity: rule("unique_writer_identity", "update", 58, {
            default: true,
            note: "logging/resource_logging_project_sink.go:58-63; sent by Update (215-225)",
        }),
    },
};

export const pubsubTopicIamMember: ResourceRule = {
    token: "gcp:pubsub/topicIAMMember:TopicIAMMember",
    upstream: "google_pubsub_topic_iam_member",
    file: "pubsub/iam_pubsub_topic.go",
    fields: { topic: rule("topic", "replace", 78, byName), ...iam },
};

export const pubsubSubscriptionIamMember: ResourceRule = {
    token: "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    upstream: "google_pubsub_subscription_iam_member",
    file: "pubsub/iam_pubsub_subscription.go",
    fields: { subscription: rule("subscription", "replace", 34, byName), ...iam },
};

export const gcpEdgeRules: ResourceRule[] = [
    regionNetworkEndpointGroup,
    backendService,
    urlMap,
    managedSslCertificate,
    targetHttpsProxy,
    targetHttpProxy,
    globalForwardingRule,
    pubsubTopic,
    pubsubSubscription,
    loggingProjectSink,
    pubsubTopicIamMember,
    pubsubSubscriptionIamMember,
];
