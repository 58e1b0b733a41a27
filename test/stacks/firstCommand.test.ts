// The README's first command on a clone whose committed Pulumi.staging.yaml is the team's (their
// remote Docker host, an encryptionsalt and a secure value), with stand-in `pulumi`, `docker` and
// `ssh`: it must deploy the newcomer's own stack to their own Docker with their own state, never
// reach the team's host or state, and never use a new passphrase on the team's secrets.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { defaultImages } from "../../facts/images";
import { clone, PERSONAL, TEAM_HOST, TEAM_SALT } from "./harness";

describe("the first command (scripts/up-staging.sh) on a clone with the team's staging config", function () {
    this.timeout(300_000);

    it("deploys your own stack to your Docker with your own state, and never touches the team's stack or host", () => {
        const c = clone();
        const committed = fs.readFileSync(path.join(c.root, "Pulumi.staging.yaml"), "utf8");
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status, r.stderr).to.equal(0);

        const passfile = path.join(c.mm, `${PERSONAL}.passphrase`);
        const pulumi = c.pulumiCalls();
        for (const call of pulumi) {
            expect(call.backend, call.args.join(" ")).to.equal(`file://${c.mm}/state`);
            expect(call.passfile).to.equal(passfile);
            expect(call.passEnv).to.equal(false);
            expect(call.decryptFailed).to.equal(undefined);
        }
        expect(pulumi.map((p) => p.args.join(" "))).to.deep.equal([
            `stack select --create ${PERSONAL} --secrets-provider passphrase`,
            `config get platform --stack ${PERSONAL}`,
            `config get dockerHost --stack ${PERSONAL}`,
            "version",
            `up --stack ${PERSONAL} --yes`,
        ]);
        const everything = JSON.stringify(c.calls());
        expect(everything, "no call names the team's stack").not.to.match(/"(?:--stack|select)","staging"|"staging"/);
        expect(everything, "no call reaches the team's host").not.to.include("staging.team.example");
        expect(c.calls().filter((x) => x.tool === "ssh")).to.deep.equal([]);
        expect(pulumi.pop()!.dockerHost).to.equal("unix:///var/run/docker.sock");
        expect(fs.readFileSync(path.join(c.root, "Pulumi.staging.yaml"), "utf8"), "the team's file is untouched").to.equal(committed);

        // Your stack file got a salt made with your passphrase; it is yours (git ignores it).
        expect(fs.readFileSync(path.join(c.root, `Pulumi.${PERSONAL}.yaml`), "utf8")).to.match(/^encryptionsalt: v1:/);
        expect(fs.readFileSync(path.join(c.root, ".gitignore"), "utf8")).to.match(/^\/Pulumi\.dev-\*\.yaml$/m);
        expect(fs.statSync(passfile).mode & 0o777).to.equal(0o600);
        expect(r.stderr).to.include(`created ${passfile}`);

        // A second run keeps the passphrase (the stand-in would refuse a new one: incorrect passphrase).
        const before = fs.readFileSync(passfile, "utf8");
        const again = c.run("up-staging.sh", ["--yes"]);
        expect(again.status, again.stderr).to.equal(0);
        expect(fs.readFileSync(passfile, "utf8")).to.equal(before);
        expect(c.pulumiCalls().some((p) => p.decryptFailed)).to.equal(false);
    });

    it("ignores an exported PULUMI_BACKEND_URL and passphrase: your own stack never lands in the team's backend", () => {
        const c = clone();
        const r = c.run("up-staging.sh", ["--yes"], { env: { PULUMI_BACKEND_URL: "gs://minimarket-team-state", PULUMI_CONFIG_PASSPHRASE: "the team's" } });
        expect(r.status, r.stderr).to.equal(0);
        for (const call of c.pulumiCalls()) {
            expect(call.backend).to.equal(`file://${c.mm}/state`);
            expect(call.passEnv).to.equal(false);
        }
    });

    it("lists the image pulls before `pulumi up`, with how to use a Docker Hub account", () => {
        // Two pinned images on the daemon already, one listed as docker.io/<repo>: both count as present.
        const [grafanaRepo, grafanaTag] = defaultImages.grafana.split(":");
        const [postgresRepo, postgresTag] = defaultImages.postgres.split(":");
        const c = clone({ images: [`${postgresRepo} ${postgresTag} <none>`, `docker.io/${grafanaRepo} ${grafanaTag} sha256:${"a".repeat(64)}`] });
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.include("preflight: Docker Engine 27.5.1 (API 1.47) at unix:///var/run/docker.sock");
        expect(r.stderr).to.include("preflight: this deploy pulls 11 images (9 from Docker Hub); 2 are on the daemon already:");
        expect(r.stderr).to.include("    ghcr.io/google/cadvisor:v0.60.5   (not Docker Hub)");
        expect(r.stderr).not.to.match(/^preflight: {4}postgres:/m);
        expect(r.stderr).to.include("Docker Hub allows 10 anonymous pulls per hour per address");
        expect(r.stderr).to.include("    scripts/stack.sh config set --secret dockerHubToken      (prompts for the token)");
    });

    it("stops before `pulumi up` on a Docker Engine older than the health probes need, naming both versions", () => {
        const c = clone({ engine: "24.0.7 1.43" });
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(
            "preflight: Docker Engine 24.0.7 (API 1.43) at unix:///var/run/docker.sock is older than this program needs: Docker Engine 25.0 (API 1.44) or later",
        );
        expect(c.pulumiCalls().some((p) => p.args[0] === "up")).to.equal(false);
    });

    it("stops before `pulumi up` on a Pulumi CLI that is not 3.x, and notes one older than the pinned release", () => {
        const old = clone();
        const r = old.run("up-staging.sh", ["--yes"], { env: { FAKE_PULUMI_VERSION: "v2.25.2" } });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("preflight: Pulumi CLI 2.25.2 is not a 3.x release");
        expect(old.pulumiCalls().some((p) => p.args[0] === "up")).to.equal(false);

        const older = clone();
        const ok = older.run("up-staging.sh", ["--yes"], { env: { FAKE_PULUMI_VERSION: "v3.200.0" } });
        expect(ok.status, ok.stderr).to.equal(0);
        expect(ok.stderr).to.include("preflight: Pulumi CLI 3.200.0 is older than 3.248.0");
    });

    it("stops with a clear message when Docker is not answering, or the Pulumi CLI is missing", () => {
        const down = clone({ dockerDown: true }).run("up-staging.sh", ["--yes"]);
        expect(down.status).to.equal(1);
        expect(down.stderr).to.include("up-staging: Docker at unix:///var/run/docker.sock is not answering; start the Docker daemon");

        const c = clone();
        fs.rmSync(path.join(c.root, "..", "bin", "pulumi"));
        const missing = c.run("up-staging.sh", ["--yes"]);
        expect(missing.status).to.equal(1);
        expect(missing.stderr).to.include("up-staging: the Pulumi CLI is missing");
    });

    it("hands the daemon of the CLI's current context (Colima, Desktop, rootless) to the program", () => {
        const colima = "unix:///Users/ana/.colima/default/docker.sock";
        const c = clone({ contextHost: colima });
        expect(c.run("up-staging.sh", ["--yes"]).status).to.equal(0);
        expect(c.calls().find((x) => x.tool === "docker" && x.args[0] === "info")!.dockerHost).to.equal(colima);
        expect(c.pulumiCalls().pop()!.dockerHost).to.equal(colima);
    });

    it("refuses to make a new passphrase for your stack file that already holds secrets of another one", () => {
        const c = clone();
        // A salt made with a passphrase this machine does not have (the team's, here).
        fs.writeFileSync(path.join(c.root, `Pulumi.${PERSONAL}.yaml`), `encryptionsalt: ${TEAM_SALT}\n`);
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include(`Pulumi.${PERSONAL}.yaml holds secrets encrypted with a passphrase this machine does not have`);
        expect(fs.existsSync(path.join(c.mm, `${PERSONAL}.passphrase`))).to.equal(false);
        expect(c.pulumiCalls()).to.deep.equal([]);
    });

    it("reaches a remote host only when you set one on your stack: then over one shared ssh connection", () => {
        const c = clone();
        fs.writeFileSync(
            path.join(c.root, `Pulumi.${PERSONAL}.yaml`),
            'config:\n  minimarket:dockerHost: ssh://ana@lab.example:2222\n  minimarket:dockerSshOpts:\n    - "-i"\n    - /keys/ana key\n',
        );
        const r = c.run("up-staging.sh", ["--yes"]);
        expect(r.status, r.stderr).to.equal(0);
        const control = `ControlPath=${c.mm}/ssh/${PERSONAL}/%C`;
        const ssh = c.calls().filter((x) => x.tool === "ssh");
        expect(ssh[0].args).to.deep.equal([
            "-o",
            "ControlMaster=yes",
            "-o",
            control,
            "-o",
            "ControlPersist=10m",
            "-o",
            "ConnectTimeout=30",
            "-i",
            "/keys/ana key",
            "-f",
            "-N",
            "-p",
            "2222",
            "ana@lab.example",
        ]);
        // docker info, docker version, docker image ls, then the provider inside pulumi up: all multiplexed.
        const dials = ssh.slice(1, -1);
        expect(dials).to.have.length(4);
        for (const d of dials) expect(d.args.slice(0, 6)).to.deep.equal(["-o", "ControlMaster=no", "-o", control, "-i", "/keys/ana key"]);
        expect(ssh[ssh.length - 1].args).to.deep.equal(["-o", control, "-O", "exit", "-p", "2222", "ana@lab.example"]);
        expect(c.pulumiCalls().pop()!.args).to.deep.equal(["up", "--stack", PERSONAL, "--parallel", "8", "--yes"]);
        expect(JSON.stringify(c.calls())).not.to.include(TEAM_HOST);

        // Below sshd's default MaxSessions (10) per connection, unless the caller chose a parallelism.
        expect(c.run("stack.sh", ["up", "--yes", "--parallel", "4"]).status).to.equal(0);
        expect(c.pulumiCalls().pop()!.args).to.deep.equal(["up", "--stack", PERSONAL, "--yes", "--parallel", "4"]);
    });
});
