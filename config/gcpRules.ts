// Rules of the gcp platform that involve keys outside `minimarket:gcp`: the registry key and the
// secrets that mean nothing on Memorystore.

import { z } from "zod";
import { isPlainObject, problem } from "./fields";

export function gcpCrossFieldRules(v: Record<string, unknown>, gcp: Record<string, unknown>, r: z.RefinementCtx): void {
    const registry = isPlainObject(gcp.registry) ? gcp.registry : undefined;
    if (v.registryPassword !== undefined && !registry) {
        problem(
            r,
            ["registryPassword"],
            "is set but gcp.registry is not, so nothing uses it; run `{config} set --path gcp.registry.server <registry host>` or `{config} rm registryPassword`",
        );
    }
    if (registry?.username !== undefined && v.registryPassword === undefined) {
        problem(
            r,
            ["gcp", "registry", "username"],
            "is only used with a key in registryPassword; run `{config} rm --path gcp.registry.username` to pull with the deployer's short-lived gcloud token, " +
                "or set the key with `{config} set --secret registryPassword`",
        );
    }
    const redis = isPlainObject(gcp.redis) ? gcp.redis : {};
    if (redis.mode !== "memorystore") return;
    // Memorystore generates its own AUTH string: a supplied or rotated redisPassword would never reach Redis.
    if (v.redisPassword !== undefined) {
        problem(
            r,
            ["redisPassword"],
            "does nothing with gcp.redis.mode memorystore: Memorystore generates its AUTH string and the apps get that one; run `{config} rm redisPassword`",
        );
    }
    const rotations = isPlainObject(v.rotations) ? v.rotations : {};
    const counter = rotations.redisPassword;
    if (counter !== undefined && Number(counter) !== 0) {
        problem(
            r,
            ["rotations", "redisPassword"],
            "does nothing with gcp.redis.mode memorystore (the AUTH string is Google's, not generated here); " +
                "run `{config} rm --path rotations.redisPassword`, and rotate the AUTH string in Memorystore itself if you must",
        );
    }
}
