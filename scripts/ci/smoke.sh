#!/usr/bin/env bash
# smoke.sh <stack> [label]: the smoke checks of a deployed stack, timed.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

[ $# -ge 1 ] || ci_fail "usage: smoke.sh <stack> [label]"
stack=$1
timed "${2:-smoke checks}" npm run --silent smoke -- --stack "$stack"
