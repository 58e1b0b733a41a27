import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";

/** The Docker Hub account both platforms pull with, the token kept secret from here on. */
export function dockerHubCredentials(config: StackConfig): { username: string; token: pulumi.Output<string> } | undefined {
    return config.dockerHub && { username: config.dockerHub.username, token: pulumi.secret(config.dockerHub.token) };
}
