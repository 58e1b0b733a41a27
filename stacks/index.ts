import { StackConfig } from "./config";
import { StackOutputs } from "./outputs";
import * as pulumi from "@pulumi/pulumi";
import { deployOnDockerHost } from "./dockerHost";
import { deployOnGcp } from "./gcp";

export { StackOutputs };

/** Declares the whole stack for a validated config: only the platform differs between stacks. */
export function deploy(config: StackConfig): StackOutputs {
    switch (config.platform) {
        case "docker":
            return deployOnDockerHost(config);
        case "gcp":
            // parseConfig guarantees the gcp settings when the platform is gcp.
            return deployOnGcp(config, config.gcp!, {
                registryPassword: config.registryPassword === undefined ? undefined : pulumi.secret(config.registryPassword),
            });
    }
}
