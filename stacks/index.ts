import { StackConfig } from "../config";
import { StackOutputs } from "./outputs";
import { deployOnDockerHost } from "./dockerHost";
import { deployOnGcp } from "./googleCloud";
import { deployOnCloudRun } from "./cloudRun";

export { StackOutputs };

/** Declares the whole stack for a validated config: only the platform differs between stacks. */
export function deploy(config: StackConfig): StackOutputs {
    switch (config.platform) {
        case "docker":
            return deployOnDockerHost(config);
        case "gcp":
            // Prod's runtime: the apps on the VM's Docker, or on Cloud Run beside an ops VM.
            return config.gcp.runtime === "cloudrun" ? deployOnCloudRun(config) : deployOnGcp(config);
    }
}
