#!/usr/bin/env bash
# Usage: scripts/pulumi-staging.sh <pulumi arguments>
#   scripts/pulumi-staging.sh stack output --show-secrets secrets
#   scripts/pulumi-staging.sh config set --secret dockerHubToken     (prompts for the value)
#   scripts/pulumi-staging.sh preview | refresh | destroy
# Runs the Pulumi CLI on the staging stack with the same local state backend and passphrase as
# scripts/up-staging.sh (both source scripts/lib/staging-env.sh), so later commands find the stack
# and can decrypt its secrets. Commands that reach Docker also get the same daemon (DOCKER_HOST)
# and, over ssh://, the same shared ssh connection.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2034 # read by scripts/lib/staging-env.sh, names this script in messages
STAGING_SCRIPT=pulumi-staging
# shellcheck source=scripts/lib/staging-env.sh
. scripts/lib/staging-env.sh

command -v pulumi >/dev/null || staging_fail "the Pulumi CLI is missing; install it (https://www.pulumi.com/docs/install/)"
staging_backend
staging_select_stack >/dev/null

case "${1:-}" in
    up | update | preview | pre | refresh | destroy | import)
        DOCKER_HOST="$(staging_docker_host)"
        export DOCKER_HOST
        staging_ssh_share "$DOCKER_HOST"
        ;;
esac
# Not exec: the shared ssh connection is closed when pulumi returns.
pulumi "$@"
