// A service's release step (`services.<service>.migrationCommand`), as both the stack config and
// the Cloud Run capacity check read it: one rule for "this service runs a migration job".

export const DEFAULT_MIGRATION = ["alembic", "upgrade", "head"];

/** A service's release step: none for the stand-in (no image), or when switched off with false, null or []. */
export function releaseStep(image: unknown, m: unknown): string[] | undefined {
    if (image === undefined || m === false || m === null || (Array.isArray(m) && m.length === 0)) return undefined;
    return (m as string[] | undefined) ?? DEFAULT_MIGRATION;
}
