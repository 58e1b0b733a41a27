#!/usr/bin/env bash
# Usage: scripts/stack.sh [--stack NAME] <command> [arguments]
#
# The one entry point of every command on a stack after the first deploy: it gives each the same
# stack, state backend, passphrase and Docker daemon, so nothing needs exporting (docs/stacks.md).
# Without --stack: your own stack, dev-<login name>, on your Docker, state in ~/.minimarket/state.
# With --stack staging (or prod): the team's stack, in the team's backend, with the team's passphrase.
#
#   scripts/stack.sh preview | up | refresh | destroy     the pulumi command on the stack
#   scripts/stack.sh config set --secret dockerHubToken   # any pulumi config command; --secret prompts
#   scripts/stack.sh stack output [--show-secrets]        any pulumi stack command
#   scripts/stack.sh smoke [options]                      the smoke checks (npm run smoke)
#   scripts/stack.sh backup backup|list|verify|drill      the backup container (scripts/backup-staging.sh)
#   scripts/stack.sh restore [options]                    restore a backup (scripts/restore-staging.sh --help)
#   scripts/stack.sh rollback <service> [up options]      back to the image the service ran before
#   scripts/stack.sh maintenance on [--message TEXT] | off [up options]
#   scripts/stack.sh preflight                            the checks `up` runs first
#   scripts/stack.sh passphrase                           store the team's passphrase (prompts)
#   scripts/stack.sh context                              which stack, backend, passphrase file, daemon
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2034 # read by scripts/lib/staging-env.sh, names this script in messages
STAGING_SCRIPT="${STAGING_SCRIPT:-stack}"
# shellcheck source=scripts/lib/staging-env.sh
. scripts/lib/staging-env.sh

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

# --stack NAME (or -s NAME, --stack=NAME) may stand anywhere, as with pulumi itself.
requested="" args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --stack | -s)
            [ $# -ge 2 ] || staging_fail "--stack needs a name"
            requested=$2
            shift 2
            ;;
        --stack=*) requested="${1#--stack=}"; shift ;;
        *) args+=("$1"); shift ;;
    esac
done
set -- ${args[@]+"${args[@]}"}
[ $# -gt 0 ] || usage
command=$1

node scripts/ensure-deps.js
command -v pulumi >/dev/null || staging_fail "the Pulumi CLI is missing; install it (https://www.pulumi.com/docs/install/)"
staging_choose_stack "$requested"
staging_backend

if [ "$command" = passphrase ]; then
    # Prompted (or read from standard input), never taken from the command line.
    [ -z "$STACK_PERSONAL" ] || staging_fail "your own stack's passphrase is generated in $MINIMARKET_HOME/$STACK.passphrase; this command stores the team's"
    passfile="$MINIMARKET_HOME/$STACK.passphrase"
    if [ -t 0 ]; then
        read -rsp "Passphrase of the team's stack $STACK: " phrase
        echo >&2
    else
        IFS= read -r phrase || true
    fi
    [ -n "$phrase" ] || staging_fail "no passphrase given; nothing was stored"
    mkdir -p "$MINIMARKET_HOME"
    (umask 077 && printf '%s' "$phrase" >"$passfile.new")
    unset phrase PULUMI_CONFIG_PASSPHRASE
    export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile.new"
    (staging_check_passphrase) || { rm -f "$passfile.new"; exit 1; }
    mv "$passfile.new" "$passfile"
    staging_note "stored in $passfile (mode 600)"
    exit 0
fi

staging_passphrase
staging_select_stack

# Commands that reach the stack's Docker daemon get it (and, over ssh://, one shared connection).
# A gcp stack's daemon is the VM the program creates; the program finds it itself.
docker_context() {
    [ -n "${PLATFORM:-}" ] || PLATFORM="$(pulumi config get platform --stack "$STACK" 2>/dev/null || true)"
    [ "$PLATFORM" != gcp ] || return 0
    DOCKER_HOST="$(staging_docker_host)"
    export DOCKER_HOST
    staging_ssh_share "$DOCKER_HOST"
}
docker_answers() {
    [ "$PLATFORM" != gcp ] || return 0
    command -v docker >/dev/null || staging_fail "the docker CLI is missing; install Docker Engine (https://docs.docker.com/engine/install/)"
    docker info >/dev/null 2>&1 ||
        staging_fail "Docker at $DOCKER_HOST is not answering; start the Docker daemon, or point the stack at another host (docs/stacks.md)"
}
ts() { node -r ts-node/register/transpile-only "$@"; }
preflight() { ts scripts/preflight.ts --stack "$STACK"; }
deploy() {
    docker_context
    docker_answers
    preflight
    staging_parallel_args "$@"
    # Not exec: the shared ssh connection is closed when pulumi returns.
    pulumi up --stack "$STACK" ${STAGING_UP_ARGS[@]+"${STAGING_UP_ARGS[@]}"} "$@"
}
export MINIMARKET_STACK="$STACK" MINIMARKET_PERSONAL_STACK="${STACK_PERSONAL:-0}"

shift
case "$command" in
    up | update) deploy "$@" ;;
    preview | pre | refresh | destroy | import | watch)
        docker_context
        pulumi "$command" --stack "$STACK" "$@"
        ;;
    config | state | cancel | logs)
        # `config set KEY` with --secret and no value prompts for it (or reads standard input).
        case "${1:-}" in
            "" | -*) pulumi "$command" --stack "$STACK" "$@" ;;
            *) sub=$1; shift; pulumi "$command" "$sub" --stack "$STACK" "$@" ;;
        esac
        ;;
    stack)
        case "${1:-}" in
            "" | ls | -*) pulumi stack "$@" ;;
            *) sub=$1; shift; pulumi stack "$sub" --stack "$STACK" "$@" ;;
        esac
        ;;
    smoke)
        docker_context
        npm run --silent smoke -- --stack "$STACK" "$@"
        ;;
    backup | restore)
        docker_context
        MINIMARKET_ENVIRONMENT="$(staging_environment)" bash "scripts/$command-staging.sh" "$@"
        ;;
    rollback)
        [ $# -ge 1 ] || staging_fail "usage: scripts/stack.sh rollback <service> [up options]"
        service=$1
        shift
        ts scripts/rollback.ts --stack "$STACK" --service "$service"
        deploy "$@"
        ;;
    maintenance)
        case "${1:-}" in
            on)
                shift
                if [ "${1:-}" = --message ]; then
                    [ $# -ge 2 ] || staging_fail "--message needs a text"
                    pulumi config set --path maintenance.message "$2" --stack "$STACK"
                    shift 2
                fi
                pulumi config set --path maintenance.enabled true --stack "$STACK"
                ;;
            off) shift; pulumi config set --path maintenance.enabled false --stack "$STACK" ;;
            *) staging_fail "usage: scripts/stack.sh maintenance on [--message TEXT] | off [up options]" ;;
        esac
        deploy "$@"
        ;;
    preflight)
        docker_context
        docker_answers
        preflight
        ;;
    context)
        printf 'stack:      %s (%s)\n' "$STACK" "$([ -n "$STACK_PERSONAL" ] && echo "your own" || echo "the team's")"
        printf 'backend:    %s\n' "$PULUMI_BACKEND_URL"
        printf 'passphrase: %s\n' "${PULUMI_CONFIG_PASSPHRASE_FILE:-from PULUMI_CONFIG_PASSPHRASE}"
        printf 'docker:     %s\n' "$(staging_docker_host)"
        ;;
    *) pulumi "$command" "$@" ;;
esac
