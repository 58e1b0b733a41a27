// One Docker daemon for the provider and every docker CLI step, Docker Hub credentials for both,
// and stack outputs that name the machine the daemon runs on.

import { expect } from "chai";
import { byType, isSecretWrapper, named, plainOccurrences, ProgramRun, runProgram, StackSettings, unwrap } from "./support/program";
import { COMMAND, realImages, withConfig } from "./support/staging";
import { dockerHubAuthConfig, remoteHostName, resolveDockerHost } from "../components/docker/daemon";

const PROVIDER = "pulumi:providers:docker";

/** Runs the program with DOCKER_HOST set (or unset) the way the script leaves it. */
async function withDockerHost(value: string | undefined, settings: StackSettings): Promise<ProgramRun> {
    const before = process.env.DOCKER_HOST;
    if (value === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = value;
    try {
        return await runProgram(settings);
    } finally {
        if (before === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = before;
    }
}

/** The daemon each side talks to: the provider's host and the DOCKER_HOST of every CLI step. */
function daemons(run: ProgramRun): { provider: unknown; steps: Record<string, string> } {
    expect(run.error, run.error?.stack).to.equal(undefined);
    const steps = byType(run, COMMAND);
    expect(steps.length).to.be.greaterThan(4);
    return {
        provider: named(run, PROVIDER, "host-docker").inputs.host,
        steps: Object.fromEntries(steps.map((s) => [s.name, (unwrap(s.inputs.environment) as Record<string, string>).DOCKER_HOST])),
    };
}

function expectOneDaemon(run: ProgramRun, host: string) {
    const d = daemons(run);
    expect(d.provider).to.equal(host);
    for (const [step, h] of Object.entries(d.steps)) expect(h, step).to.equal(host);
}

describe("one Docker daemon for the provider and the docker CLI steps", () => {
    it("uses the default socket for both when nothing names a daemon", async () => {
        expectOneDaemon(await withDockerHost(undefined, realImages), "unix:///var/run/docker.sock");
    });

    it("hands the address the script resolved from the CLI's context (DOCKER_HOST) to the provider too", async () => {
        const colima = "unix:///Users/ana/.colima/default/docker.sock";
        expectOneDaemon(await withDockerHost(colima, realImages), colima);
    });

    it("prefers the stack's dockerHost over DOCKER_HOST", async () => {
        const run = await withDockerHost("unix:///run/user/1000/docker.sock", withConfig(realImages, { dockerHost: "ssh://deploy@staging.example.com" }));
        expectOneDaemon(run, "ssh://deploy@staging.example.com");
    });

    it("fails before any resource on a DOCKER_HOST that is not a daemon address, naming the variable", async () => {
        const run = await withDockerHost("staging.example.com", realImages);
        expect(run.error?.message).to.include('DOCKER_HOST="staging.example.com" is not a Docker daemon address');
        expect(run.resources.filter((r) => !r.type.startsWith("minimarket:"))).to.deep.equal([]);
    });

    it("resolves in the documented order", () => {
        expect(resolveDockerHost("ssh://a@b", { DOCKER_HOST: "tcp://c:2376" })).to.equal("ssh://a@b");
        expect(resolveDockerHost(undefined, { DOCKER_HOST: " tcp://c:2376 " })).to.equal("tcp://c:2376");
        expect(resolveDockerHost(undefined, { DOCKER_HOST: "" })).to.equal("unix:///var/run/docker.sock");
    });
});

describe("Docker Hub credentials (anonymous pulls are rate-limited)", () => {
    const TOKEN = "dckr_pat_canary-7f3e9a1b2c";
    const hub = withConfig(realImages, { dockerHubUsername: "minimarket-ci", dockerHubToken: TOKEN }, ["dockerHubToken"]);

    it("gives the provider registryAuth for registry-1.docker.io with the token as a secret", async () => {
        const run = await withDockerHost(undefined, hub);
        expect(run.error, run.error?.stack).to.equal(undefined);
        // The SDK sends provider config JSON-encoded; with a secret inside, the whole value is secret.
        const registryAuth = named(run, PROVIDER, "host-docker").inputs.registryAuth;
        expect(isSecretWrapper(registryAuth)).to.equal(true);
        const auth = JSON.parse(String(unwrap(registryAuth))) as Array<Record<string, unknown>>;
        expect(auth).to.deep.equal([{ address: "registry-1.docker.io", username: "minimarket-ci", password: TOKEN }]);
    });

    it("gives every docker CLI step DOCKER_AUTH_CONFIG for Docker Hub, only in a secret environment", async () => {
        const run = await withDockerHost(undefined, hub);
        for (const step of byType(run, COMMAND)) {
            expect(isSecretWrapper(step.inputs.environment), step.name).to.equal(true);
            const env = unwrap(step.inputs.environment) as Record<string, string>;
            const config = JSON.parse(env.DOCKER_AUTH_CONFIG) as { auths: Record<string, { auth: string }> };
            expect(Object.keys(config.auths), step.name).to.deep.equal(["https://index.docker.io/v1/"]);
            expect(Buffer.from(config.auths["https://index.docker.io/v1/"].auth, "base64").toString()).to.equal(`minimarket-ci:${TOKEN}`);
            expect(String(step.inputs.create), "never on a command line").not.to.include(TOKEN);
        }
    });

    it("never puts the token, or its encoded form, in plain text in any input or output", async () => {
        const run = await withDockerHost(undefined, hub);
        const encoded = JSON.parse(dockerHubAuthConfig({ username: "minimarket-ci", token: TOKEN })).auths["https://index.docker.io/v1/"].auth as string;
        for (const needle of [TOKEN, encoded]) {
            for (const r of run.resources) expect(plainOccurrences(r.inputs, needle), `${r.type} ${r.name}`).to.deep.equal([]);
            expect(plainOccurrences(run.outputs, needle), "outputs").to.deep.equal([]);
        }
    });

    it("refuses a token stored in plain text, and one half of the pair, before any resource", async () => {
        const plain = await withDockerHost(undefined, withConfig(realImages, { dockerHubUsername: "minimarket-ci", dockerHubToken: TOKEN }));
        expect(plain.error?.message).to.include(
            "minimarket:dockerHubToken: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret dockerHubToken",
        );
        expect(plain.error?.message).not.to.include(TOKEN);
        const half = await withDockerHost(undefined, withConfig(realImages, { dockerHubUsername: "minimarket-ci" }));
        expect(half.error?.message).to.include("minimarket:dockerHubToken: dockerHubUsername is set but its token is not");
        expect(half.resources.filter((r) => !r.type.startsWith("minimarket:"))).to.deep.equal([]);
    });

    it("passes no credentials when none are configured", async () => {
        const run = await withDockerHost(undefined, realImages);
        expect(named(run, PROVIDER, "host-docker").inputs.registryAuth).to.equal(undefined);
        for (const step of byType(run, COMMAND)) expect(unwrap(step.inputs.environment), step.name).not.to.have.property("DOCKER_AUTH_CONFIG");
    });
});

describe("stack outputs name the Docker host", () => {
    it("points the URLs at the remote machine of an ssh:// daemon, with a tunnel for loopback-only UIs", async () => {
        const run = await withDockerHost(undefined, withConfig(realImages, { dockerHost: "ssh://deploy@staging.example.com" }));
        expect(run.outputs.dashboardUrl).to.equal("http://staging.example.com:8080");
        expect(run.outputs.grafanaUrl).to.equal("http://staging.example.com:3000");
        expect(run.outputs.prometheusUrl).to.equal(
            "http://127.0.0.1:9090 on staging.example.com (loopback only; tunnel: ssh -L 9090:127.0.0.1:9090 deploy@staging.example.com)",
        );
        expect(String(run.outputs.alertmanagerUrl)).to.include("ssh -L 9093:127.0.0.1:9093 deploy@staging.example.com");
    });

    it("names a tcp:// daemon's host, also when it comes from DOCKER_HOST", async () => {
        const run = await withDockerHost("tcp://10.20.0.5:2376", realImages);
        expect(run.outputs.dashboardUrl).to.equal("http://10.20.0.5:8080");
        expect(run.outputs.grafanaUrl).to.equal("http://10.20.0.5:3000");
    });

    it("says localhost for a local daemon", async () => {
        const run = await withDockerHost(undefined, realImages);
        expect(run.outputs.dashboardUrl).to.equal("http://localhost:8080");
        expect(run.outputs.prometheusUrl).to.equal("http://127.0.0.1:9090 (on the Docker host)");
    });

    it("reads the machine out of each address form", () => {
        expect(remoteHostName("ssh://deploy@host.example.com:2222")).to.equal("host.example.com");
        expect(remoteHostName("ssh://host.example.com")).to.equal("host.example.com");
        expect(remoteHostName("tcp://[2001:db8::5]:2376")).to.equal("[2001:db8::5]");
        expect(remoteHostName("unix:///var/run/docker.sock")).to.equal(undefined);
    });
});
