// docs/app-contract.md, "What the image must have and do", against what the program declares for
// an app image: the exact health probe and its timings, the release step that keeps the image's
// ENTRYPOINT, the stop grace. The probe also runs here, against a local server, as the container
// would run it (its `python` is this machine's python3).

import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { named, ProgramRun, runProgram, unwrap } from "./support/program";
import { freePort, requireBinaries } from "./support/processes";
import { COMMAND, CONTAINER, realImages } from "./support/staging";

const contract = fs.readFileSync(path.join(__dirname, "..", "docs", "app-contract.md"), "utf8");
const section = contract.slice(contract.indexOf("## What the image must have and do"));
const PORTS = { "agente-deposito": 8001, "agente-negocio": 8002, "ml-service": 8003, dashboard: 8080 } as const;

const probe = (port: number) => ["CMD", "python", "-c", `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/health', timeout=4)`];

/** Runs argv (async: the server answering it lives in this process) and resolves its exit code. */
function exitCode(bin: string, args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { stdio: "ignore", env: { PATH: process.env.PATH } });
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("exit", (code) => {
            clearTimeout(timer);
            resolve(code);
        });
    });
}

describe("the app image contract (docs/app-contract.md) is what the program declares", function () {
    this.timeout(300_000);
    let run: ProgramRun;
    before(async () => {
        run = await runProgram(realImages);
        expect(run.error, run.error?.stack).to.equal(undefined);
    });

    it("probes /health with `python` on 127.0.0.1 at the service's port, every 15 s, every second while starting for 60 s", () => {
        expect(section).to.include("**`python` on `PATH`**").and.include("every 15 s (every second while starting, for up to 60 s)");
        for (const [service, port] of Object.entries(PORTS)) {
            expect(section, service).to.include(`${service} ${port}`);
            const c = named(run, CONTAINER, service);
            expect(unwrap(c.inputs.healthcheck), service).to.deep.equal({
                tests: probe(port),
                interval: "15s",
                timeout: "5s",
                retries: 3,
                startPeriod: "1m0s",
                startInterval: "1s",
            });
            expect(c.inputs.wait, service).to.equal(true);
        }
    });

    it("the probe passes on a 200 from /health and fails on an error status or no answer; it asks for /health", async function () {
        const { python3 } = requireBinaries(this, ["python3"]);
        const port = await freePort();
        let status = 200;
        const paths: string[] = [];
        const server = http.createServer((req, res) => {
            paths.push(req.url ?? "");
            res.writeHead(req.url === "/health" ? status : 404).end("ok");
        });
        await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
        try {
            // The only rewrite: this machine's free port instead of the service's.
            const [, , flag, code] = probe(8001);
            const local = code.replace(":8001/", `:${port}/`);
            expect(await exitCode(python3, [flag, local])).to.equal(0);
            status = 503;
            expect(await exitCode(python3, [flag, local])).not.to.equal(0);
            expect(paths).to.deep.equal(["/health", "/health"]);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
        const [, , flag, code] = probe(8001);
        expect(await exitCode(python3, [flag, code.replace(":8001/", `:${port}/`)]), "nothing listening").not.to.equal(0);
    });

    it("runs the release step with the image's own ENTRYPOINT: the migration command only replaces CMD", () => {
        expect(section).to.include("**The release step keeps the image's own `ENTRYPOINT`.**");
        const create = String(named(run, COMMAND, "ml-service-migrate").inputs.create);
        const dockerRun = create.slice(create.indexOf("docker run "));
        expect(dockerRun).not.to.include("--entrypoint");
        // The default migrationCommand follows the image as its arguments, nothing in between.
        expect(dockerRun).to.match(/ -e TZ registry\.example\.com\/minimarket\/ml-service:2\.0\.1 alembic upgrade head$/);
        expect(dockerRun).to.include("--network minimarket-staging-data ");
        expect(dockerRun).not.to.include("minimarket-staging-services");
    });

    it("stops an app container with 30 s between SIGTERM and SIGKILL", () => {
        expect(section).to.include("**Stop on `SIGTERM` within 30 s.**");
        for (const service of Object.keys(PORTS)) expect(named(run, CONTAINER, service).inputs.destroyGraceSeconds, service).to.equal(30);
    });
});
