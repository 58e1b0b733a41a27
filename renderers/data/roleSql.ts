// SQL that makes the database's roles match the stack's secrets. PostgreSQL reads
// POSTGRES_PASSWORD only when its volume is first initialised, so passwords are set here instead,
// on every deploy that changes them: a rotation then really changes the running database.

/** A standard-conforming SQL string literal: any character is safe inside it. */
export function sqlLiteral(value: string): string {
    if (value.includes("\0")) throw new Error("a PostgreSQL string cannot contain a NUL character");
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Inside a transaction that sets passwords: stores SCRAM verifiers whatever the server's or the
 * session's default, since the scram-sha-256 host rule cannot check an md5 hash.
 */
export const SCRAM_PASSWORDS = "SET LOCAL password_encryption = 'scram-sha-256';";

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

export interface RoleSpec {
    name: string;
    password: string;
    /** Built-in roles to grant, e.g. `pg_monitor` for the metrics exporter. */
    memberOf?: string[];
    /** Owns the application database (the schema migrations run as this role). */
    ownsDatabase?: boolean;
}

/**
 * Idempotent: creates missing roles, sets every password, and fixes ownership. Runs in one
 * transaction, so a failure leaves the previous passwords in place.
 */
export function roleSyncSql(database: string, roles: RoleSpec[]): string {
    const lines = ["\\set ON_ERROR_STOP on", "BEGIN;", SCRAM_PASSWORDS];
    for (const role of roles) {
        const ident = sqlIdent(role.name);
        lines.push(
            `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role.name)}) THEN CREATE ROLE ${ident} LOGIN; END IF; END $do$;`,
            `ALTER ROLE ${ident} WITH LOGIN PASSWORD ${sqlLiteral(role.password)};`,
        );
        for (const member of role.memberOf ?? []) lines.push(`GRANT ${sqlIdent(member)} TO ${ident};`);
        if (role.ownsDatabase) {
            lines.push(`ALTER DATABASE ${sqlIdent(database)} OWNER TO ${ident};`, `ALTER SCHEMA public OWNER TO ${ident};`);
        }
    }
    lines.push("COMMIT;");
    return lines.join("\n") + "\n";
}
