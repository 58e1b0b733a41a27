// One comment per pull request, updated in place: found again by the hidden marker, through the
// GitHub REST API (issue comments: GET/POST /repos/{repo}/issues/{n}/comments, PATCH
// /repos/{repo}/issues/comments/{id}). A pull request without changes (and without a failed preview
// or a policy finding) gets no comment, unless an earlier one exists: that one is updated to say
// "no changes". A failed preview's comment replaces the earlier comment the same way.

import { MARKER } from "./comment";

/** What preview-comment.ts writes beside the comment (comment.json). */
export interface CommentSummary {
    hasChanges: boolean;
    failed?: boolean;
    violations?: number;
}

/** Whether a pull request without our comment gets one: changes, a failed preview or a policy finding. */
export function worthPosting(summary: CommentSummary): boolean {
    return summary.hasChanges || summary.failed === true || (summary.violations ?? 0) > 0;
}

export interface ExistingComment {
    id: number;
    body?: string;
}

export type Action = { kind: "create" } | { kind: "update"; id: number } | { kind: "skip" };

export function decide(existing: ExistingComment[], hasChanges: boolean): Action {
    const ours = existing.find((c) => (c.body ?? "").includes(MARKER));
    if (ours) return { kind: "update", id: ours.id };
    return hasChanges ? { kind: "create" } : { kind: "skip" };
}

export interface PublishOptions {
    apiUrl: string;
    /** owner/name */
    repository: string;
    pullRequest: number;
    token: string;
    body: string;
    hasChanges: boolean;
    fetchImpl?: typeof fetch;
}

const MAX_PAGES = 30;

async function call(opts: PublishOptions, method: string, url: string, body?: unknown): Promise<unknown> {
    const res = await (opts.fetchImpl ?? fetch)(url, {
        method,
        headers: {
            Accept: "application/vnd.github+json",
            Authorization: `Bearer ${opts.token}`,
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.json();
}

export async function publish(opts: PublishOptions): Promise<Action> {
    if (!/^[\w.-]+\/[\w.-]+$/.test(opts.repository)) throw new Error(`bad repository ${opts.repository}`);
    if (!Number.isInteger(opts.pullRequest) || opts.pullRequest <= 0) throw new Error(`bad pull request number ${opts.pullRequest}`);
    const base = `${opts.apiUrl.replace(/\/$/, "")}/repos/${opts.repository}`;
    const existing: ExistingComment[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
        const batch = (await call(opts, "GET", `${base}/issues/${opts.pullRequest}/comments?per_page=100&page=${page}`)) as ExistingComment[];
        existing.push(...batch);
        if (batch.length < 100) break;
    }
    const action = decide(existing, opts.hasChanges);
    if (action.kind === "update") await call(opts, "PATCH", `${base}/issues/comments/${action.id}`, { body: opts.body });
    else if (action.kind === "create") await call(opts, "POST", `${base}/issues/${opts.pullRequest}/comments`, { body: opts.body });
    return action;
}
