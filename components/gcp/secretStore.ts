import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourcePrefix } from "../../facts/endpoints";

/** A secret value and who may read it: a Cloud Run service's identity, by a stable short name. */
export interface StoredSecret {
    value: pulumi.Output<string>;
    readers: Array<{ name: string; member: pulumi.Input<string> }>;
}

/** Where a revision finds a value: the secret and the version the program wrote (never "latest"). */
export interface SecretRef {
    secret: pulumi.Output<string>;
    version: pulumi.Output<string>;
}

export interface SecretStoreArgs {
    environment: string;
    /** By short key, e.g. `database-url`, `jwt-dashboard`. */
    secrets: Record<string, StoredSecret>;
}

/**
 * The apps' secrets in Secret Manager (`gcp.runtime: cloudrun`), one secret per value, each value
 * one version. A new value (a rotation, `pulumi config set --secret`) replaces the version:
 * `secret_data` is ForceNew, so the provider adds a version with a new number, which the revisions
 * pin (google_secret_manager_secret_version, terraform-provider-google-beta v7.45.0
 * services/secretmanager/resource_secret_manager_secret_version.go:157). The old version is then
 * disabled, not destroyed (deletion_policy DISABLE, Delete 474-476): the rotated value stops
 * working and stays on record. Only the readers' identities may access a secret.
 */
export class SecretStore extends pulumi.ComponentResource {
    readonly refs: Record<string, SecretRef> = {};
    /** Every access grant: a revision must not start before its identity can read its secrets. */
    readonly grants: gcp.secretmanager.SecretIamMember[] = [];

    constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:SecretStore", name, {}, opts);
        const labels = { app: "minimarket", environment: args.environment };
        for (const key of Object.keys(args.secrets).sort()) {
            const entry = args.secrets[key];
            const secret = new gcp.secretmanager.Secret(
                `${name}-${key}`,
                { secretId: `${resourcePrefix(args.environment)}-${key}`, replication: { auto: {} }, labels },
                { parent: this },
            );
            const version = new gcp.secretmanager.SecretVersion(
                `${name}-${key}`,
                { secret: secret.id, secretData: pulumi.secret(entry.value), deletionPolicy: "DISABLE" },
                { parent: this, additionalSecretOutputs: ["secretData"] },
            );
            for (const reader of entry.readers) {
                this.grants.push(
                    new gcp.secretmanager.SecretIamMember(
                        `${name}-${key}-${reader.name}`,
                        { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member: reader.member },
                        { parent: this },
                    ),
                );
            }
            this.refs[key] = { secret: secret.secretId, version: version.version };
        }
        this.registerOutputs({ secrets: Object.keys(args.secrets).sort() });
    }
}
