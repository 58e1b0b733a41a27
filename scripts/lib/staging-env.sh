#!/usr/bin/env bash
# Sourced by scripts/up-staging.sh and scripts/pulumi-staging.sh, so every `pulumi` command on the
# staging stack uses the same local state backend, the same passphrase, and the same Docker daemon
# as the first deploy. Never `set -x` around these: PULUMI_CONFIG_PASSPHRASE may be set.

STAGING_STACK=staging
MINIMARKET_HOME="${MINIMARKET_HOME:-$HOME/.minimarket}"

staging_fail() { echo "${STAGING_SCRIPT:-staging}: $*" >&2; exit 1; }

# Local state (no Pulumi Cloud account needed) and the passphrase that encrypts the stack's secrets:
# a newcomer gets a random one, readable by them only.
staging_backend() {
    mkdir -p "$MINIMARKET_HOME/state"
    export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$MINIMARKET_HOME/state}"
    if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        local passfile="$MINIMARKET_HOME/$STAGING_STACK.passphrase"
        if [ ! -f "$passfile" ]; then
            (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' >"$passfile")
            echo "${STAGING_SCRIPT:-staging}: created $passfile; it decrypts this stack's secrets, so back it up"
        fi
        export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile"
    fi
}

staging_select_stack() {
    pulumi stack select --create "$STAGING_STACK" --secrets-provider passphrase
}

# The one daemon the stack deploys to, printed: the stack's dockerHost, else DOCKER_HOST, else the
# endpoint of the docker CLI's current context (Docker Desktop, rootless Docker, Colima, or a
# remote context), else the default socket. The program gets it as DOCKER_HOST and hands it to the
# docker provider and to every docker CLI step (components/docker/daemon.ts), so all of them agree.
staging_docker_host() {
    local host
    host="$(pulumi config get dockerHost --stack "$STAGING_STACK" 2>/dev/null || true)"
    [ -n "$host" ] || host="${DOCKER_HOST:-}"
    if [ -z "$host" ] && command -v docker >/dev/null; then
        host="$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || true)"
    fi
    printf '%s' "${host:-unix:///var/run/docker.sock}"
}

# The oldest Docker Engine API the program's containers need: their health checks have a start
# interval (renderers/rollout/health.ts), which the Engine accepts from API 1.44 (Docker Engine
# 25.0) on; 20.10 (API 1.41) refuses the first container. Checked before `pulumi up` changes
# anything, with the version found and the one needed.
STAGING_MIN_DOCKER_API=1.44

# Stops unless the daemon at $1 answers and speaks API STAGING_MIN_DOCKER_API or newer.
staging_engine_preflight() {
    local host=$1 found api version
    found="$(docker version --format '{{.Server.APIVersion}} {{.Server.Version}}' 2>/dev/null)" ||
        staging_fail "Docker at $host is not answering; start the Docker daemon, or point staging at a remote host (README: Remote Docker host)"
    api="${found%% *}"
    version="${found#* }"
    local need_major="${STAGING_MIN_DOCKER_API%%.*}" need_minor="${STAGING_MIN_DOCKER_API#*.}"
    [[ "$api" =~ ^([0-9]+)\.([0-9]+)$ ]] ||
        staging_fail "Docker at $host reports API version '$api', which is not <major>.<minor>; the program needs API $STAGING_MIN_DOCKER_API or newer"
    local major=$((10#${BASH_REMATCH[1]})) minor=$((10#${BASH_REMATCH[2]}))
    if ((major < need_major || (major == need_major && minor < need_minor))); then
        staging_fail "Docker Engine $version at $host speaks API $api; the program needs API $STAGING_MIN_DOCKER_API or newer (Docker Engine 25.0 or newer: its health checks have a start interval). Upgrade Docker Engine (https://docs.docker.com/engine/install/); nothing was changed"
    fi
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
    STAGING_SSH_DIR="$MINIMARKET_HOME/ssh/$STAGING_STACK"
    mkdir -p "$STAGING_SSH_DIR/bin"
    chmod 700 "$MINIMARKET_HOME/ssh" "$STAGING_SSH_DIR"
    # %C: a hash of local host, remote user, host and port, so ssh to anywhere else never uses it.
    STAGING_SSH_CONTROL="$STAGING_SSH_DIR/%C"
    STAGING_SSH_DEST=("$rest")
    [ -z "$port" ] || STAGING_SSH_DEST=(-p "$port" "$rest")
    # The stack's dockerSshOpts (e.g. -i key) authenticate the master; clients ride on it.
    local opts=()
    local json
    json="$(pulumi config get dockerSshOpts --stack "$STAGING_STACK" 2>/dev/null || true)"
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
