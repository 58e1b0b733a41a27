// Reading the stack for the smoke checks: a missing CLI or a failing one says what to do, instead
// of `spawn pulumi ENOENT`.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { readStack } from "../../scripts/smoke/stack";
import { makeTempDir } from "../support/processes";

describe("smoke: reading the stack", () => {
    it("names the missing Pulumi CLI and the entry point, not spawn ENOENT", async () => {
        const missing = path.join(makeTempDir("no-pulumi"), "pulumi");
        const err = await readStack("dev-ana", missing).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.message).to.equal(
            `the Pulumi CLI (${missing}) is not on PATH; install it (https://www.pulumi.com/docs/install/), then run the checks with \`scripts/stack.sh smoke\``,
        );
    });

    it("outside the entry point, a failing read points at it", async () => {
        const dir = makeTempDir("failing-pulumi");
        const bin = path.join(dir, "pulumi");
        fs.writeFileSync(bin, "#!/bin/sh\necho 'error: no stack named dev-ana found' >&2\nexit 255\n", { mode: 0o755 });
        const saved = process.env.MINIMARKET_STACK;
        delete process.env.MINIMARKET_STACK;
        try {
            const err = await readStack("dev-ana", bin).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err?.message).to.equal(
                "pulumi stack output --stack dev-ana failed (exit 255): error: no stack named dev-ana found; " +
                    "run the checks with `scripts/stack.sh smoke`, which gives them the stack's backend and passphrase",
            );
        } finally {
            if (saved !== undefined) process.env.MINIMARKET_STACK = saved;
        }
    });
});
