// How Redis is started and probed. Kept apart from the container resource so the exact command
// can be run against a real redis-server in the tests.

import { ENDPOINTS } from "../../facts/endpoints";

export const REDIS_PORT = ENDPOINTS.redis.port;

export interface RedisSettings {
    maxmemory: string;
    maxmemoryPolicy: string;
}

export const redisSettings: RedisSettings = { maxmemory: "512mb", maxmemoryPolicy: "allkeys-lru" };

/** The official image's entrypoint: started as root with `redis-server` first, it fixes the data dir's owner and drops to `redis`. */
export const REDIS_ENTRYPOINT = "docker-entrypoint.sh";

/**
 * The container command. The password comes from $REDIS_PASSWORD at start, so rotating it needs
 * no new image; redis-server quotes each argv value itself, so any character is safe, and it
 * rewrites its process title, so the password does not show in `ps`.
 *
 * The shell hands over to the image's entrypoint with `redis-server` as its first argument:
 * only then does the entrypoint (redis/docker-library-redis debian/docker-entrypoint.sh) chown
 * the files in /data, including a volume written by an earlier root-run Redis, and re-exec itself
 * as the `redis` user (gosu in the 7.4 images, setpriv in later ones). `exec redis-server`
 * directly would keep it running as root.
 */
export function redisCommand(settings: RedisSettings = redisSettings, dataDir = "/data", entrypoint = REDIS_ENTRYPOINT): string[] {
    return [
        "sh",
        "-c",
        [
            `exec ${entrypoint} redis-server --requirepass "$REDIS_PASSWORD"`,
            "--appendonly yes",
            `--dir ${dataDir}`,
            `--maxmemory ${settings.maxmemory}`,
            `--maxmemory-policy ${settings.maxmemoryPolicy}`,
            `--port ${REDIS_PORT}`,
            // Extra arguments after the command (none in the container) override the above.
            '"$@"',
        ].join(" "),
        "redis-server",
    ];
}

/** redis-cli reads the password from REDISCLI_AUTH, which keeps it off the command line. */
export function redisHealthcheck(): string[] {
    return ["CMD-SHELL", `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p ${REDIS_PORT} ping | grep -q PONG`];
}
