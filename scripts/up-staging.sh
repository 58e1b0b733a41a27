#!/usr/bin/env bash
# Sets up and deploys the staging stack to the local Docker daemon, with Pulumi state kept in a
# local directory (no Pulumi Cloud account needed). Extra arguments go to `pulumi up`.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "up-staging: $*" >&2; exit 1; }

# Install first: a missing Docker or Pulumi should not leave a fresh clone without its packages.
node scripts/ensure-deps.js
command -v docker >/dev/null || fail "the docker CLI is missing; install Docker Engine (https://docs.docker.com/engine/install/)"
docker info >/dev/null 2>&1 || fail "Docker is not answering; start the Docker daemon, or point staging at a remote host (README: Remote Docker host)"
command -v pulumi >/dev/null || fail "the Pulumi CLI is missing; install it (https://www.pulumi.com/docs/install/)"

home="${MINIMARKET_HOME:-$HOME/.minimarket}"
mkdir -p "$home/state"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$home/state}"

# Stack secrets are encrypted with a passphrase; a newcomer gets a random one, kept private.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    passfile="$home/staging.passphrase"
    if [ ! -f "$passfile" ]; then
        (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > "$passfile")
        echo "up-staging: created $passfile; it decrypts this stack's secrets, so back it up"
    fi
    export PULUMI_CONFIG_PASSPHRASE_FILE="$passfile"
fi

pulumi stack select --create staging --secrets-provider passphrase
pulumi up --stack staging "$@"
