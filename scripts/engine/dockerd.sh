#!/usr/bin/env bash
# The engine of the engine tests: a dockerd of its own, with its data, run state, socket and PID
# file under one directory (MINIMARKET_ENGINE_DIR, default /var/tmp/minimarket-engine), never the
# machine's /var/run/docker.sock or /var/lib/docker. Stopped by its PID, never by name.
#
#   dockerd.sh start   start it unless it runs; wait until it answers; print its DOCKER_HOST
#   dockerd.sh stop    SIGTERM by PID, wait (bounded) until it is gone
#   dockerd.sh host    print its DOCKER_HOST (unix://…/run/docker.sock)
#   dockerd.sh running exit 0 when it answers
set -euo pipefail

dir=${MINIMARKET_ENGINE_DIR:-/var/tmp/minimarket-engine}
sock="$dir/run/docker.sock"
pidfile="$dir/dockerd.pid"
host="unix://$sock"

answers() { [ -S "$sock" ] && DOCKER_HOST=$host docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }
alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "${1:-}" in
start)
    if alive && answers; then
        echo "$host"
        exit 0
    fi
    [ -x /usr/sbin/dockerd ] || { echo "engine: no /usr/sbin/dockerd (run scripts/engine/install.sh)" >&2; exit 1; }
    [ "$(id -u)" -eq 0 ] || { echo "engine: dockerd needs root" >&2; exit 1; }
    mkdir -p "$dir/data" "$dir/exec" "$dir/run"
    rm -f "$pidfile" "$sock"
    # setsid: the daemon outlives this script and leaves with `stop` only. unshare: a mount
    # namespace of its own in which / is shared, as systemd makes it on every Docker host.
    # node-exporter binds / with rslave (as its upstream documents), which the engine allows only
    # from a shared or slave mount; this machine (no systemd) has / private, and its own mounts
    # stay as they are.
    setsid unshare --mount --propagation shared /usr/sbin/dockerd \
        --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" -H "$host" \
        --containerd-namespace minimarket-engine --containerd-plugins-namespace minimarket-engine-plugins \
        --log-level warn >"$dir/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
        answers && { echo "$host"; exit 0; }
        sleep 0.5
    done
    echo "engine: dockerd did not answer on $sock within 60 s; its log:" >&2
    tail -n 30 "$dir/dockerd.log" >&2
    exit 1
    ;;
stop)
    alive || { rm -f "$pidfile"; exit 0; }
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    # dockerd stops its containers first (each within its stop timeout), then exits.
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || { echo "engine: stopped (pid $pid)"; exit 0; }
        sleep 0.5
    done
    echo "engine: dockerd (pid $pid) still runs after 120 s; killing it" >&2
    kill -KILL "$pid"
    ;;
host) echo "$host" ;;
running) alive && answers ;;
*)
    echo "usage: $0 start|stop|host|running" >&2
    exit 2
    ;;
esac
