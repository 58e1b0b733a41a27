#!/usr/bin/env bash
# The first command: deploys your own stack (dev-<login name>) to the Docker of this machine, with
# its state in ~/.minimarket/state and a generated passphrase; no Pulumi Cloud account, and never
# the team's staging host or state, whatever Pulumi.staging.yaml says (docs/stacks.md).
# Extra arguments go to `pulumi up` (e.g. --yes). Before anything changes it checks the Docker
# Engine and Pulumi CLI versions and lists the images the deploy pulls (scripts/preflight.ts).
# Every later command: scripts/stack.sh (same stack, backend, passphrase and daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
# Install first: a missing Docker or Pulumi should not leave a fresh clone without its packages.
node scripts/ensure-deps.js
STAGING_SCRIPT=up-staging exec bash scripts/stack.sh up "$@"
