// Google Cloud resources of components/gcp/network.ts, apis.ts and the VM's address and identity.
// Source and revision: see gcp.ts. Paths below are under google-beta/services/ of
// hashicorp/terraform-provider-google-beta v7.45.0; lines are schema lines in `file`.

import { relativePath, resourceName, ResourceRule, rule } from "./types";

const byName = { normalize: resourceName };

export const projectService: ResourceRule = {
    token: "gcp:projects/service:Service",
    upstream: "google_project_service",
    file: "resourcemanager/resource_google_project_service.go",
    fields: {
        service: rule("service", "replace", 133),
        project: rule("project", "replace", 139, { computed: true, ...byName }),
        disableOnDestroy: rule("disable_on_destroy", "state-only", 152, { note: "Update is a no-op (363-365): only read on delete" }),
        disableDependentServices: rule("disable_dependent_services", "state-only", 147, { note: "Update is a no-op (363-365)" }),
        checkIfServiceHasUsageOnDestroy: rule("check_if_service_has_usage_on_destroy", "state-only", 156),
    },
};

export const network: ResourceRule = {
    token: "gcp:compute/network:Network",
    upstream: "google_compute_network",
    file: "compute/resource_compute_network.go",
    fields: {
        name: rule("name", "replace", 140),
        autoCreateSubnetworks: rule("auto_create_subnetworks", "replace", 153, { default: true }),
        description: rule("description", "replace", 165),
        routingMode: rule("routing_mode", "update", 265, { computed: true }),
        deleteDefaultRoutesOnCreate: rule("delete_default_routes_on_create", "state-only", 294, { default: false }),
    },
};

export const subnetwork: ResourceRule = {
    token: "gcp:compute/subnetwork:Subnetwork",
    upstream: "google_compute_subnetwork",
    file: "compute/resource_compute_subnetwork.go",
    fields: {
        name: rule("name", "replace", 544),
        network: rule("network", "replace", 557, byName),
        description: rule("description", "replace", 574),
        ipCidrRange: rule("ip_cidr_range", "update", 598, {
            computed: true,
            note: "expansion updates in place; a shrink is ForceNew (CustomizeDiff IsShrinkageIpCidr, 512)",
        }),
        privateIpGoogleAccess: rule("private_ip_google_access", "update", 718, { computed: true }),
        region: rule("region", "replace", 744, { computed: true, ...byName }),
    },
};

export const globalAddress: ResourceRule = {
    token: "gcp:compute/globalAddress:GlobalAddress",
    upstream: "google_compute_global_address",
    file: "compute/resource_compute_global_address.go",
    fields: {
        name: rule("name", "replace", 141),
        address: rule("address", "replace", 153, {
            computed: true,
            note: "Optional+Computed+ForceNew: unset lets Google pick a range; a stack that pins gcp.privateServicesRange must give the range it already has, or the range (and the peering) is replaced",
        }),
        addressType: rule("address_type", "replace", 162, { default: "EXTERNAL" }),
        ipVersion: rule("ip_version", "replace", 180, { default: "IPV4", note: 'EmptyOrDefaultStringSuppress("IPV4")' }),
        labels: rule("labels", "update", 188),
        network: rule("network", "replace", 198, byName),
        prefixLength: rule("prefix_length", "replace", 209, { computed: true }),
        purpose: rule("purpose", "replace", 220),
    },
};

export const serviceNetworkingConnection: ResourceRule = {
    token: "gcp:servicenetworking/connection:Connection",
    upstream: "google_service_networking_connection",
    file: "servicenetworking/resource_service_networking_connection.go",
    fields: {
        network: rule("network", "replace", 67, byName),
        service: rule("service", "replace", 80),
        reservedPeeringRanges: rule("reserved_peering_ranges", "update", 86, { note: "Update patches the connection (265)" }),
        updateOnCreationFail: rule("update_on_creation_fail", "state-only", 100),
        deletionPolicy: rule("deletion_policy", "state-only", 94, {
            computed: true,
            note:
                'tpgresource.DeletionPolicySchemaEntry("DELETE"); ABANDON skips DeleteConnection (328-332) and leaves the peering on the network, which then cannot be deleted; ' +
                "DELETE calls Connections.DeleteConnection (357-361), which Google refuses while deleted Cloud SQL/Memorystore still hold the connection. The program keeps ABANDON " +
                "and removes the peering with gcloud on destroy (components/gcp/teardown.ts)",
        }),
    },
};

export const firewall: ResourceRule = {
    token: "gcp:compute/firewall:Firewall",
    upstream: "google_compute_firewall",
    file: "compute/resource_compute_firewall.go",
    fields: {
        name: rule("name", "replace", 246),
        network: rule("network", "update", 259, {
            ...byName,
            note: "not ForceNew; Update sends it (899-903); not verified that the API accepts a new network",
        }),
        allows: rule("allow", "update", 265, {
            set: true,
            fields: { protocol: rule("protocol", "update", 502), ports: rule("ports", "update", 511) },
        }),
        description: rule("description", "update", 284),
        direction: rule("direction", "replace", 302, { computed: true }),
        logConfig: rule("log_config", "update", 320, { fields: { metadata: rule("metadata", "update", 329) } }),
        priority: rule("priority", "update", 360, { default: 1000 }),
        sourceRanges: rule("source_ranges", "update", 372, { set: true }),
        targetTags: rule("target_tags", "update", 447, { set: true }),
    },
};

export const managedZone: ResourceRule = {
    token: "gcp:dns/managedZone:ManagedZone",
    upstream: "google_dns_managed_zone",
    file: "dns/resource_dns_managed_zone.go",
    fields: {
        dnsName: rule("dns_name", "replace", 145),
        name: rule("name", "replace", 151),
        description: rule("description", "update", 174, { default: "Managed by Terraform" }),
        labels: rule("labels", "update", 286),
        privateVisibilityConfig: rule("private_visibility_config", "update", 325, {
            fields: {
                networks: rule("networks", "update", 349, {
                    set: true,
                    fields: { networkUrl: rule("network_url", "update", 349, { normalize: relativePath }) },
                }),
            },
        }),
        visibility: rule("visibility", "replace", 413, { default: "public", normalize: (v) => String(v).toLowerCase() }),
        forceDestroy: rule("force_destroy", "state-only", 456, { default: false }),
    },
};

export const recordSet: ResourceRule = {
    token: "gcp:dns/recordSet:RecordSet",
    upstream: "google_dns_record_set",
    file: "dns/resource_dns_record_set.go",
    fields: {
        managedZone: rule("managed_zone", "replace", 149, byName),
        name: rule("name", "replace", 157),
        rrdatas: rule("rrdatas", "update", 306),
        ttl: rule("ttl", "update", 272),
        type: rule("type", "update", 278),
    },
};

export const address: ResourceRule = {
    token: "gcp:compute/address:Address",
    upstream: "google_compute_address",
    file: "compute/resource_compute_address.go",
    fields: {
        name: rule("name", "replace", 172),
        addressType: rule("address_type", "replace", 193, { default: "EXTERNAL" }),
        labels: rule("labels", "update", 240),
        networkTier: rule("network_tier", "replace", 259, { computed: true }),
        region: rule("region", "replace", 301, { computed: true, ...byName }),
    },
};

export const serviceAccount: ResourceRule = {
    token: "gcp:serviceaccount/account:Account",
    upstream: "google_service_account",
    file: "resourcemanager/resource_google_service_account.go",
    fields: {
        accountId: rule("account_id", "replace", 90),
        displayName: rule("display_name", "update", 97),
    },
};

export const iamMember: ResourceRule = {
    token: "gcp:projects/iAMMember:IAMMember",
    upstream: "google_project_iam_member",
    file: "../tpgiamresource/resource_iam_member.go",
    fields: {
        project: rule("project", "replace", 35, { ...byName, note: "resourcemanager/iam_project.go:35-40 (IamProjectSchema), ForceNew" }),
        role: rule("role", "replace", 64),
        member: rule("member", "replace", 69),
    },
    notes: [
        "IamMemberBaseSchema (resource_iam_member.go:63-95): every field is ForceNew; the member is added with a read-modify-write of the project's IAM policy (cloudresourcemanager API).",
    ],
};

export const gcpNetworkRules: ResourceRule[] = [
    projectService,
    network,
    subnetwork,
    globalAddress,
    serviceNetworkingConnection,
    firewall,
    managedZone,
    recordSet,
    address,
    serviceAccount,
    iamMember,
];
