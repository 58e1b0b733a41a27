#!/usr/bin/env bash
# Shared by the CI steps (sourced). Never `set -x` here or in a caller: the steps hold stack
# secrets in shell variables and pass them to containers only through `-e NAME`.

# Where one job keeps its Pulumi state, passphrase and step timings: a directory of the runner.
CI_HOME="${CI_HOME:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/minimarket-ci}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$CI_HOME/state}"
export PULUMI_SKIP_UPDATE_CHECK=true
TIMINGS="$CI_HOME/timings.md"
# The integration job's generated passphrase (integration-setup.sh), unless one is given.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && [ -f "$CI_HOME/passphrase" ]; then
    export PULUMI_CONFIG_PASSPHRASE_FILE="$CI_HOME/passphrase"
fi

ci_log() { printf 'ci: %s\n' "$*" >&2; }
ci_fail() { printf 'ci: FAILED: %s\n' "$*" >&2; exit 1; }

# The throwaway stack of this workflow run: GITHUB_RUN_ID is set by GitHub Actions.
integration_stack() {
    [ -n "${GITHUB_RUN_ID:-}" ] || ci_fail "GITHUB_RUN_ID is not set"
    printf 'ci-%s' "$GITHUB_RUN_ID"
}

# timed <label> <command...>: runs an external command and records how long it took.
# (A shell function given here would run with errexit off, so only pass real commands.)
timed() {
    local label=$1 start=$SECONDS rc=0
    shift
    ci_log "$label"
    "$@" || rc=$?
    local took=$((SECONDS - start)) result="ok"
    [ "$rc" -eq 0 ] || result="failed (exit $rc)"
    mkdir -p "$CI_HOME"
    printf '| %s | %ss | %s |\n' "$label" "$took" "$result" >>"$TIMINGS"
    ci_log "$label: ${took}s, $result"
    return "$rc"
}

# stack_secret <stack> <name>: one value of the stack's `secrets` output, for $(...) only.
stack_secret() {
    # shellcheck disable=SC2016 # JavaScript, not shell
    pulumi stack output --stack "$1" --json --show-secrets secrets |
        node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
            const v = JSON.parse(s)[process.argv[1]];
            if (typeof v !== "string") { console.error(`ci: secret ${process.argv[1]} missing from the stack outputs`); process.exit(1); }
            process.stdout.write(v);
        });' "$2"
}

# The job summary's table of step timings (written by the last step, which always runs).
write_timings_summary() {
    local title=$1
    [ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
    {
        printf '### %s: step timings\n\n| step | time | result |\n|---|---|---|\n' "$title"
        [ -f "$TIMINGS" ] && cat "$TIMINGS"
        printf '\n'
    } >>"$GITHUB_STEP_SUMMARY"
}

# use_stack_passphrase <stack>: PULUMI_CONFIG_PASSPHRASE from PULUMI_CONFIG_PASSPHRASE_<STACK> (a
# repository secret per stack, docs/ci.md), without printing it.
use_stack_passphrase() {
    local var
    var="PULUMI_CONFIG_PASSPHRASE_$(printf '%s' "$1" | tr '[:lower:]-' '[:upper:]_')"
    [ -n "${!var:-}" ] || ci_fail "set the $var secret: the passphrase of the $1 stack"
    export PULUMI_CONFIG_PASSPHRASE="${!var}"
}

# The stacks the preview and drift workflows look at.
DEPLOYED_STACKS=(staging prod)
