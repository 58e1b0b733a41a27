#!/usr/bin/env bash
# Preview and drift jobs: the deploy key in an ssh-agent (the Docker provider reaches the hosts over
# ssh://), host keys pinned. The key comes from the environment (a repository secret), never a
# file on disk, and is never printed; the agent's socket reaches later steps through GITHUB_ENV.
set -euo pipefail

: "${DEPLOY_SSH_KEY:?set the DEPLOY_SSH_KEY secret: private key of the deploy user on the Docker hosts}"
: "${DEPLOY_KNOWN_HOSTS:?set the DEPLOY_KNOWN_HOSTS variable: ssh-keyscan output for the Docker hosts}"
: "${GITHUB_ENV:?GITHUB_ENV is not set (this runs as a GitHub Actions step)}"
install -d -m 700 "$HOME/.ssh"
printf '%s\n' "$DEPLOY_KNOWN_HOSTS" >"$HOME/.ssh/known_hosts"
eval "$(ssh-agent -s)" >/dev/null
printf '%s\n' "$DEPLOY_SSH_KEY" | ssh-add - 2>/dev/null
echo "SSH_AUTH_SOCK=$SSH_AUTH_SOCK" >>"$GITHUB_ENV"
echo "SSH_AGENT_PID=$SSH_AGENT_PID" >>"$GITHUB_ENV"
echo "ci: deploy key loaded into ssh-agent $SSH_AGENT_PID" >&2
