#!/usr/bin/env bash
# Integration job: deploy the whole stack (demo stand-ins, pinned upstream images) to this runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
timed "pulumi up ($stack)" pulumi up --stack "$stack" --yes --skip-preview
