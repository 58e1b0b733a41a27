#!/usr/bin/env bash
# `npm run test:engine`: the engine tests (test/engine/*.engine.ts) on a real Docker Engine.
# Uses the engine of scripts/engine/dockerd.sh; starts it when it is not running and this machine
# can (root, dockerd installed: scripts/engine/install.sh) and stops it again at the end. Builds
# the images it needs (scripts/engine/images.ts, cached by the engine). Without an engine the
# tests fail under CI and skip elsewhere.
set -euo pipefail
cd "$(dirname "$0")/../.."

started_here=""
stop_engine() { [ -z "$started_here" ] || bash scripts/engine/dockerd.sh stop; }
trap stop_engine EXIT

if ! bash scripts/engine/dockerd.sh running; then
    if [ -x /usr/sbin/dockerd ] && [ "$(id -u)" -eq 0 ]; then
        bash scripts/engine/dockerd.sh start >/dev/null
        started_here=1
    else
        echo "engine: no Docker Engine can be started here (root and scripts/engine/install.sh needed)" >&2
    fi
fi
if bash scripts/engine/dockerd.sh running; then
    MINIMARKET_ENGINE_HOST=$(bash scripts/engine/dockerd.sh host)
    export MINIMARKET_ENGINE_HOST
    DOCKER_HOST=$MINIMARKET_ENGINE_HOST npx ts-node --transpile-only scripts/engine/images.ts
fi
npx mocha --reporter scripts/engine/reporter.js --file test/engine/stack.ts "test/engine/*.engine.ts" "$@"
