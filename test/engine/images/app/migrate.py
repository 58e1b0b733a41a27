"""The test app's release step: an idempotent schema migration recorded in alembic_version."""
import os

import psycopg2

VERSION = os.environ.get("MIGRATION_VERSION", "0001_initial")
with psycopg2.connect(os.environ["DATABASE_URL"]) as db, db.cursor() as cur:
    cur.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) PRIMARY KEY)")
    cur.execute("CREATE TABLE IF NOT EXISTS productos (id serial PRIMARY KEY, nombre text NOT NULL)")
    cur.execute("DELETE FROM alembic_version")
    cur.execute("INSERT INTO alembic_version VALUES (%s)", (VERSION,))
    cur.execute("INSERT INTO productos (nombre) VALUES ('yerba'), ('dulce de leche')")
print("migrated to", VERSION)
