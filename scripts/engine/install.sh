#!/usr/bin/env bash
# Installs what the engine tests need on a Debian 12 machine: Debian 13's Docker Engine (26.1,
# API 1.45: health probes with a start interval need API 1.44, which bookworm's 20.10 lacks) and
# debootstrap for the images' base. Only these packages come from trixie: the suite is added with
# priority 100, below bookworm's 500, so nothing else is upgraded (`apt-get install -t trixie`
# would take libc6, systemd and OpenSSL from trixie too). Services are not started: the tests
# start their own dockerd (scripts/engine/dockerd.sh). Idempotent.
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# The packages, each from the suite named: Debian 13 for the engine, the machine's own for the rest.
packages=(docker.io/trixie docker-cli/trixie containerd/trixie docker-buildx/trixie debootstrap iptables)

installed() {
    [ -x /usr/sbin/dockerd ] && /usr/sbin/dockerd --version 2>/dev/null | grep -q ' 2[6-9]\.' &&
        command -v debootstrap >/dev/null && [ -x /usr/bin/containerd ]
}
if installed; then
    echo "engine: $(/usr/sbin/dockerd --version) already installed"
    exit 0
fi

sources=/etc/apt/sources.list.d/minimarket-trixie.sources
if [ ! -e "$sources" ]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | $SUDO tee "$sources" >/dev/null
fi
printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' | $SUDO tee /etc/apt/preferences.d/minimarket-trixie >/dev/null
$SUDO apt-get update -qq
# A package's service must not start here (policy-rc.d, as .ci/run does for the test tools).
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    own_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
[ -z "$own_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
echo "engine: installed $(/usr/sbin/dockerd --version)"
