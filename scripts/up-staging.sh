#!/usr/bin/env bash
# Sets up and deploys the staging stack to one Docker daemon, with Pulumi state kept in a local
# directory (no Pulumi Cloud account needed). Extra arguments go to `pulumi up`.
# Later commands on the same stack: scripts/pulumi-staging.sh (same backend, passphrase, daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2034 # read by scripts/lib/staging-env.sh, names this script in messages
STAGING_SCRIPT=up-staging
# shellcheck source=scripts/lib/staging-env.sh
. scripts/lib/staging-env.sh

# Install first: a missing Docker or Pulumi should not leave a fresh clone without its packages.
node scripts/ensure-deps.js
command -v docker >/dev/null || staging_fail "the docker CLI is missing; install Docker Engine (https://docs.docker.com/engine/install/)"
command -v pulumi >/dev/null || staging_fail "the Pulumi CLI is missing; install it (https://www.pulumi.com/docs/install/)"

staging_backend
staging_select_stack

# The daemon the program will deploy to, checked here: with dockerHost set to a remote host that
# host must answer, whatever the local daemon does.
DOCKER_HOST="$(staging_docker_host)"
export DOCKER_HOST
staging_ssh_share "$DOCKER_HOST"
# Answering, and new enough for the program's containers: before `pulumi up` changes anything.
staging_engine_preflight "$DOCKER_HOST"

staging_parallel_args "$@"
pulumi up --stack "$STAGING_STACK" ${STAGING_UP_ARGS[@]+"${STAGING_UP_ARGS[@]}"} "$@"
