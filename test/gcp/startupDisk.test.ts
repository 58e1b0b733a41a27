// Runs the Docker host's startup script for real against a loop device standing in for the data
// disk, inside a private mount namespace (its /etc, /dev and /mnt are throwaway copies), with
// systemctl, apt-get and the user tools stubbed. Proves the one thing that must never go wrong:
// a disk that already holds data is never formatted, on reboot or on a replaced VM.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DATA_MOUNT_POINT, startupScript } from "../../renderers/hostScripts";
import { requireBinaries, runningAsRoot, unavailable } from "../support/tools";

const DEVICE_NAME = "minimarket-data";

/** Sets up the namespace, then runs `script`, then `after` (both as bash). */
const harness = `set -euo pipefail
work=$1 loop=$2 etc=$3; shift 3
mount --bind "$etc" /etc
mount -t tmpfs tmpfs /mnt
read -r major minor < <(stat -L -c '%t %T' "$loop")
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 660 /dev/fakedisk b $((16#$major)) $((16#$minor))
mkdir -p /dev/disk/by-id
ln -s /dev/fakedisk /dev/disk/by-id/google-${DEVICE_NAME}
PATH="$work/bin:$work/system" "$BASH" "$work/startup.sh"
bash -c "$1"
`;

/**
 * The commands the startup script may find on a new VM's PATH, linked from this machine's. Nothing
 * else is there: whether this machine has Docker installed (a dockerd on PATH) must not change
 * what the script does; the stub apt-get alone decides when dockerd "is installed".
 */
const SYSTEM_TOOLS = ["seq", "sleep", "blkid", "mkdir", "grep", "mountpoint", "mount", "cat", "cmp", "mv", "id", "chmod", "rm"];

/** What the harness needs; each missing piece is named, skipped locally and fatal under CI. */
function requireLoopAndNamespaces(ctx: Mocha.Context): Record<string, string> {
    const bins = requireBinaries(ctx, ["unshare", "losetup", "mkfs.ext4", ...SYSTEM_TOOLS]);
    if (!runningAsRoot()) unavailable(ctx, "the startup-disk test needs root (mount namespaces, loop devices)");
    const ns = spawnSync(bins.unshare, ["-m", "--propagation", "private", "true"], { encoding: "utf8" });
    if (ns.status !== 0) unavailable(ctx, `unshare -m cannot create a mount namespace here: ${ns.stderr.trim()}`);
    const free = spawnSync(bins.losetup, ["-f"], { encoding: "utf8" });
    if (free.status !== 0) unavailable(ctx, `losetup -f finds no free loop device: ${free.stderr.trim()}`);
    return bins;
}

describe("Docker host startup script on a real disk", function () {
    let work: string;
    let loop: string;
    let bins: Record<string, string>;

    before(function () {
        bins = requireLoopAndNamespaces(this);
    });

    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "startup-"));
        const image = path.join(work, "disk.img");
        fs.writeFileSync(image, "");
        fs.truncateSync(image, 64 * 1024 * 1024);
        loop = spawnSync(bins.losetup, ["-f", "--show", image], { encoding: "utf8" }).stdout.trim();
        expect(loop).to.match(/^\/dev\/loop\d+$/);
        fs.writeFileSync(
            path.join(work, "startup.sh"),
            startupScript({ dataDeviceName: DEVICE_NAME, mountPoint: DATA_MOUNT_POINT, deployUser: "deploy", dockerAddressPool: "172.17.0.0/16" }),
        );
        stubTools(work, bins);
    });

    afterEach(() => {
        if (loop) spawnSync(bins.losetup, ["-d", loop]);
        fs.rmSync(work, { recursive: true, force: true });
    });

    /** A boot: a copy of /etc (fresh for a new VM, kept for a reboot), the same data disk. */
    function boot(etc: string, after: string): { status: number | null; out: string } {
        const run = spawnSync(bins.unshare, ["-m", "--propagation", "private", "bash", "-c", harness, "harness", work, loop, etc, after], {
            encoding: "utf8",
            timeout: 60_000,
        });
        return { status: run.status, out: run.stdout + run.stderr };
    }

    function freshEtc(name: string): string {
        const etc = path.join(work, name);
        expect(spawnSync("cp", ["-a", "/etc", etc]).status).to.equal(0);
        return etc;
    }

    const calls = () => fs.readFileSync(path.join(work, "calls.log"), "utf8");
    const resetCalls = () => fs.writeFileSync(path.join(work, "calls.log"), "");

    it("formats a blank disk once, and keeps its data across a reboot and a replaced VM", () => {
        const etc = freshEtc("etc-vm1");
        const first = boot(etc, `echo kept > ${DATA_MOUNT_POINT}/docker/marker; mountpoint ${DATA_MOUNT_POINT}`);
        expect(first.status, first.out).to.equal(0);
        expect(first.out).to.include(`${DATA_MOUNT_POINT} is a mountpoint`);
        expect(calls()).to.match(/^mkfs\.ext4 /m);
        expect(calls()).to.include("apt-get install -y -q docker.io");
        expect(calls()).to.include("useradd --create-home --shell /bin/bash deploy");
        expect(calls()).to.include("usermod -aG docker deploy");
        expect(calls()).to.include("systemctl restart docker");
        const daemon = JSON.parse(fs.readFileSync(path.join(etc, "docker/daemon.json"), "utf8"));
        expect(daemon["data-root"]).to.equal(`${DATA_MOUNT_POINT}/docker`);
        expect(fs.readFileSync(path.join(etc, "systemd/system/docker.service.d/data-disk.conf"), "utf8")).to.include(`RequiresMountsFor=${DATA_MOUNT_POINT}`);

        resetCalls();
        const reboot = boot(etc, `cat ${DATA_MOUNT_POINT}/docker/marker`);
        expect(reboot.status, reboot.out).to.equal(0);
        expect(reboot.out).to.include("kept");
        expect(calls()).not.to.match(/^mkfs/m);
        // Same settings: Docker is started, not restarted; it is installed already.
        expect(calls()).to.include("systemctl start docker");
        expect(calls()).not.to.include("apt-get");
        expect(fs.readFileSync(path.join(etc, "fstab"), "utf8").match(new RegExp(DATA_MOUNT_POINT, "g"))).to.have.length(1);

        resetCalls();
        const replaced = boot(freshEtc("etc-vm2"), `cat ${DATA_MOUNT_POINT}/docker/marker`);
        expect(replaced.status, replaced.out).to.equal(0);
        expect(replaced.out).to.include("kept");
        expect(calls()).not.to.match(/^mkfs/m);
    });
});

/** Stubs that log their calls; mkfs.ext4 logs and runs the real one. apt-get "installs" dockerd. */
function stubTools(work: string, bins: Record<string, string>): void {
    const system = path.join(work, "system");
    fs.mkdirSync(system);
    for (const name of SYSTEM_TOOLS) fs.symlinkSync(bins[name], path.join(system, name));
    const bin = path.join(work, "bin");
    fs.mkdirSync(bin);
    const log = path.join(work, "calls.log");
    fs.writeFileSync(log, "");
    const stub = (name: string, body = "exit 0") =>
        fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`, { mode: 0o755 });
    stub("mkfs.ext4", `exec ${bins["mkfs.ext4"]} "$@"`);
    stub("systemctl");
    stub("useradd");
    stub("usermod");
    stub("apt-get", `[ "$1" = install ] && printf '#!/bin/sh\\n' > ${bin}/dockerd && chmod +x ${bin}/dockerd; exit 0`);
}
