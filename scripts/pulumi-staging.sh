#!/usr/bin/env bash
# The former name of scripts/stack.sh, kept so older notes still work: same arguments.
exec bash "$(dirname "$0")/stack.sh" "$@"
