import { StackConfig } from "../config";
import { StackOutputs } from "./outputs";
import { deployOnDockerHost } from "./dockerHost";
import { deployOnGcp } from "./googleCloud";

export { StackOutputs };

/** Declares the whole stack for a validated config: only the platform differs between stacks. */
export function deploy(config: StackConfig): StackOutputs {
    switch (config.platform) {
        case "docker":
            return deployOnDockerHost(config);
        case "gcp":
            return deployOnGcp(config);
    }
}
