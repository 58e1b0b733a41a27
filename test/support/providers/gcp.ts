// @pulumi/gcp 9.37.0 as it behaves against Google Cloud.
//
// pulumi-gcp wraps hashicorp/terraform-provider-google-beta (not terraform-provider-google):
// provider/go.mod replaces github.com/hashicorp/terraform-provider-google-beta with ../upstream.
// Source read: terraform-provider-google-beta tag v7.45.0 (commit 3dc173a3), the `upstream`
// submodule of pulumi-gcp v9.35.0 and of its newest snapshot (HEAD ed6078aa, 2026-08-21).
// The tags v9.36.x and v9.37.0 were not in that snapshot: 9.37.0 most likely pins a later 7.4x
// release, so lines may have moved and a field may have changed. Re-check on the next bump.
// Generated from GoogleCloudPlatform/magic-modules; resource files are google-beta/services/*.

import {
    address,
    firewall,
    gcpNetworkRules,
    globalAddress,
    iamMember,
    managedZone,
    network,
    projectService,
    recordSet,
    serviceAccount,
    serviceNetworkingConnection,
    subnetwork,
} from "./gcpNetwork";
import { computeDisk, computeInstance, gcpServiceRules, redisInstance, sqlDatabase, sqlDatabaseInstance, sqlUser } from "./gcpServices";
import { gcpSnapshotRules } from "./gcpSnapshots";
import { gcpCloudRunRules } from "./gcpCloudRun";
import { gcpEdgeRules } from "./gcpEdge";
import { ProviderSource, ResourceRule } from "./types";

export const gcpSource: ProviderSource = {
    pkg: "@pulumi/gcp@9.37.0",
    repository: "github.com/hashicorp/terraform-provider-google-beta",
    revision: "v7.45.0 (3dc173a397749158369ea839a2890d89f8c9c370)",
    provenance: "pin of pulumi-gcp v9.35.0 and HEAD ed6078aa (2026-08-21); the pin of 9.37.0 itself not seen",
};

export {
    address,
    computeDisk,
    computeInstance,
    firewall,
    globalAddress,
    iamMember,
    managedZone,
    network,
    projectService,
    recordSet,
    redisInstance,
    serviceAccount,
    serviceNetworkingConnection,
    sqlDatabase,
    sqlDatabaseInstance,
    sqlUser,
    subnetwork,
};

export const gcpRules: ResourceRule[] = [...gcpNetworkRules, ...gcpServiceRules, ...gcpSnapshotRules, ...gcpCloudRunRules, ...gcpEdgeRules];
