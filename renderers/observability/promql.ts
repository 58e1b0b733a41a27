// PromQL pieces the rule files share. Pure.
import { CADVISOR_SERVICE_LABEL } from "../../facts/telemetry";

/** Copies the Docker service label of a cAdvisor series into `service`, for inhibition and routing. */
export function withServiceLabel(expr: string): string {
    return `label_replace(${expr}, "service", "$1", "${CADVISOR_SERVICE_LABEL}", "(.+)")`;
}

/**
 * `absent(expr)` once this Prometheus has been scraping for 5 minutes (it has `up` samples from
 * then). A fresh one evaluates its rules before its first scrapes: every series would be absent
 * for a moment and a new stack would start with pending alerts (seen by the engine tests' quiet
 * window). A restarted one keeps its data and sees absence at once.
 */
export function absentOnceScraping(expr: string): string {
    return `(absent(${expr}) and on() count(up offset 5m) > 0)`;
}
