// The README's first command, and the wrapper for later `pulumi` commands, run with stand-in
// `docker`, `pulumi` and `ssh` executables that record how they are called and with what
// environment: the scripts must reach `pulumi up --stack staging` with a local backend, one
// Docker daemon for every tool, and over ssh:// one shared connection.

import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const scripts = path.join(__dirname, "..", "scripts");

function fakeBin(dir: string, name: string, body: string) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

interface Fakes {
    dockerUp?: boolean;
    pulumi?: boolean;
    /** Stack config values `pulumi config get` answers with. */
    config?: Record<string, string>;
    /** What `docker context inspect` reports for the current context. */
    contextHost?: string;
    /** A daemon that does not answer `docker version`. */
    downHost?: string;
    /** What the daemon reports as `{{.Server.APIVersion}} {{.Server.Version}}`. */
    server?: string;
    env?: Record<string, string>;
}

// How the docker connection helper dials an ssh:// daemon (docker/cli cli/connhelper): one `ssh`
// per connection, from PATH. The provider (inside `pulumi up`) and the CLI both do it.
const DIAL = "ssh -l deploy -p 2222 -- staging.example.com docker system dial-stdio";

function setup(opts: Fakes = {}) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "up-staging-"));
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    const log = path.join(root, "calls.log");
    const sshLog = path.join(root, "ssh.log");
    const env = `| backend=$PULUMI_BACKEND_URL passfile=$PULUMI_CONFIG_PASSPHRASE_FILE DOCKER_HOST=\${DOCKER_HOST:-}`;
    fakeBin(
        bin,
        "docker",
        [
            `echo "docker $* | DOCKER_HOST=\${DOCKER_HOST:-}" >> ${log}`,
            'case "$1" in',
            `context) echo '${opts.contextHost ?? "unix:///var/run/docker.sock"}' ;;`,
            "version)",
            `    case "\${DOCKER_HOST:-}" in ssh://*) ${DIAL} || exit 1 ;; esac`,
            `    [ "\${DOCKER_HOST:-}" = '${opts.downHost ?? "-"}' ] && exit 1`,
            `    [ ${opts.dockerUp === false ? 1 : 0} = 0 ] || exit 1`,
            `    echo '${opts.server ?? "1.45 26.1.5"}' ;;`,
            "esac",
        ].join("\n"),
    );
    if (opts.pulumi !== false) {
        const answers = Object.entries(opts.config ?? {})
            .map(([k, v]) => `"config get ${k}") echo '${v}'; exit 0 ;;`)
            .join("\n");
        fakeBin(
            bin,
            "pulumi",
            [
                `echo "pulumi $* ${env}" >> ${log}`,
                'case "$1 $2 $3" in',
                answers,
                '"config get "*) echo "configuration key not found" >&2; exit 255 ;;',
                "esac",
                `[ "$1" = up ] && case "\${DOCKER_HOST:-}" in ssh://*) ${DIAL} ;; esac`,
                "exit 0",
            ].join("\n"),
        );
    }
    fakeBin(bin, "ssh", `echo "ssh $*" >> ${sshLog}`);
    const nodeDir = path.dirname(process.execPath);
    const home = path.join(root, "home");
    const baseEnv = { PATH: `${bin}:${nodeDir}:/usr/bin:/bin`, HOME: home, ...opts.env };
    const runScript = (script: string, args: string[]) =>
        spawnSync("bash", [path.join(scripts, script), ...args], { env: baseEnv, encoding: "utf8", timeout: 60_000 });
    const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n") : []);
    return {
        root,
        mm: path.join(home, ".minimarket"),
        up: (...args: string[]) => runScript("up-staging.sh", args.length ? args : ["--yes"]),
        wrapper: (...args: string[]) => runScript("pulumi-staging.sh", args),
        calls: () => lines(log),
        sshCalls: () => lines(sshLog),
    };
}

describe("README first command: scripts/up-staging.sh", () => {
    it("deploys staging with a local state backend and a private generated passphrase, on the daemon of the CLI's context", () => {
        const t = setup();
        const r = t.up();
        expect(r.status, r.stderr).to.equal(0);
        const passfile = path.join(t.mm, "staging.passphrase");
        const env = (host: string) => `| backend=file://${t.mm}/state passfile=${passfile} DOCKER_HOST=${host}`;
        expect(t.calls()).to.deep.equal([
            `pulumi stack select --create staging --secrets-provider passphrase ${env("")}`,
            `pulumi config get dockerHost --stack staging ${env("")}`,
            "docker context inspect --format {{.Endpoints.docker.Host}} | DOCKER_HOST=",
            "docker version --format {{.Server.APIVersion}} {{.Server.Version}} | DOCKER_HOST=unix:///var/run/docker.sock",
            `pulumi up --stack staging --yes ${env("unix:///var/run/docker.sock")}`,
        ]);
        expect(fs.statSync(passfile).mode & 0o777).to.equal(0o600);
        expect(fs.readFileSync(passfile, "utf8")).to.have.length.greaterThan(30);

        // A second run keeps the same passphrase, or the stack's secrets could not be read again.
        const before = fs.readFileSync(passfile, "utf8");
        expect(t.up().status).to.equal(0);
        expect(fs.readFileSync(passfile, "utf8")).to.equal(before);
    });

    it("hands the daemon of the CLI's current context (Colima, Desktop, rootless) to the program, which uses it for the provider too", () => {
        const colima = "unix:///Users/ana/.colima/default/docker.sock";
        const t = setup({ contextHost: colima });
        expect(t.up().status).to.equal(0);
        expect(t.calls()).to.include(`docker version --format {{.Server.APIVersion}} {{.Server.Version}} | DOCKER_HOST=${colima}`);
        expect(t.calls().pop()).to.match(new RegExp(`^pulumi up --stack staging --yes .* DOCKER_HOST=${colima}$`));
    });

    it("with dockerHost set to a remote host, checks that host, not the local daemon", () => {
        const remote = "tcp://staging.example.com:2376";
        const ok = setup({ config: { dockerHost: remote } });
        expect(ok.up().status).to.equal(0);
        expect(ok.calls().filter((c) => c.startsWith("docker"))).to.deep.equal([
            `docker version --format {{.Server.APIVersion}} {{.Server.Version}} | DOCKER_HOST=${remote}`,
        ]);
        expect(ok.calls().pop()).to.match(new RegExp(`DOCKER_HOST=${remote}$`));

        const down = setup({ config: { dockerHost: remote }, downHost: remote });
        const r = down.up();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(`Docker at ${remote} is not answering`);
        expect(down.calls().some((c) => c.startsWith("pulumi up"))).to.equal(false);
    });

    it("over ssh:// opens one connection before `pulumi up`, routes the CLI and the provider through it, and closes it after", () => {
        const t = setup({ config: { dockerHost: "ssh://deploy@staging.example.com:2222", dockerSshOpts: '["-i","/keys/deploy key"]' } });
        const r = t.up();
        expect(r.status, r.stderr).to.equal(0);
        const control = `ControlPath=${t.mm}/ssh/staging/%C`;
        expect(t.sshCalls()).to.deep.equal([
            `ssh -o ControlMaster=yes -o ${control} -o ControlPersist=10m -o ConnectTimeout=30 -i /keys/deploy key -f -N -p 2222 deploy@staging.example.com`,
            // docker version, then the provider inside pulumi up: both multiplexed over the master.
            `ssh -o ControlMaster=no -o ${control} -i /keys/deploy key -l deploy -p 2222 -- staging.example.com docker system dial-stdio`,
            `ssh -o ControlMaster=no -o ${control} -i /keys/deploy key -l deploy -p 2222 -- staging.example.com docker system dial-stdio`,
            `ssh -o ${control} -O exit -p 2222 deploy@staging.example.com`,
        ]);
        // Below sshd's default MaxSessions (10) per connection.
        expect(t.calls().pop()).to.match(/^pulumi up --stack staging --parallel 8 --yes /);
        expect(fs.statSync(path.join(t.mm, "ssh", "staging")).mode & 0o777).to.equal(0o700);
    });

    it("keeps a parallelism the caller chose", () => {
        const t = setup({ config: { dockerHost: "ssh://deploy@staging.example.com:2222" } });
        expect(t.up("--yes", "--parallel", "4").status).to.equal(0);
        expect(t.calls().pop()).to.match(/^pulumi up --stack staging --yes --parallel 4 /);
    });

    it("opens no ssh connection for a local daemon", () => {
        const t = setup();
        expect(t.up().status).to.equal(0);
        expect(t.sshCalls()).to.deep.equal([]);
    });

    it("stops with a clear message when Docker is not answering", () => {
        const r = setup({ dockerUp: false }).up();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("Docker at unix:///var/run/docker.sock is not answering; start the Docker daemon");
    });

    it("stops before `pulumi up` on an engine older than API 1.44, naming the version found and the one needed", () => {
        const t = setup({ server: "1.41 20.10.24+dfsg1" });
        const r = t.up();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(
            "up-staging: Docker Engine 20.10.24+dfsg1 at unix:///var/run/docker.sock speaks API 1.41; the program needs API 1.44 or newer (Docker Engine 25.0 or newer",
        );
        expect(r.stderr).to.include("nothing was changed");
        expect(t.calls().some((c) => c.startsWith("pulumi up"))).to.equal(false);
    });

    for (const server of ["1.44 25.0.0", "1.45 26.1.5", "1.52 29.1.0", "2.0 99.0.0"])
        it(`goes on with an engine of API ${server.split(" ")[0]}`, () => {
            const t = setup({ server });
            expect(t.up().status).to.equal(0);
            expect(t.calls().pop()).to.match(/^pulumi up --stack staging --yes /);
        });

    for (const server of ["1.43 24.0.9", "0.99 1.0.0"])
        it(`stops on an engine of API ${server.split(" ")[0]}`, () => {
            const r = setup({ server }).up();
            expect(r.status).to.equal(1);
            expect(r.stderr).to.include(`speaks API ${server.split(" ")[0]}; the program needs API 1.44 or newer`);
        });

    it("stops, naming what it read, when the engine reports an API version it cannot read", () => {
        const r = setup({ server: "1.x 26.1.5" }).up();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("reports API version '1.x', which is not <major>.<minor>; the program needs API 1.44 or newer");
    });

    it("stops with a clear message when the Pulumi CLI is missing", () => {
        const r = setup({ pulumi: false }).up();
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("the Pulumi CLI is missing");
    });
});

describe("later commands: scripts/pulumi-staging.sh", () => {
    it("runs pulumi with the same backend and passphrase as the first deploy, arguments unchanged", () => {
        const t = setup();
        expect(t.up().status).to.equal(0);
        const passfile = path.join(t.mm, "staging.passphrase");
        const passphrase = fs.readFileSync(passfile, "utf8");
        const before = t.calls().length;
        const r = t.wrapper("stack", "output", "--show-secrets", "secrets");
        expect(r.status, r.stderr).to.equal(0);
        expect(t.calls().slice(before)).to.deep.equal([
            `pulumi stack select --create staging --secrets-provider passphrase | backend=file://${t.mm}/state passfile=${passfile} DOCKER_HOST=`,
            `pulumi stack output --show-secrets secrets | backend=file://${t.mm}/state passfile=${passfile} DOCKER_HOST=`,
        ]);
        expect(fs.readFileSync(passfile, "utf8"), "the passphrase is reused, not replaced").to.equal(passphrase);
    });

    it("gives commands that reach Docker the stack's daemon and the shared ssh connection", () => {
        const t = setup({ config: { dockerHost: "ssh://deploy@staging.example.com:2222" } });
        const r = t.wrapper("refresh", "--yes");
        expect(r.status, r.stderr).to.equal(0);
        expect(t.calls().pop()).to.match(/^pulumi refresh --yes \| .* DOCKER_HOST=ssh:\/\/deploy@staging\.example\.com:2222$/);
        expect(t.sshCalls()[0]).to.match(/ControlMaster=yes/);
        expect(t.sshCalls().pop()).to.match(/-O exit/);
    });

    it("honours a passphrase given in the environment instead of the file", () => {
        const t = setup({ env: { PULUMI_CONFIG_PASSPHRASE: "from-env" } });
        expect(t.wrapper("stack", "ls").status).to.equal(0);
        expect(t.calls().pop()).to.equal(`pulumi stack ls | backend=file://${t.mm}/state passfile= DOCKER_HOST=`);
        expect(fs.existsSync(path.join(t.mm, "staging.passphrase"))).to.equal(false);
    });
});
