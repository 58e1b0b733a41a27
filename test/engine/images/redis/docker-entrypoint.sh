#!/bin/sh
# The official image's entrypoint contract (docker-library/redis 7.4-rc/debian/docker-entrypoint.sh
# at e9204996), written for these tests: `-…` or `….conf` first means redis-server (lines 4-8);
# redis-server as root chowns what in the working directory (/data) is not redis's and re-runs as
# redis through gosu (10-14); umask 0077 when it is 0022 (16-22); anything else runs unchanged.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec gosu redis "$0" "$@"
fi
[ "$(umask)" != 0022 ] || umask 0077
exec "$@"
