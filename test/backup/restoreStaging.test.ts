// scripts/restore-staging.sh and scripts/backup-staging.sh (what scripts/stack.sh restore|backup run) against a fake `docker` on PATH that
// records every call: what is stopped, restored and started, in which order, and what is refused.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, requireBinaries } from "../support/processes";
import { actionsOn, FAKE_DOCKER_PY, hostContainers, runningApps, writeHost } from "../support/fakeDocker";

const ROOT = path.join(__dirname, "..", "..");
const RESTORE = path.join(ROOT, "scripts", "restore-staging.sh");
const BACKUP = path.join(ROOT, "scripts", "backup-staging.sh");
const ID = "20260301T030000Z";

// verify: prints the ID (or fails, FAKE_VERIFY_RC); ps, stop, start: a host's table of containers
// (test/support/fakeDocker.py), so the filters decide what is stopped; cp: tar streams; the restore
// itself exits FAKE_RESTORE_RC.
const FAKE_DOCKER = `#!/bin/bash
echo "$*" >> "$FAKE_LOG"
case "$1" in ps|stop|start) exec "$FAKE_PYTHON" "$FAKE_DOCKER_PY" "$FAKE_HOST" "$@" ;; esac
case "$1 $2" in
    "exec minimarket-staging-backup")
        case "$*" in *" verify "*) [ "\${FAKE_VERIFY_RC:-0}" = 0 ] || { echo "backup is NOT usable" >&2; exit 1; }; echo ${ID} ;; esac ;;
    "cp minimarket-staging-backup:"*) echo "tar-bytes" ;;
    "cp -") cat >/dev/null ;;
esac
case "$*" in exec*restore-db.sh*) exit "\${FAKE_RESTORE_RC:-0}" ;; esac
exit 0
`;

describe("restore-staging.sh (fake docker)", () => {
    let dir: string;
    let logFile: string;
    let host: string;
    let python3: string;
    // The staging apps as `docker ps -q` prints them: what the live restore must stop and start.
    const apps = runningApps(hostContainers("staging", "prod"), "staging");
    const shown = apps.map((id) => id.slice(0, 12)).join(" ");
    before(function () {
        python3 = requireBinaries(this, ["python3"]).python3;
    });
    beforeEach(() => {
        dir = makeTempDir("restore-staging");
        fs.writeFileSync(path.join(dir, "docker"), FAKE_DOCKER, { mode: 0o755 });
        logFile = path.join(dir, "calls.log");
        host = path.join(dir, "host.json");
        writeHost(host, hostContainers("staging", "prod"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function run(script: string, args: string[], env: Record<string, string> = {}) {
        const r = spawnSync("bash", [script, ...args], {
            encoding: "utf8",
            // The entry point (scripts/stack.sh) hands the scripts the stack's environment label.
            env: {
                PATH: `${dir}:${process.env.PATH}`,
                FAKE_LOG: logFile,
                FAKE_PYTHON: python3,
                FAKE_DOCKER_PY,
                FAKE_HOST: host,
                MINIMARKET_ENVIRONMENT: "staging",
                ...env,
            },
            timeout: 30_000,
        });
        const calls = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n") : [];
        return { ...r, calls };
    }
    const indexOf = (calls: string[], pattern: RegExp) => calls.findIndex((c) => pattern.test(c));

    it("refuses to touch the live database without --confirm naming it, before any docker call", () => {
        for (const extra of [[], ["--confirm", "yes"], ["--confirm", "staging"]]) {
            const r = run(RESTORE, ["--into", "live", ...extra]);
            expect(r.status, extra.join(" ")).to.equal(3);
            expect(r.stderr).to.match(/REFUSED.*--confirm inventario_retail/);
            expect(r.calls).to.deep.equal([]);
        }
    });

    it("scratch (the default): verifies, copies, restores into a new database; apps keep running", () => {
        const r = run(RESTORE, []);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.calls[0]).to.equal("exec minimarket-staging-backup sh /opt/minimarket-backup/minimarket-backup.sh verify latest");
        expect(r.calls).to.include(`cp minimarket-staging-backup:/backups/backup-${ID}.dump -`);
        expect(r.calls).to.include(`cp minimarket-staging-backup:/backups/backup-${ID}.manifest -`);
        const restore = r.calls.find((c) => c.startsWith("exec") && c.includes("restore-db.sh"));
        expect(restore).to.equal(
            `exec -e PGUSER=postgres -e PGDATABASE=inventario_retail minimarket-staging-postgres sh /tmp/minimarket-restore/restore-db.sh ` +
                `--dump /tmp/minimarket-restore/backup-${ID}.dump --manifest /tmp/minimarket-restore/backup-${ID}.manifest --into scratch`,
        );
        expect(r.calls.some((c) => /^(stop|start) /.test(c))).to.equal(false);
        expect(r.calls[r.calls.length - 1]).to.equal("exec minimarket-staging-postgres rm -rf /tmp/minimarket-restore");
    });

    it("live with --confirm: stops the apps, restores, starts them again", () => {
        const r = run(RESTORE, ["--into", "live", "--confirm", "inventario_retail", "--backup", ID]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.calls[0]).to.match(new RegExp(`verify ${ID}$`));
        expect(r.calls).to.include("ps -q --filter label=com.minimarket.environment=staging --filter label=com.minimarket.role=app");
        const stop = r.calls.indexOf(`stop ${shown}`);
        const restore = indexOf(r.calls, /restore-db\.sh .*--into live --confirm inventario_retail$/);
        const start = r.calls.indexOf(`start ${shown}`);
        expect(stop).to.be.greaterThan(0);
        expect(restore).to.be.greaterThan(stop);
        expect(start).to.be.greaterThan(restore);
        // Staging's running apps only: not its database, backup or observability, not prod's apps.
        expect(actionsOn(host)).to.deep.equal([...apps.map((id) => ["stop", id]), ...apps.map((id) => ["start", id])]);
    });

    it("a failed restore still starts the apps, and fails", () => {
        const r = run(RESTORE, ["--into", "live", "--confirm", "inventario_retail"], { FAKE_RESTORE_RC: "1" });
        expect(r.status).to.not.equal(0);
        expect(r.calls.indexOf(`start ${shown}`)).to.be.greaterThan(indexOf(r.calls, /^exec .*restore-db\.sh/));
    });

    it("a backup that fails verification stops nothing and restores nothing", () => {
        const r = run(RESTORE, ["--into", "live", "--confirm", "inventario_retail"], { FAKE_VERIFY_RC: "1" });
        expect(r.status).to.not.equal(0);
        expect(r.calls).to.have.length(1);
        expect(r.calls[0]).to.match(/verify latest$/);
    });

    it("uses the containers of the stack's environment", () => {
        const r = run(RESTORE, ["--list"], { MINIMARKET_ENVIRONMENT: "demo" });
        expect(r.calls).to.deep.equal(["exec minimarket-demo-backup sh /opt/minimarket-backup/minimarket-backup.sh list"]);
    });

    it("backup-staging.sh runs the container's command, and only known commands", () => {
        expect(run(BACKUP, ["drill"]).calls).to.deep.equal(["exec minimarket-staging-backup sh /opt/minimarket-backup/minimarket-backup.sh drill"]);
        const bad = run(BACKUP, ["rm", "-rf", "/"]);
        expect(bad.status).to.equal(2);
        expect(bad.calls).to.have.length(1); // only the drill call above
    });
});
