#!/usr/bin/env bash
# Deploy job: `up` of the team's staging stack through the entry point operators use,
# `scripts/stack.sh --stack staging up` (docs/stacks.md): the team's one backend (the repository
# variable PULUMI_BACKEND_URL, shared with the preview workflow), the team's passphrase (the secret
# PULUMI_CONFIG_PASSPHRASE_STAGING, checked against Pulumi.staging.yaml before anything runs), the
# Docker host committed in Pulumi.staging.yaml, the preflight (engine and CLI versions, pulls),
# and the policy pack (policy/): a mandatory violation stops the deploy before the resource changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Read before lib.sh, which defaults the backend to a directory of the runner.
team_backend="${PULUMI_BACKEND_URL:-}"
. scripts/ci/lib.sh

[ -n "$team_backend" ] || ci_fail "set the repository variable PULUMI_BACKEND_URL: the backend that holds the team's staging state (docs/stacks.md)"
case "$team_backend" in
    file://*) ci_fail "PULUMI_BACKEND_URL is a directory on the runner; the team's staging state must live in the team's shared backend (docs/stacks.md)" ;;
esac
: "${PULUMI_CONFIG_PASSPHRASE:?set the secret PULUMI_CONFIG_PASSPHRASE_STAGING: the staging stack passphrase}"
export PULUMI_BACKEND_URL="$team_backend"
mkdir -p "$CI_HOME"
: >"$TIMINGS"
# Its stdout names the backend URL.
timed "pulumi login" pulumi login "$PULUMI_BACKEND_URL" >/dev/null
# The runner's own Docker must never stand in for the team's host.
host=$(pulumi config get dockerHost --stack staging 2>/dev/null || true)
[ -n "$host" ] || ci_fail "staging has no minimarket:dockerHost; commit the team's host in Pulumi.staging.yaml (scripts/stack.sh --stack staging config set dockerHost ssh://deploy@<host>)"
ci_log "deploying staging to $host"
timed "pulumi up (staging)" bash scripts/stack.sh --stack staging up --yes --skip-preview --policy-pack policy
