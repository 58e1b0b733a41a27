// Google Cloud resources of components/backup/diskSnapshots.ts: the data disk's snapshot schedule and its
// attachment. Read at hashicorp/terraform-provider-google-beta HEAD (git describe
// 4.32.0-7843-g93c65b2d60, newer than the v7.45.0 the rest of gcp*.ts cites: re-check line numbers
// when @pulumi/gcp is bumped), google-beta/services/compute/.

import { ResourceRule, resourceName, rule } from "./types";

const PATCH = "resourceComputeResourcePolicyUpdate (784) PATCHes name, description, snapshotSchedulePolicy";

export const computeResourcePolicy: ResourceRule = {
    token: "gcp:compute/resourcePolicy:ResourcePolicy",
    upstream: "google_compute_resource_policy",
    file: "compute/resource_compute_resource_policy.go",
    fields: {
        name: rule("name", "update", 151, { note: PATCH }),
        region: rule("region", "replace", 295, { computed: true, normalize: resourceName }),
        description: rule("description", "update", 162, { note: PATCH }),
        snapshotSchedulePolicy: rule("snapshot_schedule_policy", "update", 303, { note: PATCH }),
    },
};

export const computeDiskResourcePolicyAttachment: ResourceRule = {
    token: "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment",
    upstream: "google_compute_disk_resource_policy_attachment",
    file: "compute/resource_compute_disk_resource_policy_attachment.go",
    fields: {
        disk: rule("disk", "replace", 148, { normalize: resourceName }),
        name: rule("name", "replace", 155),
        zone: rule("zone", "replace", 162, { computed: true, normalize: resourceName }),
    },
};

export const gcpSnapshotRules: ResourceRule[] = [computeResourcePolicy, computeDiskResourcePolicyAttachment];
