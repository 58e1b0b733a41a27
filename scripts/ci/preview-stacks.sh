#!/usr/bin/env bash
# Preview job: `pulumi preview` of every deployed stack with the policy pack (policy/), writing for
# each stack into a private directory (umask 077; never printed, never uploaded, deleted by the
# job's cleanup step): the preview digest (--json), the plan and the state export (--show-secrets:
# the comment needs the environment values), and the engine's event log (the policy findings; the
# digest leaves them out). A stack whose preview fails is recorded, not fatal here: the comment
# says so, and preview-verdict.sh fails the job after the comment is posted.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

: "${PULUMI_BACKEND_URL:?set the PULUMI_BACKEND_URL variable: where the state of the stacks lives}"
umask 077
private="$RUNNER_TEMP/preview-private"
mkdir -p "$private"
# Its stdout names the backend URL. Without a backend no stack can be previewed: each says so.
if ! pulumi login "$PULUMI_BACKEND_URL" >/dev/null 2>"$private/login.log"; then
    for stack in "${DEPLOYED_STACKS[@]}"; do
        printf 'pulumi login' >"$private/$stack.failed"
        cp "$private/login.log" "$private/$stack.preview.log"
    done
    ci_log "pulumi login failed; the pull-request comment says why"
    exit 0
fi
# --event-log is a debug flag of the CLI (the Automation API turns it on the same way).
export PULUMI_DEBUG_COMMANDS=true
for stack in "${DEPLOYED_STACKS[@]}"; do
    use_stack_passphrase "$stack"
    rc=0
    pulumi preview --stack "$stack" --non-interactive --json --policy-pack policy \
        --event-log "$private/$stack.events.jsonl" \
        --save-plan "$private/$stack.plan.json" --show-secrets \
        >"$private/$stack.preview.json" 2>"$private/$stack.preview.log" || rc=$?
    if [ "$rc" -ne 0 ]; then
        printf 'pulumi preview' >"$private/$stack.failed"
        ci_log "pulumi preview --stack $stack failed (exit $rc); its error lines, secrets cut out, are in the pull-request comment"
    else
        ci_log "pulumi preview --stack $stack: done"
    fi
    # The current values of the environment; a stack whose export fails is still commented on.
    pulumi stack export --stack "$stack" --show-secrets --file "$private/$stack.state.json" 2>/dev/null ||
        { rm -f "$private/$stack.state.json"; ci_log "pulumi stack export --stack $stack failed; the comment shows names without values"; }
done
