// Shell scripts of the Docker host, as pure functions: the VM's startup script and the local
// readiness check that gates the Docker provider. Kept apart so they can be checked with a shell.

import { shellQuote } from "./shell";

export interface StartupScriptOptions {
    /** GCE device name of the data disk: it appears as /dev/disk/by-id/google-<name>. */
    dataDeviceName: string;
    /** Where the data disk is mounted; Docker's data root lives below it. */
    mountPoint: string;
    deployUser: string;
    /** Docker's default-address-pools base (gcp.dockerAddressPool). */
    dockerAddressPool: string;
}

export const DATA_DEVICE_NAME = "minimarket-data";
/** Under /mnt/disks (not /var/lib/docker) so node-exporter and the disk alert see a real filesystem. */
export const DATA_MOUNT_POINT = "/mnt/disks/minimarket-data";

/** Size of each bridge network Docker carves from its address pool. */
export const DOCKER_POOL_SUBNET_PREFIX = 24;

/**
 * Docker daemon settings: data root on the data disk, rotated logs, containers kept up across
 * daemon restarts, and bridge networks only from `addressPool` (pinned apart from the VPC's ranges).
 */
export function daemonJson(dataRoot: string, addressPool: string): string {
    return JSON.stringify(
        {
            "data-root": dataRoot,
            "log-driver": "json-file",
            "log-opts": { "max-size": "10m", "max-file": "5" },
            "live-restore": true,
            "default-address-pools": [{ base: addressPool, size: DOCKER_POOL_SUBNET_PREFIX }],
        },
        null,
        2,
    );
}

/**
 * Runs as root at every boot (GCE `startup-script` metadata). Idempotent: formats the data disk
 * only when it carries no filesystem, so a replaced VM finds the previous one's volumes, images
 * and containers; installs docker.io from Debian only when missing.
 */
export function startupScript(o: StartupScriptOptions): string {
    const device = `/dev/disk/by-id/google-${o.dataDeviceName}`;
    const dataRoot = `${o.mountPoint}/docker`;
    return `#!/bin/bash
# MiniMarket Docker host: prepared at every boot by this script (GCE startup-script).
set -euo pipefail

DEVICE=${shellQuote(device)}
MOUNT_POINT=${shellQuote(o.mountPoint)}
DEPLOY_USER=${shellQuote(o.deployUser)}

# The data disk is attached at boot, but udev may publish its link a little later.
for _ in $(seq 1 60); do [ -b "$DEVICE" ] && break; sleep 2; done
[ -b "$DEVICE" ] || { echo "data disk $DEVICE is not attached" >&2; exit 1; }

# Never format a disk that already has a filesystem: it holds the previous VM's data.
if [ -z "$(blkid -p -o value -s TYPE "$DEVICE" || true)" ]; then
  mkfs.ext4 -q -m 0 -L minimarket-data -E lazy_itable_init=0,lazy_journal_init=0,discard "$DEVICE"
fi
mkdir -p "$MOUNT_POINT"
if ! grep -q " $MOUNT_POINT " /etc/fstab; then
  echo "$DEVICE $MOUNT_POINT ext4 discard,defaults,nofail 0 2" >> /etc/fstab
fi
mountpoint -q "$MOUNT_POINT" || mount "$MOUNT_POINT"
mkdir -p ${shellQuote(dataRoot)}

# Docker must never start on the boot disk's empty data root.
mkdir -p /etc/systemd/system/docker.service.d /etc/docker
printf '[Unit]\\nRequiresMountsFor=%s\\n' "$MOUNT_POINT" > /etc/systemd/system/docker.service.d/data-disk.conf
systemctl daemon-reload
cat > /etc/docker/daemon.json.new <<'DAEMON_JSON'
${daemonJson(dataRoot, o.dockerAddressPool)}
DAEMON_JSON
changed=1
cmp -s /etc/docker/daemon.json.new /etc/docker/daemon.json && changed=0
mv /etc/docker/daemon.json.new /etc/docker/daemon.json

if ! command -v dockerd >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3 4 5; do
    apt-get update -q && apt-get install -y -q docker.io && break
    [ "$attempt" = 5 ] && exit 1
    sleep 15
  done
fi

# The guest agent also creates this user (from the ssh-keys metadata), possibly at the same moment.
id -u "$DEPLOY_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$DEPLOY_USER" || id -u "$DEPLOY_USER" >/dev/null
usermod -aG docker "$DEPLOY_USER"
systemctl enable docker
if [ "$changed" = 1 ]; then systemctl restart docker; else systemctl start docker; fi
`;
}

export interface ReadinessOptions {
    /** `user@address` of the Docker host. */
    target: string;
    /** Extra ssh options (the stack's dockerSshOpts), e.g. ["-i", "~/.ssh/minimarket-prod"]. */
    sshOpts: string[];
    /** Upper bound of the wait; a new VM needs a few minutes to boot and install Docker. */
    timeoutSeconds: number;
    intervalSeconds: number;
}

/**
 * Waits, bounded, until `docker version` answers over ssh:// — the way the Docker provider and
 * the release steps reach the host. A new VM has a new host key on the same static address, so
 * the stale key of that address is dropped and the new one accepted on first use.
 */
export function readinessScript(o: ReadinessOptions): string {
    const host = o.target.slice(o.target.indexOf("@") + 1);
    const ssh = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=accept-new", ...o.sshOpts, o.target, "true"]
        .map(shellQuote)
        .join(" ");
    const docker = ["docker", "-H", `ssh://${o.target}`, "version", "--format", "{{.Server.Version}}"].map(shellQuote).join(" ");
    return [
        "set -u",
        `ssh-keygen -R ${shellQuote(host)} >/dev/null 2>&1 || true`,
        `deadline=$(( $(date +%s) + ${o.timeoutSeconds} ))`,
        `until ${ssh} >/dev/null 2>&1 && version=$(${docker} 2>/dev/null); do`,
        `  if [ "$(date +%s)" -ge "$deadline" ]; then`,
        `    echo ${shellQuote(`Docker on ${o.target} did not answer over ssh:// within ${o.timeoutSeconds}s; check gcp.sshSourceRanges, the key for the deploy user (ssh-agent or ~/.ssh/config: the docker CLI takes no -i), and the VM's serial console`)} >&2`,
        "    exit 1",
        "  fi",
        `  sleep ${o.intervalSeconds}`,
        "done",
        `echo "Docker $version answers on "${shellQuote(o.target)}`,
    ].join("\n");
}
