#!/usr/bin/env bash
# Deploy job: SSH access to the staging Docker host for both the Pulumi Docker provider and the
# docker CLI (release steps, readiness gates, smoke probes). The key comes from the environment
# (a repository secret), is written with mode 600, and is never printed.
set -euo pipefail

: "${STAGING_SSH_KEY:?set the STAGING_SSH_KEY secret: private key of the deploy user}"
: "${STAGING_KNOWN_HOSTS:?set the STAGING_KNOWN_HOSTS secret: ssh-keyscan output for the staging host}"
ssh_dir="$HOME/.ssh"
mkdir -p "$ssh_dir"
chmod 700 "$ssh_dir"
(umask 077 && printf '%s\n' "$STAGING_SSH_KEY" >"$ssh_dir/minimarket-deploy")
(umask 077 && printf '%s\n' "$STAGING_KNOWN_HOSTS" >>"$ssh_dir/known_hosts")
# The docker CLI has no -i option for ssh://, so the key is named in ~/.ssh/config (docs/stacks.md,
# "A remote Docker host"); unknown host keys are refused rather than trusted on first use.
(umask 077 && cat >>"$ssh_dir/config" <<CONFIG
Host *
    IdentityFile $ssh_dir/minimarket-deploy
    IdentitiesOnly yes
    StrictHostKeyChecking yes
CONFIG
)
echo "ci: ssh key and known_hosts for the staging host are in place" >&2
