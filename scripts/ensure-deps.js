// Runs before `npm test` (the `pretest` script): on a fresh clone, or after package-lock.json
// changed, it installs the locked packages first, so the README's test command works by itself.
// Plain JavaScript on purpose: it runs before TypeScript and ts-node are installed.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

/** Why the installed packages are missing or older than the lock file, or undefined when current. */
function staleReason(root) {
    const lock = path.join(root, "package-lock.json");
    const installed = path.join(root, "node_modules", ".package-lock.json");
    if (!fs.existsSync(installed)) return "node_modules is missing";
    if (fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs) return "package-lock.json changed since the last install";
    return undefined;
}

module.exports = { staleReason };

if (require.main === module) {
    const root = path.join(__dirname, "..");
    const reason = staleReason(root);
    if (reason) {
        console.error(`ensure-deps: ${reason}; running npm ci`);
        const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
        process.exit(r.status ?? 1);
    }
}
