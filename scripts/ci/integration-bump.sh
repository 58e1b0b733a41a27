#!/usr/bin/env bash
# Integration job: replace the dashboard while a bounded request loop runs through the proxy, and
# report failed requests and added latency in the job summary (the goal is 0 failed requests).
# The stack runs the demo stand-in, which has no second image to bump to, so the bump is a new
# value of a dashboard variable: the provider replaces the container for it exactly as for a new
# image (both force a new container), create-before-delete behind the proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
url=$(pulumi stack output --stack "$stack" dashboardUrl)
work="$CI_HOME/bump"
mkdir -p "$work"
rm -f "$work/stop" "$work/baseline.json" "$work/during.json"
dashboard_id() {
    docker ps --filter "label=com.minimarket.environment=$stack" --filter "label=com.minimarket.service=dashboard" --format '{{.ID}}'
}

ci_log "baseline: 5 s of requests to $url"
node scripts/ci/request-loop.js "$url" "$work/stop" "$work/baseline.json" 5 5000
before=$(dashboard_id)
ci_log "request loop through the proxy during the dashboard's replacement"
node scripts/ci/request-loop.js "$url" "$work/stop" "$work/during.json" 900 200000 &
loop=$!
rc=0
timed "bump the dashboard (config)" pulumi config set --stack "$stack" --path services.dashboard.env.ROLLOUT_CHECK "run-$GITHUB_RUN_ID" || rc=$?
if [ "$rc" -eq 0 ]; then timed "pulumi up replacing the dashboard" pulumi up --stack "$stack" --yes --skip-preview || rc=$?; fi
# A little traffic after the old container is gone, then stop the loop by its flag file.
sleep 3
touch "$work/stop"
wait "$loop" || ci_fail "the request loop itself failed"
after=$(dashboard_id)

# shellcheck disable=SC2016 # JavaScript, not shell
read -r requests failed p95 max base_p95 errors < <(node -e '
    const fs = require("fs");
    const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const d = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const errors = Object.entries(d.errors).map(([k, v]) => `${k}:${v}`).join(",") || "none";
    console.log([d.requests, d.failed, d.p95, d.max, b.p95, errors].join(" "));
' "$work/baseline.json" "$work/during.json")
added=$((p95 - base_p95))
ci_log "during the replacement: $requests requests, $failed failed ($errors), p95 ${p95} ms (baseline ${base_p95} ms), max ${max} ms"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        printf '### Dashboard replaced under load (through the proxy)\n\n'
        printf '| requests | failed | errors | p95 latency | added p95 latency | max latency |\n|---|---|---|---|---|---|\n'
        printf '| %s | %s | %s | %s ms | %s ms | %s ms |\n\n' "$requests" "$failed" "$errors" "$p95" "$added" "$max"
    } >>"$GITHUB_STEP_SUMMARY"
fi
[ "$rc" -eq 0 ] || ci_fail "pulumi up failed while replacing the dashboard"
if [ -z "$after" ] || [ "$after" = "$before" ]; then ci_fail "the dashboard container was not replaced (before '$before', after '$after')"; fi
[ "$failed" -eq 0 ] || ci_fail "$failed of $requests requests failed through the proxy while the dashboard was replaced"
ci_log "no request failed while the dashboard was replaced"
