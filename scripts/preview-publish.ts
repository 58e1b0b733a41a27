// Posts or updates the preview comment written by preview-comment.ts (--out <dir>).
// Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER, GITHUB_API_URL (set by Actions).

import * as fs from "fs";
import * as path from "path";
import { GITHUB_LIMIT } from "./preview/comment";
import { CommentSummary, publish, worthPosting } from "./preview/publish";

async function main(): Promise<void> {
    const dir = process.argv[2];
    if (!dir) throw new Error("usage: ts-node scripts/preview-publish.ts <dir with comment.md and comment.json>");
    const body = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
    const summary = JSON.parse(fs.readFileSync(path.join(dir, "comment.json"), "utf8")) as CommentSummary;
    if (body.length > GITHUB_LIMIT) throw new Error(`comment is ${body.length} characters, over GitHub's ${GITHUB_LIMIT}`);
    const env = process.env;
    for (const v of ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "PR_NUMBER"]) if (!env[v]) throw new Error(`${v} is not set`);
    const action = await publish({
        apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
        repository: env.GITHUB_REPOSITORY!,
        pullRequest: Number(env.PR_NUMBER),
        token: env.GITHUB_TOKEN!,
        body,
        hasChanges: worthPosting(summary),
    });
    console.log(`preview comment: ${action.kind}${action.kind === "update" ? ` ${action.id}` : ""}`);
}

main().catch((e: Error) => {
    console.error(`preview-publish: ${e.message}`);
    process.exit(1);
});
