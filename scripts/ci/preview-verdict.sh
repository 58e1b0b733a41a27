#!/usr/bin/env bash
# Preview job, last step: fails the job when a stack's preview failed (mandatory policy violations
# fail the preview too), after the comment said why.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
summary="$RUNNER_TEMP/preview-comment/comment.json"
[ -f "$summary" ] || ci_fail "no comment was built (see the step 'Build the comment')"
node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(s.failed ? 1 : 0);' "$summary" ||
    ci_fail "a preview failed: see the pull-request comment for the stack, the step and the error"
ci_log "every stack was previewed"
