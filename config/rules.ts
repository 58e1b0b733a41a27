// Rules that involve more than one key, or how a key was stored (`pulumi config set --secret` or
// not). They run even when a field already failed, so an operator sees every problem at once.

import { z } from "zod";
import { isPinned, movingTag, parseImageRef } from "../facts/images";
import { secretCatalog, secretNames, SecretSpec } from "../facts/secrets";
import { isServiceName, serviceNames } from "../facts/services";
import { isProdStack } from "../facts/endpoints";
import { isCredentialVar } from "../facts/credentials";
import { isPlainObject, problem, show, suggestion } from "./fields";
import { cloudRunCrossFieldRules } from "./cloudRunRules";
import { gcpCrossFieldRules } from "./gcpRules";
import { gcpPlatformRules, prodCorsRules } from "./prodRules";

/** What the schema needs to know beyond the values: which keys were set with `--secret`, and the stack. */
export interface ParseContext {
    stack: string;
    secretKeys: ReadonlySet<string>;
}

/** Rules that involve more than one key, or how a key was stored (`--secret` or not). */
export function crossFieldRules(v: Record<string, unknown>, ctx: ParseContext, r: z.RefinementCtx): void {
    const isProd = isProdStack(v.environment ?? ctx.stack, ctx.stack);
    const secret = (k: string) => ctx.secretKeys.has(k);
    // The values are parsed: boolean() has turned "true" into true.
    const allowUnpinned = v.allowUnpinnedImages === true;
    if (allowUnpinned && isProd) {
        problem(r, ["allowUnpinnedImages"], "prod never deploys `latest` or tagless images; run `{config} rm allowUnpinnedImages`");
    }
    if (v.services !== undefined && secret("services")) {
        problem(
            r,
            ["services"],
            "holds a secret value, which would reach containers as a plain variable; move it under secretEnv with `{config} set --secret --path 'secretEnv.<service>.<VAR>'`",
        );
    }
    if (v.secretEnv !== undefined && !secret("secretEnv")) {
        problem(r, ["secretEnv"], "is stored in plain text; set each value with `{config} set --secret --path 'secretEnv.<service>.<VAR>'`");
    }
    for (const where of ["services", "secretEnv"] as const) {
        const obj = v[where];
        if (!isPlainObject(obj)) continue;
        for (const name of Object.keys(obj)) {
            if (!isServiceName(name))
                problem(r, [where, name], `unknown service; the services are ${serviceNames.join(", ")}${suggestion(name, serviceNames)}`);
        }
    }
    const services = isPlainObject(v.services) ? v.services : {};
    for (const name of serviceNames) {
        const s = services[name];
        if (!isPlainObject(s)) continue;
        checkServiceImage(r, name, s.image, { isProd, allowUnpinned: allowUnpinned && !isProd });
        if (isPlainObject(s.env)) {
            for (const variable of Object.keys(s.env).filter(isCredentialVar)) {
                problem(
                    r,
                    ["services", name, "env", variable],
                    `carries a credential; set it as a secret with \`{config} set --secret --path 'secretEnv.${name}.${variable}'\`, then \`{config} rm --path '{key}'\` (plain variables are stored and shown in clear)`,
                );
            }
        }
    }
    if (v.platform === "gcp") gcpPlatformRules(v, r);
    if (isProd) prodCorsRules(v, r);
    if (isProd) {
        for (const name of serviceNames) {
            const s = services[name];
            if (!isPlainObject(s) || s.image === undefined) {
                problem(
                    r,
                    ["services", name, "image"],
                    `prod runs real images only; run \`{config} set --path 'services.${name}.image' <registry>/${name}:<version>\``,
                );
            }
        }
    }
    if (v.slackWebhookUrl !== undefined && !secret("slackWebhookUrl")) {
        problem(r, ["slackWebhookUrl"], "is stored in plain text; run `{config} set --secret slackWebhookUrl`");
    }
    if (v.deadMansSwitchUrl !== undefined && !secret("deadMansSwitchUrl")) {
        problem(r, ["deadMansSwitchUrl"], "is stored in plain text; run `{config} set --secret deadMansSwitchUrl`");
    }
    if (v.backupOffsiteCredentials !== undefined && !secret("backupOffsiteCredentials")) {
        problem(r, ["backupOffsiteCredentials"], "is stored in plain text; run `{config} set --secret backupOffsiteCredentials`");
    }
    const offsite = isPlainObject(v.backup) ? (v.backup as Record<string, unknown>).offsite : undefined;
    if (isPlainObject(offsite) && offsite.kind === "s3" && v.backupOffsiteCredentials === undefined) {
        problem(
            r,
            ["backupOffsiteCredentials"],
            "backup.offsite is an s3:// bucket but no credentials are set; run `{config} set --secret backupOffsiteCredentials`",
        );
    }
    if (v.dockerHubToken !== undefined && !secret("dockerHubToken")) {
        problem(r, ["dockerHubToken"], "is stored in plain text; run `{config} set --secret dockerHubToken`");
    }
    if (v.dockerHubUsername !== undefined && v.dockerHubToken === undefined) {
        problem(r, ["dockerHubToken"], "dockerHubUsername is set but its token is not; run `{config} set --secret dockerHubToken`");
    }
    if (v.dockerHubToken !== undefined && v.dockerHubUsername === undefined) {
        problem(r, ["dockerHubUsername"], "dockerHubToken is set but the account is not; run `{config} set dockerHubUsername <user>`");
    }
    if (v.registryPassword !== undefined && !secret("registryPassword")) {
        problem(r, ["registryPassword"], "is stored in plain text; run `{config} set --secret registryPassword`");
    }
    if (v.platform === "gcp" && v.gcp === undefined) {
        problem(r, ["gcp"], "platform gcp needs the Google Cloud settings; start with `{config} set --path gcp.project <project-id>`");
    }
    if (v.platform === "gcp" && isPlainObject(v.gcp)) gcpCrossFieldRules(v, v.gcp, r);
    if (v.platform === "gcp") cloudRunCrossFieldRules(v, typeof v.environment === "string" ? v.environment : ctx.stack, r);
    for (const name of secretNames) {
        const value = v[name];
        if (value === undefined) continue;
        if (!secret(name)) {
            problem(r, [name], `is stored in plain text; run \`{config} set --secret ${name}\` (or \`{config} rm ${name}\` to let the program generate it)`);
        }
        const rotation = isPlainObject(v.rotations) ? Number(v.rotations[name] ?? 0) : 0;
        if (rotation > 0) {
            problem(
                r,
                ["rotations", name],
                `${name} is set by hand, so the program does not generate it and this counter would change nothing; rotate it by setting a new value with \`{config} set --secret ${name}\`, or \`{config} rm ${name}\` to let the program generate it`,
            );
        }
        const spec: SecretSpec = secretCatalog[name];
        if (spec.noWhitespace && typeof value === "string" && /\s/.test(value)) {
            problem(r, [name], `contains whitespace; ${spec.noWhitespace}. Set another value, or \`{config} rm ${name}\` to generate one`);
        }
        const { minLength } = spec;
        if (typeof value === "string" && value.length < minLength) {
            problem(
                r,
                [name],
                `is ${value.length} characters long; it must have at least ${minLength}. Set a stronger value, or \`{config} rm ${name}\` to generate one`,
            );
        }
    }
}

function checkServiceImage(r: z.RefinementCtx, service: string, value: unknown, opts: { isProd: boolean; allowUnpinned: boolean }): void {
    if (typeof value !== "string") return;
    const path = ["services", service, "image"];
    const ref = parseImageRef(value);
    if (!ref) {
        problem(r, path, `${show(value)} is not a valid image reference; expected [registry/]repository:tag or repository@sha256:<digest>`);
    } else if (!opts.allowUnpinned && !isPinned(ref)) {
        const escape = opts.isProd
            ? "; prod always needs one (allowUnpinnedImages does not apply to prod)"
            : "; or, to try it on this non-prod stack, `{config} set allowUnpinnedImages true`";
        problem(r, path, `${show(value)} is not pinned; give an explicit version tag (not latest) or a digest${escape}`);
    } else if (opts.isProd && movingTag(ref)) {
        problem(
            r,
            path,
            `${show(value)} has the moving tag \`${movingTag(ref)}\`, which is moved to newer images; prod needs an exact version tag such as 1.4.2, or a digest (@sha256:…)`,
        );
    }
}
