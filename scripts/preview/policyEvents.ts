// The policy pack's findings in a real preview. `pulumi preview --json` leaves policy events out of
// its digest (pulumi/pulumi v3.248.0 pkg/backend/display/json.go ShowPreviewDigest: "we don't handle
// policy events in JSON serialization"), so the workflow also writes the engine's event log
// (`--event-log <file>`, enabled by PULUMI_DEBUG_COMMANDS=true as the Automation API does): one
// apitype.EngineEvent per line (sdk/go/common/apitype/events.go). A `policyEvent` is one violation:
// resourceUrn, policyName, policyPackName, enforcementLevel ("advisory" or "mandatory") and a
// message made by pkg/engine/events.go policyViolationEvent, with colour tags (`<{%reset%}>`) around
// the pack's text, which is "<policy description>\n<finding>" (@pulumi/policy server.ts).

import * as fs from "fs";
import { ResourceChange } from "./previewJson";
import { CREDENTIAL_PROPERTY, MARKING_CHECK, markingMessage, plainCredentialNames } from "./plainCredentials";

export interface PolicyViolation {
    policy: string;
    level: "mandatory" | "advisory";
    urn?: string;
    /** The finding, without the policy's description and colour tags. */
    message: string;
}

export interface PolicyResult {
    /** Whether the pack ran (a policy event of any kind is in the log). */
    evaluated: boolean;
    violations: PolicyViolation[];
}

const COLOR_TAG = /<\{%[^%]*%\}>/g;

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Violations of an event log's text; lines that are not JSON events are an error (a wrong file). */
export function parsePolicyEvents(text: string, file = "event log"): PolicyResult {
    const result: PolicyResult = { evaluated: false, violations: [] };
    text.split("\n").forEach((line, i) => {
        if (!line.trim()) return;
        let event: unknown;
        try {
            event = JSON.parse(line);
        } catch {
            throw new Error(`${file}:${i + 1} is not an engine event (JSON per line, as \`pulumi preview --event-log\` writes)`);
        }
        if (!isObject(event)) throw new Error(`${file}:${i + 1} is not an engine event`);
        if (Object.keys(event).some((k) => /^policy[A-Z]\w*Event$/.test(k))) result.evaluated = true;
        const p = event.policyEvent;
        if (!isObject(p)) return;
        const lines = String(p.message ?? "")
            .replace(COLOR_TAG, "")
            .trim()
            .split("\n");
        result.violations.push({
            policy: String(p.policyName),
            level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            urn: typeof p.resourceUrn === "string" && p.resourceUrn ? p.resourceUrn : undefined,
            // The first line repeats the policy's description; the finding follows.
            message: (lines.length > 1 ? lines.slice(1) : lines).join(" ").trim(),
        });
    });
    return result;
}

export function readPolicyEvents(file: string | undefined): PolicyResult {
    if (file === undefined || !fs.existsSync(file)) return { evaluated: false, violations: [] };
    return parsePolicyEvents(fs.readFileSync(file, "utf8"), file);
}

/** Containers and commands the preview would store with credentials in plain text (plainCredentials.ts). */
export function markingViolations(changes: ResourceChange[]): PolicyViolation[] {
    const found: PolicyViolation[] = [];
    for (const c of changes) {
        const property = CREDENTIAL_PROPERTY[c.type];
        if (!property || c.change === "delete") continue;
        const names = plainCredentialNames(c.newState?.inputs?.[property], (v) => v === "[secret]");
        if (names.length) found.push({ policy: MARKING_CHECK, level: "mandatory", urn: c.urn, message: markingMessage(c.name, property, names) });
    }
    return found;
}
