#!/usr/bin/env bash
# Drift job: `pulumi preview --refresh --expect-no-changes` of one deployed stack ($STACK): the
# refresh reads every resource back from the host and Google Cloud, so a container changed or
# removed by hand shows as a change. A preview never writes the state. scripts/drift-report.ts
# turns the result into $RUNNER_TEMP/drift/status (clean, drift, failed) and, on drift, issue.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${STACK:?STACK is not set: the stack to check (the matrix of the job)}"
: "${PULUMI_BACKEND_URL:?set the PULUMI_BACKEND_URL variable: where the state of the stacks lives}"
umask 077
out="$RUNNER_TEMP/drift"
mkdir -p "$out"
use_stack_passphrase "$STACK"
# Its stdout names the backend URL.
pulumi login "$PULUMI_BACKEND_URL" >/dev/null
rc=0
pulumi preview --stack "$STACK" --refresh --expect-no-changes --non-interactive --json \
    >"$out/preview.json" 2>"$out/stderr.txt" || rc=$?
npx --no-install ts-node --transpile-only scripts/drift-report.ts --stack "$STACK" --preview "$out/preview.json" \
    --stderr "$out/stderr.txt" --exit-code "$rc" --out "$out"
