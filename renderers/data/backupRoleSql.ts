// The role the backup container connects as: it can read every table, sequence and schema (the
// built-in pg_read_all_data, PostgreSQL 14+) and nothing else. Pure: SQL text only.
import { ROLES } from "../../facts/endpoints";
import { SCRAM_PASSWORDS, sqlIdent, sqlLiteral } from "./roleSql";

export const BACKUP_ROLE = ROLES.backup;
/** pg_dump needs one connection; the restore drill none (it restores locally). Room for a manual run. */
export const BACKUP_CONNECTION_LIMIT = 3;

/**
 * Idempotent SQL (psql, as the superuser) that creates or updates the backup role: LOGIN with
 * the given password, no superuser / createdb / createrole / replication / bypassrls, member of
 * pg_read_all_data, read-only by default. Without BYPASSRLS a table with row-level security
 * makes pg_dump fail loudly (a failed backup, alerted) instead of silently skipping rows.
 */
export function backupRoleSql(database: string, password: string, role: string = BACKUP_ROLE): string {
    const ident = sqlIdent(role);
    return (
        [
            "\\set ON_ERROR_STOP on",
            "BEGIN;",
            SCRAM_PASSWORDS,
            `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE ${ident} LOGIN; END IF; END $do$;`,
            `ALTER ROLE ${ident} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT ` +
                `CONNECTION LIMIT ${BACKUP_CONNECTION_LIMIT} PASSWORD ${sqlLiteral(password)};`,
            `GRANT pg_read_all_data TO ${ident};`,
            `GRANT CONNECT ON DATABASE ${sqlIdent(database)} TO ${ident};`,
            // Defence in depth: even a mistaken statement in its session cannot write.
            `ALTER ROLE ${ident} SET default_transaction_read_only = on;`,
            "COMMIT;",
        ].join("\n") + "\n"
    );
}
