/**
 * Alert rules of the staging backups and restore drills, as data, plus their rule file. Pure: no
 * Pulumi resources. Same shape and runbook links as renderers/observability/rules.ts; the
 * metrics come from the backup container's textfile-collector files, read by node-exporter.
 */
import { BACKUP_METRICS as METRIC } from "../../facts/telemetry";
import { absentOnceScraping } from "./promql";
import { AlertRule, DEFAULT_RUNBOOK_BASE_URL, RuleGroup, runbookUrl } from "./rules";
import { toYaml } from "./yaml";

export const BACKUP_RULES_FILE = "backups.yml";
export const BACKUP_ALERT_NAMES = ["BackupStale", "BackupFailed", "RestoreDrillFailed", "RestoreDrillStale"] as const;

export interface BackupRuleOptions {
    /** No good backup for longer than this fires BackupStale. Default 26 (daily backups + 2h). */
    staleAfterHours?: number;
    /** No successful drill for longer than this fires RestoreDrillStale. Default 50 (two missed daily drills). */
    drillStaleAfterHours?: number;
    runbookBaseUrl?: string;
}

/** The staleness thresholds that follow from a schedule: one interval plus a margin for a slow run. */
export function staleThresholds(backupIntervalHours: number, drillIntervalHours: number): Required<Omit<BackupRuleOptions, "runbookBaseUrl">> {
    return { staleAfterHours: backupIntervalHours + 2, drillStaleAfterHours: 2 * drillIntervalHours + 2 };
}

const labels = (severity: AlertRule["labels"]["severity"]) => ({ severity, category: "backup", service: "postgres" });

export function backupAlertRules(options: BackupRuleOptions = {}): AlertRule[] {
    const stale = options.staleAfterHours ?? 26;
    const drillStale = options.drillStaleAfterHours ?? 50;
    const base = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
    const rule = (r: Omit<AlertRule, "annotations"> & { summary: string; description: string }): AlertRule => ({
        alert: r.alert,
        expr: r.expr,
        for: r.for,
        labels: r.labels,
        annotations: { summary: r.summary, description: r.description, runbook_url: runbookUrl(r.alert, base) },
    });
    return [
        rule({
            alert: "BackupStale",
            // absent(): the container never succeeded, or node-exporter no longer reads its files.
            expr: `time() - ${METRIC.lastSuccess} > ${stale * 3600}\nor ${absentOnceScraping(METRIC.lastSuccess)}`,
            for: "15m",
            labels: labels("critical"),
            summary: `No good PostgreSQL backup in the last ${stale}h`,
            description:
                `The newest verified backup of the stack's PostgreSQL is older than ${stale} hours, or no backup metrics exist ` +
                "at all. A restore now would lose everything written since; the recovery point objective is not met.",
        }),
        rule({
            alert: "BackupFailed",
            expr: `${METRIC.lastStatus} == 0`,
            for: "5m",
            labels: labels("high"),
            summary: "The last PostgreSQL backup attempt failed",
            description:
                "The backup container's last run of pg_dump, its check or its manifest failed; no new backup was kept. The previous backups are untouched.",
        }),
        rule({
            alert: "RestoreDrillFailed",
            expr: `${METRIC.drillLastStatus} == 0`,
            for: "5m",
            labels: labels("high"),
            summary: "The last restore drill failed",
            description:
                "Restoring the latest backup into a throwaway PostgreSQL, or checking its tables, row counts or migration version, failed: the backups may not restore.",
        }),
        rule({
            alert: "RestoreDrillStale",
            expr: `time() - ${METRIC.drillLastSuccess} > ${drillStale * 3600}\nor ${absentOnceScraping(METRIC.drillLastSuccess)}`,
            for: "30m",
            labels: labels("medium"),
            summary: `No successful restore drill in the last ${drillStale}h`,
            description: `No restore drill has succeeded for more than ${drillStale} hours (or none has run): nobody knows whether the backups restore.`,
        }),
    ];
}

export function backupAlertRuleGroup(options: BackupRuleOptions = {}): RuleGroup<AlertRule> {
    return { name: "minimarket-backups", rules: backupAlertRules(options) };
}

/** The rule file, by name, for Prometheus' rules directory next to alerts.yml. */
export function renderBackupRuleFile(options: BackupRuleOptions = {}): Record<string, string> {
    return { [BACKUP_RULES_FILE]: toYaml({ groups: [backupAlertRuleGroup(options)] }) };
}
