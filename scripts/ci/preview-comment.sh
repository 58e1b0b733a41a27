#!/usr/bin/env bash
# Preview job: builds the comment from what preview-stacks.sh wrote, one --stack per deployed stack
# (its preview, or the step that failed with its log), into $RUNNER_TEMP/preview-comment.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${BASE_SHA:?BASE_SHA is not set: the base commit of the pull request}"
private="$RUNNER_TEMP/preview-private"
args=()
for stack in "${DEPLOYED_STACKS[@]}"; do
    args+=(--stack "$stack")
    if [ -f "$private/$stack.failed" ]; then
        args+=(--failed "$(cat "$private/$stack.failed")" --log "$private/$stack.preview.log")
    else
        args+=(--preview "$private/$stack.preview.json")
        [ -f "$private/$stack.plan.json" ] && args+=(--plan "$private/$stack.plan.json")
    fi
    [ -f "$private/$stack.state.json" ] && args+=(--state "$private/$stack.state.json")
    [ -f "$private/$stack.events.jsonl" ] && args+=(--events "$private/$stack.events.jsonl")
done
npx --no-install ts-node --transpile-only scripts/preview-comment.ts "${args[@]}" --base "$BASE_SHA" --out "$RUNNER_TEMP/preview-comment"
