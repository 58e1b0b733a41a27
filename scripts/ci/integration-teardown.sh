#!/usr/bin/env bash
# Integration job, last step (runs even when an earlier one failed): destroy the stack, remove it
# and its kept data volumes, and write the step timings to the job summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
rc=0
if pulumi stack select "$stack" >/dev/null 2>&1; then
    timed "pulumi destroy" pulumi destroy --stack "$stack" --yes --skip-preview || rc=$?
    # After a failed destroy the state still lists resources; the runner is thrown away anyway.
    force=()
    [ "$rc" -eq 0 ] || force=(--force)
    timed "pulumi stack rm" pulumi stack rm "$stack" --yes "${force[@]}" || rc=$?
else
    ci_log "stack $stack was never created: nothing to destroy"
fi
# Data volumes are kept on destroy by design; a throwaway stack's are not worth keeping.
volumes=$(docker volume ls -q --filter "label=com.minimarket.environment=$stack" 2>/dev/null || true)
if [ -n "$volumes" ]; then
    # shellcheck disable=SC2086 # one volume name per word
    timed "remove data volumes" docker volume rm $volumes || rc=$?
fi
rm -f "$CI_HOME/passphrase"
write_timings_summary "Integration stack $stack"
exit "$rc"
