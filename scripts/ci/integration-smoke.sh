#!/usr/bin/env bash
# Integration job: the smoke checks of this run's stack.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

exec bash scripts/ci/smoke.sh "$(integration_stack)" "${1:-smoke checks}"
