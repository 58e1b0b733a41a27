#!/usr/bin/env bash
# Sourced by scripts/stack.sh, the one entry point of every command on a stack (and through it by
# up-staging.sh, backup-staging.sh and restore-staging.sh): which stack, which state backend, which
# passphrase and which Docker daemon. The model (docs/stacks.md):
#   - your own stack, dev-<login name>: state in ~/.minimarket/state, a passphrase generated for
#     it, your Docker. The default: a fresh clone never reaches anyone else's host or state.
#   - the team's stacks (staging, prod): only with --stack; state in the team's backend (the
#     URL in ~/.minimarket/team.backend, or PULUMI_BACKEND_URL in CI), the team's passphrase
#     (~/.minimarket/<stack>.passphrase, or PULUMI_CONFIG_PASSPHRASE[_FILE] in CI), and the
#     Docker host committed in Pulumi.<stack>.yaml.
# Never `set -x` around these: PULUMI_CONFIG_PASSPHRASE may be set.

MINIMARKET_HOME="${MINIMARKET_HOME:-$HOME/.minimarket}"

staging_fail() {
    echo "${STAGING_SCRIPT:-stack}: $*" >&2
    exit 1
}
staging_note() { echo "${STAGING_SCRIPT:-stack}: $*" >&2; }

# Your own stack's name: dev-<login name>, lower case, other characters as dashes (an
# environment label: container, network and volume names).
staging_personal_stack() {
    local who
    who="$(id -un 2>/dev/null || printf '%s' "${USER:-}")"
    who="$(printf '%s' "$who" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9' '-' | cut -c1-20 | sed 's/--*/-/g; s/^-//; s/-$//')"
    printf 'dev-%s' "${who:-me}"
}

# staging_choose_stack [NAME]: sets STACK and STACK_PERSONAL (1 for your own stack).
staging_choose_stack() {
    STACK_PERSONAL=""
    STACK="${1:-}"
    local own
    own="$(staging_personal_stack)"
    if [ -z "$STACK" ] || [ "$STACK" = "$own" ]; then
        STACK="$own"
        STACK_PERSONAL=1
    fi
    [[ "$STACK" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || staging_fail "--stack must be lowercase letters, digits and dashes, got '$STACK'"
    STACK_FILE="Pulumi.$STACK.yaml"
}

# Where the stack's state lives: yours in a local directory (whatever PULUMI_BACKEND_URL says, so
# a personal stack never lands in the team's backend), the team's in the team's backend.
staging_backend() {
    if [ -n "$STACK_PERSONAL" ]; then
        mkdir -p "$MINIMARKET_HOME/state"
        export PULUMI_BACKEND_URL="file://$MINIMARKET_HOME/state"
        return 0
    fi
    if [ -z "${PULUMI_BACKEND_URL:-}" ] && [ -s "$MINIMARKET_HOME/team.backend" ]; then
        PULUMI_BACKEND_URL="$(head -n1 "$MINIMARKET_HOME/team.backend" | tr -d '[:space:]')"
    fi
    [ -n "${PULUMI_BACKEND_URL:-}" ] || staging_fail "stack $STACK is the team's: its state lives in the team's backend only. Put that backend's URL (the repository variable PULUMI_BACKEND_URL, e.g. gs://<bucket>) in $MINIMARKET_HOME/team.backend, or drop --stack to work on your own stack (docs/stacks.md)"
    [ "$PULUMI_BACKEND_URL" != "file://$MINIMARKET_HOME/state" ] || staging_fail "stack $STACK is the team's, but $MINIMARKET_HOME/team.backend names your own local state directory; a second state of the team's stack would manage the same containers. Put the team's backend URL there (docs/stacks.md)"
    export PULUMI_BACKEND_URL
}

# The passphrase that decrypts the stack's secrets, checked against the stack file before any
# pulumi command: a passphrase is generated only for your own stack, and only when no stack file
# already holds secrets made with another one.
staging_passphrase() {
    local passfile="$MINIMARKET_HOME/$STACK.passphrase"
    if [ -n "$STACK_PERSONAL" ]; then
        unset PULUMI_CONFIG_PASSPHRASE
        if [ ! -f "$passfile" ]; then
            if [ -f "$STACK_FILE" ] && grep -q '^encryptionsalt:' "$STACK_FILE"; then
                staging_fail "$STACK_FILE holds secrets encrypted with a passphrase this machine does not have ($passfile is missing). Restore that file from your backup; or, to start your stack over, delete $STACK_FILE and run \`scripts/stack.sh stack rm --force\` (generated secrets change, data volumes stay)"
            fi
            mkdir -p "$MINIMARKET_HOME"
            (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$passfile")
            staging_note "created $passfile: it decrypts your stack's secrets, so back it up"
        fi
        export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile"
    elif [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        [ -f "$passfile" ] || staging_fail "no passphrase for the team's stack $STACK on this machine. Get it from where the team keeps it (its password manager; CI has it as the secret PULUMI_CONFIG_PASSPHRASE_$(printf '%s' "$STACK" | tr '[:lower:]-' '[:upper:]_')) and store it with \`scripts/stack.sh --stack $STACK passphrase\` (it prompts); or drop --stack to work on your own stack (docs/stacks.md)"
        export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile"
    fi
    staging_check_passphrase
}

# Stops when the passphrase in the environment cannot decrypt the stack file's secrets.
staging_check_passphrase() {
    local keys rc=0
    keys="$(node scripts/lib/stack-secrets.js "$STACK_FILE")" || rc=$?
    case "$rc" in
        0) ;;
        3) staging_fail "the passphrase on this machine cannot decrypt $STACK_FILE (its encryptionsalt was made with another one); nothing was changed. $(staging_passphrase_advice)" ;;
        4) staging_fail "the passphrase on this machine opens $STACK_FILE but not its secure values of $keys: they were encrypted with another passphrase (set on another stack and committed?); nothing was changed. Set them again with \`scripts/stack.sh --stack $STACK config set --secret <key>\` (it prompts), or restore them from git" ;;
        5) staging_fail "no passphrase is set for $STACK. $(staging_passphrase_advice)" ;;
        *) staging_fail "cannot check the passphrase of $STACK_FILE (exit $rc)" ;;
    esac
}

staging_passphrase_advice() {
    if [ -n "$STACK_PERSONAL" ]; then
        printf '%s' "Restore $MINIMARKET_HOME/$STACK.passphrase from your backup; or start your stack over: delete $STACK_FILE and $MINIMARKET_HOME/$STACK.passphrase and run \`scripts/stack.sh stack rm --force\`"
    else
        printf '%s' "Get the team's passphrase from where the team keeps it and store it with \`scripts/stack.sh --stack $STACK passphrase\`; or drop --stack to work on your own stack (docs/stacks.md)"
    fi
}

# Your own stack is created on first use; the team's stacks exist already (the team creates
# them once, docs/stacks.md), so a typo in --stack never creates one.
staging_select_stack() {
    [ -n "$STACK_PERSONAL" ] || return 0
    pulumi stack select --create "$STACK" --secrets-provider passphrase >/dev/null
}

# The one daemon the stack deploys to, printed: the stack's dockerHost, else DOCKER_HOST, else the
# endpoint of the docker CLI's current context (Docker Desktop, rootless Docker, Colima, or a
# remote context), else the default socket. The program gets it as DOCKER_HOST and hands it to the
# docker provider and to every docker CLI step (components/docker/daemon.ts), so all of them agree.
staging_docker_host() {
    local host
    host="$(pulumi config get dockerHost --stack "$STACK" 2>/dev/null || true)"
    [ -n "$host" ] || host="${DOCKER_HOST:-}"
    if [ -z "$host" ] && command -v docker >/dev/null; then
        host="$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || true)"
    fi
    printf '%s' "${host:-unix:///var/run/docker.sock}"
}

# The environment label of the stack's containers: its `environment` setting, else its name.
staging_environment() {
    local env
    env="$(pulumi config get environment --stack "$STACK" 2>/dev/null || true)"
    printf '%s' "${env:-$STACK}"
}

# For an ssh:// daemon: one ssh connection for the whole run. Without it the provider and every
# docker CLI step open their own (the docker connection helper runs `ssh … docker system dial-stdio`
# per connection), and sshd's MaxStartups drops some of them under Pulumi's parallelism.
# Neither side takes ssh options from the environment in a way both honour (the provider reads
# DOCKER_SSH_OPTS, the CLI nothing), but both run the first `ssh` on PATH; so this opens a master
# connection and puts an `ssh` first on PATH that multiplexes over it. Sets STAGING_SSH_SHARED=1.
staging_ssh_share() {
    local host=$1
    case "$host" in ssh://*) ;; *) return 0 ;; esac
    local rest="${host#ssh://}" port=""
    rest="${rest%%/*}"
    if [[ "$rest" =~ ^(.*):([0-9]+)$ ]]; then
        rest="${BASH_REMATCH[1]}"
        port="${BASH_REMATCH[2]}"
    fi
    STAGING_SSH_REAL="$(command -v ssh)" || staging_fail "dockerHost is $host but there is no ssh client on PATH"
    STAGING_SSH_DIR="$MINIMARKET_HOME/ssh/$STACK"
    mkdir -p "$STAGING_SSH_DIR/bin"
    chmod 700 "$MINIMARKET_HOME/ssh" "$STAGING_SSH_DIR"
    # %C: a hash of local host, remote user, host and port, so ssh to anywhere else never uses it.
    STAGING_SSH_CONTROL="$STAGING_SSH_DIR/%C"
    STAGING_SSH_DEST=("$rest")
    [ -z "$port" ] || STAGING_SSH_DEST=(-p "$port" "$rest")
    # The stack's dockerSshOpts (e.g. -i key) authenticate the master; clients ride on it.
    local opts=()
    local json
    json="$(pulumi config get dockerSshOpts --stack "$STACK" 2>/dev/null || true)"
    if [ -n "$json" ]; then
        while IFS= read -r -d '' o; do opts+=("$o"); done < <(node -e 'for (const o of JSON.parse(process.argv[1])) process.stdout.write(String(o) + "\0")' "$json")
    fi
    "$STAGING_SSH_REAL" -o ControlMaster=yes -o "ControlPath=$STAGING_SSH_CONTROL" -o ControlPersist=10m -o ConnectTimeout=30 \
        ${opts[@]+"${opts[@]}"} -f -N "${STAGING_SSH_DEST[@]}" ||
        staging_fail "cannot open an ssh connection to ${rest}; check \`ssh ${rest}\` works (key, known_hosts)"
    {
        echo '#!/usr/bin/env bash'
        echo '# Written by scripts/lib/staging-env.sh: ssh over the shared connection of this run.'
        printf 'exec %q -o ControlMaster=no -o %q' "$STAGING_SSH_REAL" "ControlPath=$STAGING_SSH_CONTROL"
        [ ${#opts[@]} -eq 0 ] || printf ' %q' "${opts[@]}"
        printf ' "$@"\n'
    } >"$STAGING_SSH_DIR/bin/ssh"
    chmod 700 "$STAGING_SSH_DIR/bin/ssh"
    export PATH="$STAGING_SSH_DIR/bin:$PATH"
    STAGING_SSH_SHARED=1
    trap staging_ssh_unshare EXIT
}

staging_ssh_unshare() {
    [ "${STAGING_SSH_SHARED:-}" = 1 ] || return 0
    "$STAGING_SSH_REAL" -o "ControlPath=$STAGING_SSH_CONTROL" -O exit "${STAGING_SSH_DEST[@]}" >/dev/null 2>&1 || true
    STAGING_SSH_SHARED=
}

# sshd lets one connection carry MaxSessions (default 10) sessions at once; keep Pulumi below it
# unless the caller chose a parallelism. Sets STAGING_UP_ARGS (extra `pulumi up` arguments).
# (No mapfile and no printing into an array: macOS still ships bash 3.2.)
staging_parallel_args() {
    STAGING_UP_ARGS=()
    [ "${STAGING_SSH_SHARED:-}" = 1 ] || return 0
    local a
    for a in "$@"; do case "$a" in -p | -p=* | --parallel | --parallel=*) return 0 ;; esac; done
    STAGING_UP_ARGS=(--parallel "${MINIMARKET_SSH_PARALLEL:-8}")
}
