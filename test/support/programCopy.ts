// A copy of the program in a directory of its own, for tests that change a file of it or need a
// repository of their own: the program, the policy pack and the scripts, with node_modules linked.

import * as fs from "fs";
import * as path from "path";

const REPO = path.join(__dirname, "..", "..");

/** What `npm run policy`, `npm run render` and the CI scripts need; tests and docs are left out. */
export const PROGRAM_FILES = [
    "index.ts",
    "facts",
    "config",
    "renderers",
    "components",
    "stacks",
    "policy",
    "scripts",
    "package.json",
    "tsconfig.json",
    "Pulumi.yaml",
    "Pulumi.staging.yaml",
    "Pulumi.prod.yaml",
];

/** Copies the program into `dest` (with test/support, which `npm run policy` runs it with) and links node_modules. */
export function copyProgram(dest: string): string {
    for (const f of PROGRAM_FILES) fs.cpSync(path.join(REPO, f), path.join(dest, f), { recursive: true });
    fs.cpSync(path.join(REPO, "test", "support"), path.join(dest, "test", "support"), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dest, "node_modules"), "dir");
    return dest;
}
