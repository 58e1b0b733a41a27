// What `up` checks before anything changes (scripts/preflight.ts), and the image list it reads from
// the config (stacks/images.ts), held to the image resources a program run declares.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseConfig, DockerStackConfig } from "../config";
import { defaultImages } from "../facts/images";
import {
    compareVersions,
    engineProblem,
    isDockerHub,
    normalizeRef,
    preflight,
    presentRefs,
    pullPlan,
    pullReport,
    pulumiCliCheck,
    stackConfigFromFile,
} from "../scripts/preflight";
import { dockerHostImages } from "../stacks/images";
import { IMAGE, realImages, withConfig } from "./support/staging";
import { runProgram, StackSettings } from "./support/program";
import { makeTempDir } from "./support/processes";

const config = (values: Record<string, string> = {}, secretKeys: string[] = []) =>
    parseConfig({ values, secretKeys: new Set(secretKeys) }, "dev-ana") as DockerStackConfig;

describe("preflight: versions", () => {
    it("compares dotted versions as numbers", () => {
        expect(compareVersions("1.44", "1.44")).to.equal(0);
        expect(compareVersions("1.43", "1.44")).to.equal(-1);
        expect(compareVersions("1.100", "1.44")).to.equal(1);
        expect(compareVersions("1.44.1", "1.44")).to.equal(1);
        expect(compareVersions("3", "3.0.0")).to.equal(0);
    });

    it("stops on an engine below API 1.44 (Docker Engine 25), naming both versions and the host", () => {
        expect(engineProblem({ version: "25.0.0", api: "1.44" }, "unix:///x")).to.equal(undefined);
        expect(engineProblem({ version: "29.1.0", api: "1.52" }, "unix:///x")).to.equal(undefined);
        expect(engineProblem({ version: "24.0.7", api: "1.43" }, "ssh://deploy@h")).to.equal(
            "Docker Engine 24.0.7 (API 1.43) at ssh://deploy@h is older than this program needs: Docker Engine 25.0 (API 1.44) or later, " +
                "for the health probes' start interval. Upgrade Docker Engine on that host (https://docs.docker.com/engine/install/); nothing was changed",
        );
    });

    it("stops on a Pulumi CLI that is not 3.x or says no version, notes one older than the pinned release", () => {
        expect(pulumiCliCheck("v3.248.0\n")).to.deep.equal({});
        expect(pulumiCliCheck("v3.250.1")).to.deep.equal({});
        expect(pulumiCliCheck("v3.247.9").note).to.equal(
            "Pulumi CLI 3.247.9 is older than 3.248.0, the release the workflows and tests use; if a command misbehaves, upgrade first",
        );
        expect(pulumiCliCheck("v2.25.2").stop).to.match(/^Pulumi CLI 2\.25\.2 is not a 3\.x release/);
        expect(pulumiCliCheck("v4.0.0").stop).to.match(/not a 3\.x release/);
        expect(pulumiCliCheck("warning: something").stop).to.match(/^cannot tell the Pulumi CLI's version/);
    });
});

describe("preflight: image pulls", () => {
    it("knows Docker Hub references, however they are spelled", () => {
        for (const ref of ["postgres:17", "grafana/grafana:12.1.1", "docker.io/library/redis:7", "registry-1.docker.io/x/y:1"])
            expect(isDockerHub(ref), ref).to.equal(true);
        for (const ref of ["ghcr.io/google/cadvisor:v0.60.5", "quay.io/p/e:v1", "localhost:5000/x:1", "registry.example.com/mm/dashboard:1"]) {
            expect(isDockerHub(ref), ref).to.equal(false);
        }
        expect(normalizeRef("docker.io/library/postgres:17")).to.equal("postgres:17");
        expect(normalizeRef("index.docker.io/grafana/grafana:1")).to.equal("grafana/grafana:1");
    });

    it("counts as present what the daemon lists by tag or by digest, and pulls the rest", () => {
        const digest = "sha256:" + "b".repeat(64);
        const present = presentRefs(
            [
                "postgres 17.11-bookworm <none>",
                "docker.io/grafana/grafana <none> " + digest,
                "<none> <none> <none>",
                "",
                "redis 7.4.11-bookworm sha256:" + "c".repeat(64),
            ].join("\n"),
        );
        expect([...present].sort()).to.deep.equal([
            `grafana/grafana@${digest}`,
            "postgres:17.11-bookworm",
            "redis:7.4.11-bookworm",
            `redis@sha256:${"c".repeat(64)}`,
        ]);
        const plan = pullPlan(["postgres:17.11-bookworm", `grafana/grafana:12.1.1@${digest}`, "caddy:2.11.4", "ghcr.io/google/cadvisor:v0.60.5"], present);
        expect(plan).to.deep.equal({
            pulls: ["caddy:2.11.4", "ghcr.io/google/cadvisor:v0.60.5"],
            present: ["postgres:17.11-bookworm", `grafana/grafana:12.1.1@${digest}`],
        });
    });

    it("says how to pull with an account, on the stack's own entry point, or which account pulls", () => {
        const plan = { pulls: ["postgres:17", "ghcr.io/x/y:1"], present: ["redis:7"] };
        expect(pullReport(plan, undefined, " --stack staging")).to.deep.equal([
            "this deploy pulls 2 images (1 from Docker Hub); 1 are on the daemon already:",
            "    postgres:17",
            "    ghcr.io/x/y:1   (not Docker Hub)",
            "Docker Hub allows 10 anonymous pulls per hour per address; To pull with an account (a read-only access token is enough):",
            "    scripts/stack.sh --stack staging config set dockerHubUsername <user>",
            "    scripts/stack.sh --stack staging config set --secret dockerHubToken      (prompts for the token)",
        ]);
        expect(pullReport(plan, "minimarket-ci", "")).to.include(
            "Docker Hub pulls use the account minimarket-ci (dockerHubUsername and the secret dockerHubToken)",
        );
        expect(pullReport({ pulls: [], present: ["a:1"] }, undefined, "")).to.deep.equal(["every image is on the daemon already (1); nothing to pull"]);
        const many = { pulls: Array.from({ length: 11 }, (_, i) => `img${i}:1`), present: [] };
        expect(pullReport(many, undefined, "").join("\n")).to.include("this deploy needs more, so some pulls will fail with `toomanyrequests`.");
        expect(pullReport({ pulls: ["img:1"], present: [] }, undefined, "")[0]).to.equal("this deploy pulls 1 image (1 from Docker Hub):");
    });

    it("reads the stack's images from its stack file without the passphrase (secrets stand in)", () => {
        const dir = makeTempDir("preflight-file");
        fs.writeFileSync(
            path.join(dir, "Pulumi.staging.yaml"),
            [
                "encryptionsalt: v1:x:v1:y:z",
                "config:",
                "  minimarket:dockerHubUsername: minimarket-ci",
                "  minimarket:dockerHubToken:",
                "    secure: v1:abc:def",
                "  minimarket:slackWebhookUrl:",
                "    secure: v1:abc:def",
                "  minimarket:services:",
                "    dashboard:",
                "      image: r.example/dashboard:1.9.3",
            ].join("\n"),
        );
        const read = stackConfigFromFile("staging", dir);
        expect(read.platform).to.equal("docker");
        const c = read.config as DockerStackConfig;
        expect(c.dockerHub?.username).to.equal("minimarket-ci");
        expect(dockerHostImages(c)).to.include("r.example/dashboard:1.9.3");
        expect(stackConfigFromFile("nothing-here", dir).config).to.deep.include({ platform: "docker", stack: "nothing-here" });
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  minimarket:platform: gcp\n  minimarket:logLevel: LOUD\n");
        const bad = stackConfigFromFile("bad", dir);
        expect(bad.platform, "the platform even when the config has problems").to.equal("gcp");
        expect(bad.problems).to.match(/minimarket:logLevel/);
    });

    it("runs every check in order and stops at the first that fails", async () => {
        const dir = makeTempDir("preflight-run");
        const calls: string[] = [];
        const answers: Record<string, { code: number; stdout: string }> = {
            "pulumi version": { code: 0, stdout: "v3.248.0\n" },
            "docker version": { code: 0, stdout: "27.5.1 1.47\n" },
            "docker image": { code: 0, stdout: "" },
        };
        const run = async (bin: string, args: string[]) => {
            calls.push(`${bin} ${args.join(" ")}`);
            return { ...answers[`${bin} ${args[0]}`], stderr: "" };
        };
        const ok = await preflight({ stack: "dev-ana", projectDir: dir, dockerHost: "unix:///var/run/docker.sock", run, personal: true });
        expect(ok.ok).to.equal(true);
        expect(ok.lines.slice(0, 3)).to.deep.equal([
            "Pulumi CLI v3.248.0",
            "Docker Engine 27.5.1 (API 1.47) at unix:///var/run/docker.sock",
            "this deploy pulls 13 images (11 from Docker Hub):",
        ]);
        expect(calls).to.deep.equal([
            "pulumi version",
            "docker version --format {{.Server.Version}} {{.Server.APIVersion}}",
            "docker image ls --digests --format {{.Repository}} {{.Tag}} {{.Digest}}",
        ]);

        answers["docker version"] = { code: 1, stdout: "" };
        const down = await preflight({ stack: "dev-ana", projectDir: dir, dockerHost: "ssh://h", run, personal: true });
        expect(down).to.deep.equal({
            ok: false,
            lines: ["Pulumi CLI v3.248.0", "Docker at ssh://h does not say its version (docker version failed); is it running?"],
        });

        answers["docker version"] = { code: 0, stdout: "27.5.1 1.47\n" };
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  minimarket:logLevel: LOUD\n");
        const bad = await preflight({ stack: "bad", projectDir: dir, dockerHost: "unix:///x", run, personal: false });
        expect(bad.ok, "the program reports the config itself").to.equal(true);
        expect(bad.lines.pop()).to.equal("the stack's config has problems (`up` lists them), so the images to pull are not listed");

        fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  minimarket:platform: gcp\n");
        const gcp = await preflight({ stack: "prod", projectDir: dir, dockerHost: "unix:///x", run, personal: false });
        expect(gcp).to.deep.equal({ ok: true, lines: ["Pulumi CLI v3.248.0", "platform gcp: the VM installs its own Docker Engine"] });

        answers["pulumi version"] = { code: 127, stdout: "" };
        expect(await preflight({ stack: "dev-ana", projectDir: dir, dockerHost: "unix:///x", run, personal: true })).to.deep.equal({
            ok: false,
            lines: ["the Pulumi CLI does not answer `pulumi version`"],
        });
    });
});

describe("the images a Docker-host stack pulls (stacks/images.ts)", function () {
    this.timeout(120_000);

    async function declared(settings: StackSettings): Promise<string[]> {
        const run = await runProgram(settings);
        expect(run.error).to.equal(undefined);
        return run.resources
            .filter((r) => r.type === IMAGE)
            .map((r) => String(r.inputs.name))
            .sort();
    }

    it("are exactly the image resources the program declares: with stand-ins, with real images and an offsite copy", async () => {
        const standIns = { stack: "dev-ana", useStackFile: false } as StackSettings;
        expect(dockerHostImages(config()).slice().sort()).to.deep.equal(await declared(standIns));
        expect(dockerHostImages(config())).to.have.length(13);

        const offsite = withConfig(realImages, { backup: { offsite: { url: "gs://mm-backups/staging" } }, backupOffsiteCredentials: "key-id:key-secret" }, [
            "backupOffsiteCredentials",
        ]);
        const values = Object.fromEntries(Object.entries(offsite.config!).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
        const withOffsite = dockerHostImages(config(values, ["backupOffsiteCredentials"]));
        expect(withOffsite.slice().sort()).to.deep.equal(await declared({ ...offsite, useStackFile: false }));
        expect(withOffsite).to.include(defaultImages.offsiteSync).and.not.include(defaultImages.standIn);
    });
});
