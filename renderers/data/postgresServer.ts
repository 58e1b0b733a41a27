// How the PostgreSQL container is initialised, started and given its roles, kept apart from the
// container resource so the tests run exactly this against a real PostgreSQL server.

import { DATABASE, ROLES } from "../../facts/endpoints";
import { backupRoleSql } from "./backupRoleSql";
import { roleSyncSql } from "./roleSql";

export const SUPERUSER = ROLES.superuser;

/** initdb (first start on an empty volume): passwords over TCP, trust on the container's own socket. */
export const POSTGRES_INITDB_ARGS = ["--auth-host=scram-sha-256", "--auth-local=trust"];

/** The image appends `host all all all <method>` to pg_hba.conf on initialisation. */
export const POSTGRES_HOST_AUTH_METHOD = "scram-sha-256";

/**
 * Server settings, given on the command line so they hold on every start, also on a volume
 * initialised by an older image: every password is stored as a SCRAM verifier, which the
 * scram-sha-256 host rule requires (an md5 hash could not log in over TCP).
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = { password_encryption: "scram-sha-256" };

/**
 * Size of /dev/shm, in MB, of every container that runs a PostgreSQL server: the database and the
 * backup container (its restore drill starts a server of its own). PostgreSQL keeps its dynamic
 * shared memory there (parallel queries, large sorts, pg_restore's parallel index builds); Docker's
 * default of 64 MB fails them with "could not resize shared memory segment ... No space left on
 * device". The image's documentation asks for more (docker-library/docs postgres/content.md at
 * c4a9ba41: "You will want to pass `--shm-size=256MB`"). The pages count toward the container's
 * memory limit only while used.
 */
export const POSTGRES_SHM_MB = 256;

/** The container command; the image's entrypoint passes the same arguments to its init-time server. */
export function postgresCommand(settings: Readonly<Record<string, string>> = POSTGRES_SETTINGS): string[] {
    return ["postgres", ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
}

/** The container's environment; the image reads it only when the volume is first initialised. */
export function postgresEnv(adminPassword: string): Record<string, string> {
    return {
        POSTGRES_USER: SUPERUSER,
        // rolesSql keeps it current afterwards.
        POSTGRES_PASSWORD: adminPassword,
        POSTGRES_DB: DATABASE,
        POSTGRES_INITDB_ARGS: POSTGRES_INITDB_ARGS.join(" "),
        POSTGRES_HOST_AUTH_METHOD,
    };
}

export interface DatabasePasswords {
    /** The application role: owns the database; the apps and their migrations. */
    app: string;
    /** The superuser. */
    admin: string;
    /** The monitoring role of postgres-exporter. */
    monitor: string;
    /** The backup container's read-only role. */
    backup: string;
}

/** Everything the role step runs: each role with its own password, ownership, memberships. */
export function rolesSql(p: DatabasePasswords): string {
    return (
        roleSyncSql(DATABASE, [
            { name: SUPERUSER, password: p.admin },
            { name: ROLES.app, password: p.app, ownsDatabase: true },
            { name: ROLES.monitor, password: p.monitor, memberOf: ["pg_monitor"] },
        ]) + backupRoleSql(DATABASE, p.backup)
    );
}

/**
 * The container's health probe: pg_isready over TCP to 127.0.0.1, the real server's address
 * (the image's postgresql.conf says listen_addresses = '*'). On an empty volume the image's
 * entrypoint first runs a temporary server with listen_addresses='' (socket only:
 * docker-library/postgres 17/bookworm/docker-entrypoint.sh docker_temp_server_start) to create the
 * database and run init scripts, then stops it; a probe over the socket would call that one healthy.
 */
export function postgresHealthcheck(): string[] {
    return ["CMD", "pg_isready", "-U", SUPERUSER, "-d", DATABASE, "-h", "127.0.0.1"];
}

/**
 * psql inside the container as the superuser, over the local socket (trusted: no password needed),
 * with the SQL on stdin so no password is ever an argument.
 */
export const ROLES_PSQL = ["psql", "-q", "-U", SUPERUSER, "-d", DATABASE];
