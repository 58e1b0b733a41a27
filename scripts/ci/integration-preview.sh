#!/usr/bin/env bash
# Integration job: a second run must change nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
timed "pulumi preview --expect-no-changes" pulumi preview --stack "$stack" --expect-no-changes
