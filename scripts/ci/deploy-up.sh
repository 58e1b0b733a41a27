#!/usr/bin/env bash
# Deploy job: `pulumi up --stack staging` against the staging host configured in the stack
# (minimarket:dockerHost), with the state backend and passphrase from repository secrets, and the
# policy pack (policy/): a mandatory violation stops the deploy before the resource changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${PULUMI_BACKEND_URL:?set the PULUMI_BACKEND_URL secret: where the staging state lives}"
: "${PULUMI_CONFIG_PASSPHRASE:?set the PULUMI_CONFIG_PASSPHRASE secret: the staging stack passphrase}"
mkdir -p "$CI_HOME"
: >"$TIMINGS"
# Its stdout names the backend URL, a secret.
timed "pulumi login" pulumi login "$PULUMI_BACKEND_URL" >/dev/null
host=$(pulumi config get dockerHost --stack staging 2>/dev/null || true)
[ -n "$host" ] || ci_fail "staging has no minimarket:dockerHost; set it (pulumi config set dockerHost ssh://deploy@<host> --stack staging)"
ci_log "deploying staging to $host"
timed "pulumi up (staging)" pulumi up --stack staging --yes --skip-preview --policy-pack policy
