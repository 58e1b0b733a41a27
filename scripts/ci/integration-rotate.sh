#!/usr/bin/env bash
# Integration job: rotate postgresPassword and redisPassword with the program's rotation counters
# and deploy again. Proves: the old passwords are refused and the new ones work, the data written
# before is still there, and only the containers that consume those secrets were replaced.
# Passwords stay in shell variables and reach containers only as `-e NAME` from the environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

stack=$(integration_stack)
pg="minimarket-$stack-postgres"
redis="minimarket-$stack-redis"
# What these two rotations replace (docs/configuration.md, "Rotating a secret"): the four apps for
# postgresPassword (the role's password changes in place), Redis and its exporter for redisPassword.
expected_replaced="agente-deposito agente-negocio dashboard ml-service redis redis-exporter"

# pg_as <password> <sql>: SQL as the app role over TCP, where PostgreSQL checks the password.
pg_as() {
    PGPASSWORD="$1" docker exec -e PGPASSWORD "$pg" \
        psql -h 127.0.0.1 -U minimarket_app -d inventario_retail -v ON_ERROR_STOP=1 -qtAc "$2"
}
# redis_as <password> <args...>: a redis-cli command with that password.
redis_as() {
    local password=$1
    shift
    REDISCLI_AUTH="$password" docker exec -e REDISCLI_AUTH "$redis" redis-cli --no-auth-warning "$@" 2>&1
}
# By service label: app containers get a new name with each replacement (auto-named).
container_ids() {
    docker ps -a --filter "label=com.minimarket.environment=$stack" --format '{{.Label "com.minimarket.service"}} {{.ID}}' | sort
}

old_pg=$(stack_secret "$stack" postgresPassword)
old_redis=$(stack_secret "$stack" redisPassword)
marker="rotation-${GITHUB_RUN_ID}-$(date +%s)"

ci_log "writing a row to PostgreSQL and a key to Redis before the rotation"
pg_as "$old_pg" "CREATE TABLE IF NOT EXISTS ci_rotation_check (marker text PRIMARY KEY); INSERT INTO ci_rotation_check VALUES ('$marker');" >/dev/null ||
    ci_fail "could not write to PostgreSQL as minimarket_app before the rotation"
[ "$(redis_as "$old_redis" SET ci:rotation-check "$marker")" = "OK" ] || ci_fail "could not write to Redis before the rotation"
before=$(container_ids)
[ -n "$before" ] || ci_fail "no containers of $stack found"

timed "rotate postgresPassword (config)" pulumi config set --stack "$stack" --path rotations.postgresPassword 1
timed "rotate redisPassword (config)" pulumi config set --stack "$stack" --path rotations.redisPassword 1
timed "pulumi up after the rotation" pulumi up --stack "$stack" --yes --skip-preview

new_pg=$(stack_secret "$stack" postgresPassword)
new_redis=$(stack_secret "$stack" redisPassword)
[ "$new_pg" != "$old_pg" ] || ci_fail "postgresPassword did not change"
[ "$new_redis" != "$old_redis" ] || ci_fail "redisPassword did not change"

ci_log "checking the passwords and the data after the rotation"
if pg_as "$old_pg" "SELECT 1" >/dev/null 2>&1; then ci_fail "PostgreSQL still accepts the old password"; fi
[ "$(pg_as "$new_pg" "SELECT marker FROM ci_rotation_check WHERE marker = '$marker'")" = "$marker" ] ||
    ci_fail "the row written before the rotation is not there, or the new PostgreSQL password does not work"
[ "$(redis_as "$old_redis" PING)" != "PONG" ] || ci_fail "Redis still accepts the old password"
[ "$(redis_as "$new_redis" PING)" = "PONG" ] || ci_fail "Redis refuses the new password"
[ "$(redis_as "$new_redis" GET ci:rotation-check)" = "$marker" ] || ci_fail "the Redis key written before the rotation is gone"

after=$(container_ids)
replaced=$(awk 'NR == FNR { b[$1] = $2; next } { a[$1] = $2 }
    END { for (n in b) if (a[n] != b[n]) print n; for (n in a) if (!(n in b)) print n }' \
    <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sort -u | tr '\n' ' ' | sed 's/ $//')
ci_log "containers replaced: ${replaced:-none}"
[ "$replaced" = "$expected_replaced" ] || ci_fail "replaced containers: '${replaced}', expected exactly '$expected_replaced'"
ci_log "rotation checks passed: old passwords refused, new ones work, data kept, only the expected containers replaced"
