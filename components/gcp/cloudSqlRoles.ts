// What Cloud SQL's API cannot be trusted to say: which roles the logins really have. Run with psql
// from a container on the VM's data network (Cloud SQL has a private IP only), as each login itself.

import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { PostgresConnection } from "../data/connections";
import { DockerPlatform } from "../docker/platform";
import { shellCommand, shellQuote } from "../../renderers/shell";
import { ROLES } from "../../facts/endpoints";

/** The second login of the application (blue/green credentials); its sessions act as ROLES.app. */
export const APP_GREEN = `${ROLES.app}_green`;
/** The only role the monitoring login may be a member of. */
export const MONITOR_MEMBERSHIPS = ["pg_monitor"];

export interface RoleScriptOptions {
    host: string;
    port: number;
    database: string;
    /** The login the apps use now: ROLES.app (blue) or APP_GREEN. */
    appUser: string;
    monitorUser: string;
}

/**
 * Shell run in a postgres image with APP_PASSWORD and MONITOR_PASSWORD in its environment:
 * 1. as the green login (when it is the active one): its sessions switch to ROLES.app, so every
 *    object a migration creates is owned by ROLES.app, whichever login ran it;
 * 2. as the monitoring login: its memberships are exactly pg_monitor, or the deploy fails.
 */
export function cloudSqlRoleScript(o: RoleScriptOptions): string {
    const conn = (user: string) => shellQuote(`host=${o.host} port=${o.port} dbname=${o.database} user=${user} sslmode=require connect_timeout=10`);
    const psql = (user: string, password: string, sql: string) =>
        `PGPASSWORD="$${password}" psql -X -q -t -A -v ON_ERROR_STOP=1 ${conn(user)} -c ${shellQuote(sql)}`;
    const memberships =
        "SELECT coalesce(string_agg(g.rolname, ',' ORDER BY g.rolname), '') FROM pg_auth_members m " +
        "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)";
    const lines = ["set -eu"];
    if (o.appUser !== ROLES.app) {
        lines.push(
            psql(o.appUser, "APP_PASSWORD", `ALTER ROLE CURRENT_USER SET role = '${ROLES.app}'`),
            `acting=$(${psql(o.appUser, "APP_PASSWORD", "SELECT current_user")})`,
            `[ "$acting" = ${shellQuote(ROLES.app)} ] || { echo "${o.appUser} acts as $acting, not ${ROLES.app}" >&2; exit 1; }`,
        );
    }
    lines.push(
        `has=$(${psql(o.monitorUser, "MONITOR_PASSWORD", memberships)})`,
        `if [ "$has" != ${shellQuote(MONITOR_MEMBERSHIPS.join(","))} ]; then`,
        `  echo "${o.monitorUser} is a member of [$has], expected [${MONITOR_MEMBERSHIPS.join(",")}]; ` +
            `replace the user so Cloud SQL creates it with only these roles: pulumi up --replace <urn of the postgres-monitor sql User>" >&2`,
        "  exit 1",
        "fi",
        `echo "${o.monitorUser}: $has"`,
    );
    return lines.join("\n");
}

export interface CloudSqlRolesArgs {
    platform: DockerPlatform;
    /** A PostgreSQL image with psql, already used by the program. */
    image: string;
    app: PostgresConnection;
    monitor: PostgresConnection;
    /** Values whose change must re-run the checks (the instance, the monitor's roles). */
    triggers: pulumi.Input<string>[];
}

/** Runs cloudSqlRoleScript once the users exist, and again whenever a user or the active login changes. */
export class CloudSqlRoles extends pulumi.ComponentResource {
    readonly step: command.local.Command;

    constructor(name: string, args: CloudSqlRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("minimarket:gcp:CloudSqlRoles", name, {}, opts);
        const { platform, app, monitor } = args;
        const image = platform.image(args.image);
        const script = cloudSqlRoleScript({ host: app.host, port: app.port, database: app.database, appUser: app.user, monitorUser: monitor.user });
        this.step = new command.local.Command(
            name,
            {
                create: platform.dataNetwork.name.apply((network) =>
                    shellCommand([
                        "docker",
                        "run",
                        "--rm",
                        "--network",
                        network,
                        "-e",
                        "APP_PASSWORD",
                        "-e",
                        "MONITOR_PASSWORD",
                        args.image,
                        "sh",
                        "-c",
                        script,
                    ]),
                ),
                environment: pulumi.secret(
                    platform.cliEnvironment(pulumi.all([app.password, monitor.password]).apply(([a, m]) => ({ APP_PASSWORD: a, MONITOR_PASSWORD: m }))),
                ),
                logging: "none",
                // Any other input change (a rotated password, the active login) re-runs it as an update.
                triggers: args.triggers,
            },
            { parent: this, dependsOn: [...app.ready, ...monitor.ready, image], additionalSecretOutputs: ["environment", "stdout", "stderr"] },
        );
        this.registerOutputs({});
    }
}
