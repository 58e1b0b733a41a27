#!/usr/bin/env bash
# Deploy job, last step (always): the step timings in the job summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh
write_timings_summary "Deploy to staging"
