// The backups panel of the system-overview dashboard: age of the newest good backup and of the
// last successful restore drill (coloured against the alert thresholds), the backup's size and
// how long backup and drill took. A builder for systemOverviewDashboard()'s panel list.
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as units from "@grafana/grafana-foundation-sdk/units";
import { BACKUP_METRICS as METRIC } from "../../../facts/telemetry";
import { COLORS, lastValue, thresholds, withBasics } from "./common";

export interface BackupPanelOptions {
    /** BackupStale's threshold, hours (default 26). */
    staleAfterHours?: number;
    /** RestoreDrillStale's threshold, hours (default 50). */
    drillStaleAfterHours?: number;
}

export const BACKUP_PANEL_TITLE = "Backups";

export function backupPanel(options: BackupPanelOptions = {}): stat.PanelBuilder {
    const stale = (options.staleAfterHours ?? 26) * 3600;
    const drillStale = (options.drillStaleAfterHours ?? 50) * 3600;
    const ageColours = (limit: number) => [
        { id: "unit", value: units.Seconds },
        { id: "thresholds", value: thresholds(COLORS.ok, [limit * 0.9, COLORS.warn], [limit, COLORS.bad]).build() },
    ];
    return (
        withBasics(new stat.PanelBuilder(), {
            title: BACKUP_PANEL_TITLE,
            description:
                `Age of the newest verified PostgreSQL backup (BackupStale at ${stale / 3600}h) and of the last successful ` +
                `restore drill (RestoreDrillStale at ${drillStale / 3600}h); size and duration of the newest backup; duration of the last drill.`,
            queries: [
                { expr: `time() - max(${METRIC.lastSuccess})`, legend: "backup age", instant: true },
                { expr: `time() - max(${METRIC.drillLastSuccess})`, legend: "drill age", instant: true },
                { expr: `max(${METRIC.lastSize})`, legend: "backup size", instant: true },
                { expr: `max(${METRIC.lastDuration})`, legend: "backup took", instant: true },
                { expr: `max(${METRIC.drillDuration})`, legend: "drill took", instant: true },
            ],
            width: 24,
            height: 4,
        })
            .unit(units.Seconds)
            .noValue("no data: see BackupStale")
            // Size and durations have no limit: one neutral colour, not Grafana's default red from 80.
            .thresholds(thresholds(COLORS.neutral))
            .overrideByQuery("A", ageColours(stale))
            .overrideByQuery("B", ageColours(drillStale))
            .overrideByQuery("C", [{ id: "unit", value: units.BytesIEC }])
            .colorMode(common.BigValueColorMode.Value)
            .graphMode(common.BigValueGraphMode.None)
            .reduceOptions(lastValue())
    );
}
