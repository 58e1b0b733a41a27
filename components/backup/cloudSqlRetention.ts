import * as gcp from "@pulumi/gcp";

/**
 * Fields of the Cloud SQL instance's `settings` that keep its backups when the instance is
 * deleted (by mistake, or by a replacement): Google otherwise drops every automated backup with
 * the instance and keeps the data only 4 days, recoverable through support. Merged into the
 * settings of components/gcp/cloudSql.ts (`...cloudSqlBackupRetention(days)`).
 */
export function cloudSqlBackupRetention(
    finalBackupRetentionDays: number,
): Pick<gcp.types.input.sql.DatabaseInstanceSettings, "retainBackupsOnDelete" | "finalBackupConfig"> {
    return {
        // Automated backups stay for their normal retention (backupRetentionDays) after deletion.
        retainBackupsOnDelete: true,
        // One more backup at deletion time: the newest state, which PITR logs cannot give any more.
        finalBackupConfig: { enabled: true, retentionDays: finalBackupRetentionDays },
    };
}
