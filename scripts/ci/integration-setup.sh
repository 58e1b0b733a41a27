#!/usr/bin/env bash
# Integration job, step 1: a local state backend, a generated passphrase and a fresh stack
# ci-<run id> on the runner's own Docker.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
docker info >/dev/null || ci_fail "Docker is not answering on this runner"
mkdir -p "$CI_HOME/state"
: >"$TIMINGS"

# The passphrase only ever lives in this file (mode 600); lib.sh points PULUMI_CONFIG_PASSPHRASE_FILE
# at it in every later step.
passfile="$CI_HOME/passphrase"
(umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$passfile")
export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile"

timed "pulumi login (local state)" pulumi login "file://$CI_HOME/state"
timed "create stack $stack" pulumi stack init "$stack" --secrets-provider passphrase
