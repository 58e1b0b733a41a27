#!/usr/bin/env bash
# Drift job: one issue per stack, labelled `drift`, found again by the marker in its body: opened
# when the stack drifts, updated while it still does, closed when the stack matches again.
# GH_TOKEN (the workflow's token, issues: write) and GH_REPO come from the job.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${STACK:?STACK is not set: the stack checked}"
out="$RUNNER_TEMP/drift"
status=$(cat "$out/status")
marker="<!-- minimarket-drift:$STACK -->"
# The open issue of this stack, if any (first line of the numbers whose body carries the marker).
number=$(gh issue list --state open --label drift --json number,body --limit 100 |
    node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
        const found = JSON.parse(s).find((i) => i.body.includes(process.argv[1]));
        if (found) process.stdout.write(String(found.number));
    });' "$marker")
case "$status" in
drift)
    if [ -n "$number" ]; then
        gh issue edit "$number" --body-file "$out/issue.md" >/dev/null
        ci_log "$STACK still drifts: issue #$number updated"
    else
        gh label create drift --color D93F0B --description "A deployed stack differs from its last deploy" --force >/dev/null
        url=$(gh issue create --title "Drift on $STACK" --label drift --body-file "$out/issue.md")
        number=${url##*/}
        ci_log "$STACK drifts: issue #$number opened"
    fi
    [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '### Drift on %s\n\nSee issue #%s.\n' "$STACK" "$number" >>"$GITHUB_STEP_SUMMARY"
    ;;
clean)
    if [ -n "$number" ]; then
        gh issue close "$number" --comment "No drift on $STACK any more (checked $(date -u +%Y-%m-%dT%H:%M:%SZ)): closing." >/dev/null
        ci_log "$STACK matches its last deploy again: issue #$number closed"
    else
        ci_log "$STACK matches its last deploy"
    fi
    [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '### No drift on %s\n' "$STACK" >>"$GITHUB_STEP_SUMMARY"
    ;;
*)
    ci_fail "unexpected drift status '$status' for $STACK"
    ;;
esac
