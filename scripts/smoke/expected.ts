// What a healthy stack must show, taken from the modules that render its config, so that the
// smoke checks follow the program instead of a copy of it.
import { ALERT_NAMES, JOBS, RECEIVERS, RECORD, ScrapeTargets } from "../../renderers/observability";
import { BUSINESS_KPIS_UID, DASHBOARD_FOLDER, ML_SERVICE_UID, PERFORMANCE_UID, SYSTEM_OVERVIEW_UID } from "../../renderers/observability";
import { scrapeTargets } from "../../renderers/observability";

export interface ScrapeExpectation {
    job: string;
    /** For the apps job: the `service` label of the target. */
    service?: string;
}

export interface Expected {
    scrapeTargets: ScrapeExpectation[];
    alertRules: string[];
    recordingRules: string[];
    receivers: string[];
    dashboards: string[];
    dashboardFolder: string;
}

/** Every job (and app service) Prometheus is configured to scrape. */
export function expectedScrapeTargets(targets: ScrapeTargets = scrapeTargets()): ScrapeExpectation[] {
    const result: ScrapeExpectation[] = targets.apps.map((a) => ({ job: JOBS.apps, service: a.service }));
    for (const key of Object.keys(JOBS) as Array<keyof typeof JOBS>) {
        if (key !== "apps" && targets[key]) result.push({ job: JOBS[key] });
    }
    return result;
}

export function expectedFacts(): Expected {
    return {
        scrapeTargets: expectedScrapeTargets(),
        alertRules: [...ALERT_NAMES],
        recordingRules: Object.values(RECORD),
        receivers: Object.values(RECEIVERS),
        dashboards: [SYSTEM_OVERVIEW_UID, BUSINESS_KPIS_UID, PERFORMANCE_UID, ML_SERVICE_UID],
        dashboardFolder: DASHBOARD_FOLDER,
    };
}
