// The role SQL that psql runs on every deploy: quoting must make any password or name safe, and
// the script must stop at the first error inside one transaction.

import { expect } from "chai";
import { BACKUP_CONNECTION_LIMIT, BACKUP_ROLE, backupRoleSql } from "../../renderers/data/backupRoleSql";
import { roleSyncSql, sqlIdent, sqlLiteral } from "../../renderers/data/roleSql";

/** The statements between BEGIN and COMMIT, checking the frame around them. */
function body(sql: string): string[] {
    expect(sql.endsWith("\n"), "ends with a newline").to.be.true;
    const lines = sql.trimEnd().split("\n");
    expect(lines.slice(0, 2)).to.deep.equal(["\\set ON_ERROR_STOP on", "BEGIN;"]);
    expect(lines[lines.length - 1]).to.equal("COMMIT;");
    return lines.slice(2, -1);
}

describe("unit: sqlLiteral and sqlIdent", () => {
    it("quote a literal by doubling single quotes, leaving everything else as is", () => {
        expect(sqlLiteral("plain")).to.equal("'plain'");
        expect(sqlLiteral("it's a 'test'")).to.equal("'it''s a ''test'''");
        expect(sqlLiteral(`a"b\\c$$;--`)).to.equal(`'a"b\\c$$;--'`);
        expect(sqlLiteral("")).to.equal("''");
    });

    it("refuse a NUL character, which PostgreSQL strings cannot hold", () => {
        expect(() => sqlLiteral("a\0b")).to.throw(/NUL/);
    });

    it("quote an identifier by doubling double quotes", () => {
        expect(sqlIdent("minimarket_app")).to.equal('"minimarket_app"');
        expect(sqlIdent('we"ird"')).to.equal('"we""ird"""');
        expect(sqlIdent("it's")).to.equal(`"it's"`);
    });
});

describe("unit: roleSyncSql", () => {
    it("creates each missing role, then sets its password, inside one transaction", () => {
        const lines = body(roleSyncSql("minimarket", [{ name: "app", password: "p'w" }]));
        expect(lines).to.deep.equal([
            SCRAM,
            `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN CREATE ROLE "app" LOGIN; END IF; END $do$;`,
            `ALTER ROLE "app" WITH LOGIN PASSWORD 'p''w';`,
        ]);
    });

    it("grants the listed built-in roles and hands over the database and public schema to the owner", () => {
        const lines = body(
            roleSyncSql("mini market", [
                { name: "owner", password: "x", ownsDatabase: true },
                { name: "monitor", password: "y", memberOf: ["pg_monitor", "pg_read_all_stats"] },
            ]),
        );
        expect(lines).to.include('ALTER DATABASE "mini market" OWNER TO "owner";');
        expect(lines).to.include('ALTER SCHEMA public OWNER TO "owner";');
        expect(lines).to.include('GRANT "pg_monitor" TO "monitor";');
        expect(lines).to.include('GRANT "pg_read_all_stats" TO "monitor";');
        expect(lines.filter((l) => l.includes("OWNER TO"))).to.have.length(2);
        expect(lines.filter((l) => l.startsWith("GRANT"))).to.have.length(2);
    });

    it("with no roles is an empty transaction", () => {
        expect(body(roleSyncSql("db", []))).to.deep.equal([SCRAM]);
    });
});

/** Every role script sets the hash for the passwords it writes, whatever the server's default. */
const SCRAM = "SET LOCAL password_encryption = 'scram-sha-256';";

describe("unit: backupRoleSql", () => {
    it("makes a login role that can read everything and nothing more", () => {
        const lines = body(backupRoleSql("minimarket", "s3cr'et"));
        expect(BACKUP_ROLE).to.equal("minimarket_backup");
        expect(lines[0]).to.equal(SCRAM);
        expect(lines[1]).to.equal(
            `DO $do$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'minimarket_backup') THEN CREATE ROLE "minimarket_backup" LOGIN; END IF; END $do$;`,
        );
        expect(lines[2]).to.equal(
            `ALTER ROLE "minimarket_backup" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT ${BACKUP_CONNECTION_LIMIT} PASSWORD 's3cr''et';`,
        );
        expect(BACKUP_CONNECTION_LIMIT).to.equal(3);
        expect(lines).to.include('GRANT pg_read_all_data TO "minimarket_backup";');
        expect(lines).to.include('GRANT CONNECT ON DATABASE "minimarket" TO "minimarket_backup";');
        expect(lines).to.include('ALTER ROLE "minimarket_backup" SET default_transaction_read_only = on;');
        expect(lines).to.have.length(6);
    });

    it("takes another role name, quoted", () => {
        const other = body(backupRoleSql("db", "pw", 'bk"1'));
        expect(other[1]).to.include(`rolname = 'bk"1'`).and.include('CREATE ROLE "bk""1" LOGIN');
        expect(other.every((l) => !l.includes("minimarket_backup"))).to.be.true;
    });
});
