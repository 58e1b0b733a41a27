// Every policy of the pack, in the order docs/policies.md lists them. index.ts serves this list
// to the engine; `npm run policy` and the tests evaluate the same list.

import { Policies } from "@pulumi/policy";
import { dataServicesOffServiceNetwork, dataServicesPublishNoHostPort, onlyPeoplePortsPublished } from "./exposure";
import {
    cloudSqlBackupsRetained,
    cloudSqlDeletionProtection,
    cloudSqlHighAvailability,
    cloudSqlPointInTimeRecovery,
    cloudSqlPrivateIpOnly,
    firewallPeoplePortsOnly,
} from "./gcp";
import { containerHealthCheck, containerLogRotation, containerMemoryLimit, containerRestartPolicy, containerStopGrace, onlyCadvisorPrivileged } from "./guards";
import { hostAccessGranted } from "./host";
import { imagesPinnedOnProd, imagesPinnedOutsideProd } from "./images";
import { redisRequiresPassword } from "./redis";
import { credentialsOnlyInSecretPlaces } from "./secrets";

/** The pack's name: `policyPackName` in the engine's policy events. */
export const PACK_NAME = "minimarket";

export const policies: Policies = [
    dataServicesPublishNoHostPort,
    onlyPeoplePortsPublished,
    imagesPinnedOnProd,
    imagesPinnedOutsideProd,
    credentialsOnlyInSecretPlaces,
    containerHealthCheck,
    containerMemoryLimit,
    containerLogRotation,
    containerRestartPolicy,
    containerStopGrace,
    onlyCadvisorPrivileged,
    hostAccessGranted,
    dataServicesOffServiceNetwork,
    cloudSqlPrivateIpOnly,
    cloudSqlPointInTimeRecovery,
    cloudSqlHighAvailability,
    cloudSqlDeletionProtection,
    cloudSqlBackupsRetained,
    firewallPeoplePortsOnly,
    redisRequiresPassword,
];
