// The release step (migration) as the program renders it, run by a shell against a stand-in
// `docker` that records its calls and, like the daemon, refuses a second container of one name.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { named, ProgramRun, runProgram } from "./support/program";
import { COMMAND, realImages } from "./support/staging";
import { makeTempDir } from "./support/processes";

const NAME = "minimarket-staging-ml-service-migrate";

/** A `docker` that keeps the names of existing containers in a file. */
function fakeDocker(existing: string[]) {
    const root = makeTempDir("release-step");
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    const log = path.join(root, "calls.log");
    const state = path.join(root, "containers");
    fs.writeFileSync(state, existing.map((n) => `${n}\n`).join(""));
    fs.writeFileSync(
        path.join(bin, "docker"),
        [
            "#!/bin/sh",
            `echo "docker $*" >> ${log}`,
            'case "$1" in',
            `rm) grep -vx "$3" ${state} > ${state}.new; mv ${state}.new ${state}; exit 0 ;;`,
            "run)",
            '    while [ $# -gt 0 ]; do [ "$1" = --name ] && name="$2"; shift; done',
            `    if grep -qx "$name" ${state}; then echo "Conflict. The container name \\"/$name\\" is already in use" >&2; exit 125; fi`,
            '    exit "${RUN_STATUS:-0}" ;;',
            "esac",
            "exit 1",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return {
        run: (script: string, runStatus = 0) =>
            spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin`, RUN_STATUS: String(runStatus) }, encoding: "utf8", timeout: 30_000 }),
        calls: () => fs.readFileSync(log, "utf8").trim().split("\n"),
        containers: () => fs.readFileSync(state, "utf8").split("\n").filter(Boolean),
    };
}

describe("release step: safe to run again after an interrupted `up`", () => {
    let run: ProgramRun;
    let create: string;
    before(async () => {
        run = await runProgram(realImages);
        expect(run.error, run.error?.stack).to.equal(undefined);
        create = named(run, COMMAND, "ml-service-migrate").inputs.create as string;
    });

    it("removes a migration container left under its name, then runs the migration", () => {
        const docker = fakeDocker([NAME, "minimarket-staging-postgres"]);
        const r = docker.run(create);
        expect(r.status, r.stderr).to.equal(0);
        const calls = docker.calls();
        expect(calls[0]).to.equal(`docker rm -f ${NAME}`);
        expect(calls[1]).to.match(new RegExp(`^docker run --rm --name ${NAME} --network minimarket-staging-data .* alembic upgrade head$`));
        expect(calls).to.have.length(2);
        expect(docker.containers(), "nothing else is removed").to.deep.equal(["minimarket-staging-postgres"]);
    });

    it("runs when there is no leftover (the removal's error is ignored), and a failed migration still fails the step", () => {
        const docker = fakeDocker([]);
        expect(docker.run(create).status).to.equal(0);
        // A migration that fails: the step's exit status is the run's, not the removal's.
        expect(docker.run(create, 3).status).to.equal(3);
    });
});
