// The whole `minimarket:*` namespace as parseConfig reads it: defaults, typed values, and the rules
// that involve more than one key or how a key was stored (plain or `--secret`).

import { expect } from "chai";
import { ConfigError, parseConfig, scheduledBackups, StackConfig } from "../../config";
import { isProdStack } from "../../facts/endpoints";
import { secretNames } from "../../facts/secrets";

const STRONG = "x".repeat(40);
const GCP = {
    project: "minimarket-prod-1",
    sshSourceRanges: ["203.0.113.7/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
    domain: "shop.example.com",
};
const PINNED = {
    "agente-deposito": "r/agente-deposito:1.0.0",
    "agente-negocio": "r/agente-negocio:1.0.0",
    "ml-service": "r/ml-service:1.0.0",
    dashboard: "r/dashboard:1.0.0",
};

type Values = Record<string, unknown>;

/** Values as the CLI hands them over: strings, structures as JSON. */
function raw(values: Values, secret: string[] = []) {
    const strings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    return { values: strings, secretKeys: new Set(secret) };
}

function parse(values: Values, opts: { stack?: string; secret?: string[] } = {}): StackConfig {
    return parseConfig(raw(values, opts.secret), opts.stack ?? "staging");
}

/** The problems parseConfig reports, one line each. */
function problems(values: Values, opts: { stack?: string; secret?: string[] } = {}): string[] {
    try {
        parse(values, opts);
        return [];
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
}

const servicesOf = (images: Record<string, string>) => Object.fromEntries(Object.entries(images).map(([k, image]) => [k, { image }]));

describe("unit: stack config", () => {
    it("defaults a staging stack to the documented values", () => {
        const c = parse({});
        expect(c).to.deep.include({
            stack: "staging",
            environment: "staging",
            isProd: false,
            platform: "docker",
            dockerHost: undefined,
            dockerSshOpts: [],
            allowUnpinnedImages: false,
            logLevel: "INFO",
            timezone: "America/Argentina/Buenos_Aires",
            corsOrigins: ["http://localhost:8080"],
            dashboardForceHttps: false,
            postgresMemoryMb: 1024,
            redisMemoryMb: 768,
            metricsRetention: "7d",
            slackWebhookUrl: undefined,
            registryPassword: undefined,
        });
        expect(c.hostPorts).to.deep.equal({ dashboard: 8080, grafana: 3000, prometheus: 9090, alertmanager: 9093 });
        expect(c.secretOverrides).to.deep.equal({});
        expect(Object.values(c.rotations).every((n) => n === 0)).to.be.true;
        expect(Object.keys(c.rotations)).to.have.members([...secretNames]);
        expect(c.services.dashboard).to.deep.equal({ image: undefined, memoryMb: 512, cpus: 1, env: {}, secretEnv: {}, migrationCommand: undefined });
    });

    it("turns on HTTPS and longer metrics retention for prod, by stack name or environment", () => {
        for (const [values, stack] of [
            // Prod on the Docker platform has no domain to derive an origin from: it must name one.
            [{ services: servicesOf(PINNED), corsOrigins: ["https://shop.example.com"] }, "prod"],
            [{ environment: "prod", services: servicesOf(PINNED), corsOrigins: ["https://shop.example.com"] }, "live"],
        ] as const) {
            const c = parse(values, { stack });
            expect(c.isProd, stack).to.be.true;
            expect(c.dashboardForceHttps, stack).to.be.true;
            expect(c.metricsRetention, stack).to.equal("30d");
        }
        expect(isProdStack("staging", "staging")).to.be.false;
        expect(isProdStack(undefined, "prod")).to.be.true;
        expect(isProdStack("prod", "x")).to.be.true;
        const explicit = parse({ environment: "qa", dashboardForceHttps: "false", metricsRetention: "14d" }, { stack: "prod-like" });
        expect(explicit).to.deep.include({ environment: "qa", isProd: false, dashboardForceHttps: false, metricsRetention: "14d" });
    });

    it("types what the CLI stores as strings", () => {
        const c = parse({
            dockerSshOpts: ["-o", "StrictHostKeyChecking=yes"],
            allowUnpinnedImages: "true",
            logLevel: "debug",
            corsOrigins: ["https://shop.example.com"],
            postgresMemoryMb: "2048",
            redisMemoryMb: 1024,
            hostPorts: { grafana: "3001" },
            services: { "ml-service": { image: "r/ml:latest", cpus: "1.5", memoryMb: "1024", env: { N: 3, L: ["a", "b"], B: true } } },
            rotations: { redisPassword: "2" },
        });
        expect(c.dockerSshOpts).to.deep.equal(["-o", "StrictHostKeyChecking=yes"]);
        expect(c.allowUnpinnedImages).to.be.true;
        expect(c.logLevel).to.equal("DEBUG");
        expect(c.corsOrigins).to.deep.equal(["https://shop.example.com"]);
        expect(c.postgresMemoryMb).to.equal(2048);
        expect(c.redisMemoryMb).to.equal(1024);
        expect(c.hostPorts).to.deep.equal({ dashboard: 8080, grafana: 3001, prometheus: 9090, alertmanager: 9093 });
        expect(c.services["ml-service"]).to.deep.include({ image: "r/ml:latest", cpus: 1.5, memoryMb: 1024 });
        expect(c.services["ml-service"].env).to.deep.equal({ N: "3", L: '["a","b"]', B: "true" });
        expect(c.services["ml-service"].migrationCommand).to.deep.equal(["alembic", "upgrade", "head"]);
        expect(c.rotations.redisPassword).to.equal(2);
    });

    it("skips the release step when migrationCommand is false, null or empty, and for a stand-in", () => {
        for (const m of [false, null, []]) {
            expect(
                parse({ services: { dashboard: { image: "r/d:1.0.0", migrationCommand: m } } }).services.dashboard.migrationCommand,
                JSON.stringify(m),
            ).to.equal(undefined);
        }
        expect(parse({ services: { dashboard: { image: "r/d:1.0.0", migrationCommand: ["m", "up"] } } }).services.dashboard.migrationCommand).to.deep.equal([
            "m",
            "up",
        ]);
        expect(parse({ services: { dashboard: { migrationCommand: ["m", "up"] } } }).services.dashboard.migrationCommand).to.equal(undefined);
    });

    it("bounds CPUs from 0.1 to 64 cores, as numbers or their text", () => {
        const cpus = (v: unknown) => parse({ services: { dashboard: { cpus: v } } }).services.dashboard.cpus;
        expect(cpus("0.1")).to.equal(0.1);
        expect(cpus(64)).to.equal(64);
        expect(cpus(" 2 ")).to.equal(2);
        for (const bad of [0, 0.05, 64.5, "65", "two", "1e1"]) {
            const found = problems({ services: { dashboard: { cpus: bad } } });
            expect(found, String(bad)).to.have.length(1);
            expect(found[0], String(bad)).to.match(/^minimarket:services\.dashboard\.cpus: expected a number of CPU cores from 0\.1 to 64, got /);
        }
    });

    it("accepts log levels in any case and refuses others", () => {
        expect(parse({ logLevel: "Warning" }).logLevel).to.equal("WARNING");
        expect(problems({ logLevel: "loud" })[0]).to.match(/^minimarket:logLevel: must be one of .*DEBUG.*, got "LOUD"$/);
    });

    it("refuses a timezone that does not exist", () => {
        expect(parse({ timezone: "Europe/Paris" }).timezone).to.equal("Europe/Paris");
        expect(problems({ timezone: "Mars/Olympus" })).to.have.length(1);
        expect(problems({ timezone: "Mars/Olympus" })[0]).to.match(/^minimarket:timezone: /);
    });

    it("refuses two published services on one host port, naming both", () => {
        expect(problems({ hostPorts: { grafana: 8080 } })).to.deep.equal([
            "minimarket:hostPorts.grafana: host port 8080 is already used by hostPorts.dashboard; pick another port",
        ]);
        expect(problems({ hostPorts: { dashboard: 9000, grafana: 9000 } })).to.deep.equal([
            "minimarket:hostPorts.grafana: host port 9000 is already used by hostPorts.dashboard; pick another port",
        ]);
        expect(problems({ hostPorts: { dashboard: 3000, grafana: 8080 } })).to.deep.equal([]);
        expect(problems({ hostPorts: [] })[0]).to.match(/^minimarket:hostPorts: expected an object/);
    });

    it("refuses env values that are not scalars or lists, and unknown keys with a suggestion", () => {
        expect(problems({ services: { dashboard: { env: { OK: "1", BAD: { x: 1 } } } } })).to.deep.equal([
            'minimarket:services.dashboard.env.BAD: expected a string, number, boolean or list, got {"x":1}',
        ]);
        const unknown = problems({ logLevle: "INFO" });
        expect(unknown).to.have.length(1);
        expect(unknown[0]).to.match(
            /^minimarket:logLevle: unknown key; remove it with `scripts\/stack\.sh --stack staging config rm logLevle`; did you mean `logLevel`\? \(known keys: .*\)$/,
        );
        expect(unknown[0]).to.include("allowUnpinnedImages, ");
        expect(problems({ services: { dashboard: { imag: "x" } } })[0]).to.match(
            /^minimarket:services\.dashboard\.imag: unknown field; the fields are image, memoryMb, cpus, env, migrationCommand; did you mean `image`\?$/,
        );
        expect(problems({ rotations: { redisPasword: 1 } })[0]).to.match(
            /^minimarket:rotations\.redisPasword: unknown secret; the generated secrets are .*; did you mean `redisPassword`\?$/,
        );
    });

    it("keeps secrets secret: plain services may not hold one, secretEnv and credentials must be --secret", () => {
        expect(problems({ services: { dashboard: {} } }, { secret: ["services"] })[0]).to.match(/^minimarket:services: holds a secret value/);
        expect(problems({ secretEnv: { dashboard: { A: "b" } } })[0]).to.match(/^minimarket:secretEnv: is stored in plain text/);
        expect(problems({ secretEnv: { dashboard: { A: "b" } } }, { secret: ["secretEnv"] })).to.deep.equal([]);
        expect(problems({ slackWebhookUrl: "https://hooks.slack.com/x" })).to.deep.equal([
            "minimarket:slackWebhookUrl: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret slackWebhookUrl`",
        ]);
        expect(problems({ backupOffsiteCredentials: "a:b" })).to.deep.equal([
            "minimarket:backupOffsiteCredentials: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret backupOffsiteCredentials`",
        ]);
        expect(problems({ registryPassword: "pw" })).to.deep.equal([
            "minimarket:registryPassword: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret registryPassword`",
        ]);
        expect(
            problems(
                { registryPassword: "pw", slackWebhookUrl: "https://hooks.slack.com/x", backupOffsiteCredentials: "a:b" },
                { secret: ["registryPassword", "slackWebhookUrl", "backupOffsiteCredentials"] },
            ),
        ).to.deep.equal([]);
        const leaks = problems({ services: { dashboard: { env: { DATABASE_URL: "x", MY_TOKEN: "y", DB_PASSWORD_FILE: "z", HARMLESS: "w" } } } });
        expect(leaks.map((p) => p.split(":")[1])).to.deep.equal([
            "services.dashboard.env.DATABASE_URL",
            "services.dashboard.env.MY_TOKEN",
            "services.dashboard.env.DB_PASSWORD_FILE",
        ]);
        expect(leaks[0]).to.include("scripts/stack.sh --stack staging config set --secret --path 'secretEnv.dashboard.DATABASE_URL'");
    });

    it("reads secret overrides only when stored as secrets and long enough", () => {
        const c = parse({ redisPassword: STRONG }, { secret: ["redisPassword"] });
        expect(c.secretOverrides).to.deep.equal({ redisPassword: STRONG });
        expect(problems({ redisPassword: STRONG })).to.deep.equal([
            "minimarket:redisPassword: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret redisPassword` (or `scripts/stack.sh --stack staging config rm redisPassword` to let the program generate it)",
        ]);
        expect(problems({ redisPassword: "short" }, { secret: ["redisPassword"] })).to.deep.equal([
            "minimarket:redisPassword: is 5 characters long; it must have at least 32. Set a stronger value, or `scripts/stack.sh --stack staging config rm redisPassword` to generate one",
        ]);
        expect(problems({ redisPassword: "x".repeat(32) }, { secret: ["redisPassword"] })).to.deep.equal([]);
    });

    it("names unknown services with a suggestion, in services and secretEnv", () => {
        expect(problems({ services: { dashbord: {} } })[0]).to.match(
            /^minimarket:services\.dashbord: unknown service; the services are agente-deposito, agente-negocio, ml-service, dashboard; did you mean `dashboard`\?$/,
        );
        expect(problems({ secretEnv: { mlservice: {} } }, { secret: ["secretEnv"] })[0]).to.match(/^minimarket:secretEnv\.mlservice: unknown service/);
    });

    it("checks images: valid references, pinned unless allowed outside prod, all four on prod", () => {
        expect(problems({ services: { dashboard: { image: "Bad Image" } } })[0]).to.match(
            /^minimarket:services\.dashboard\.image: "Bad Image" is not a valid image reference/,
        );
        expect(problems({ services: { dashboard: { image: "r/d:latest" } } })[0]).to.match(
            /^minimarket:services\.dashboard\.image: "r\/d:latest" is not pinned/,
        );
        expect(problems({ allowUnpinnedImages: true, services: { dashboard: { image: "r/d:latest" } } })).to.deep.equal([]);
        expect(problems({ allowUnpinnedImages: "true", services: { dashboard: { image: "r/d" } } })).to.deep.equal([]);
        const prod = problems(
            { allowUnpinnedImages: true, corsOrigins: ["https://shop.example.com"], services: { ...servicesOf(PINNED), dashboard: { image: "r/d:latest" } } },
            { stack: "prod" },
        );
        expect(prod).to.deep.equal([
            "minimarket:allowUnpinnedImages: prod never deploys `latest` or tagless images; run `scripts/stack.sh --stack prod config rm allowUnpinnedImages`",
            'minimarket:services.dashboard.image: "r/d:latest" is not pinned; give an explicit version tag (not latest) or a digest; prod always needs one (allowUnpinnedImages does not apply to prod)',
        ]);
        const missing = problems(
            { corsOrigins: ["https://shop.example.com"], services: { dashboard: { image: "r/d:1.0.0" }, "ml-service": {} } },
            { stack: "prod" },
        );
        expect(missing.map((p) => p.split(": ")[0])).to.deep.equal([
            "minimarket:services.agente-deposito.image",
            "minimarket:services.agente-negocio.image",
            "minimarket:services.ml-service.image",
        ]);
        expect(missing[0]).to.include("scripts/stack.sh --stack prod config set --path 'services.agente-deposito.image' <registry>/agente-deposito:<version>");
    });

    it("needs the gcp settings on the gcp platform; a registry key is optional (the deployer's token by default)", () => {
        expect(problems({ platform: "gcp" })).to.deep.equal([
            "minimarket:gcp: platform gcp needs the Google Cloud settings; start with `scripts/stack.sh --stack staging config set --path gcp.project <project-id>`",
        ]);
        const gcp = parse({ platform: "gcp", gcp: GCP });
        expect(gcp.platform).to.equal("gcp");
        expect(gcp.platform === "gcp" && gcp.gcp.project).to.equal("minimarket-prod-1");
        expect(parse({ gcp: GCP }).platform).to.equal("docker");
        const registry = { ...GCP, registry: { server: "southamerica-east1-docker.pkg.dev", username: "_json_key" } };
        expect(problems({ platform: "gcp", gcp: registry })).to.deep.equal([
            "minimarket:gcp.registry.username: is only used with a key in registryPassword; run `scripts/stack.sh --stack staging config rm --path gcp.registry.username` to pull with the deployer's short-lived gcloud token, or set the key with `scripts/stack.sh --stack staging config set --secret registryPassword`",
        ]);
        expect(problems({ platform: "gcp", gcp: { ...GCP, registry: { server: "southamerica-east1-docker.pkg.dev" } } })).to.deep.equal([]);
        expect(problems({ platform: "gcp", gcp: registry, registryPassword: "pw" }, { secret: ["registryPassword"] })).to.deep.equal([]);
    });

    it("wants credentials for an s3:// offsite bucket only", () => {
        expect(problems({ backup: { offsite: { url: "s3://mm-backups/p" } } })).to.deep.equal([
            "minimarket:backupOffsiteCredentials: backup.offsite is an s3:// bucket but no credentials are set; run `scripts/stack.sh --stack staging config set --secret backupOffsiteCredentials`",
        ]);
        expect(problems({ backup: { offsite: { url: "gs://mm-backups/p" } } })).to.deep.equal([]);
        expect(
            problems({ backup: { offsite: { url: "s3://mm-backups/p" } }, backupOffsiteCredentials: "a:b" }, { secret: ["backupOffsiteCredentials"] }),
        ).to.deep.equal([]);
    });

    it("schedules backups only where the backup container runs", () => {
        expect(scheduledBackups(parse({}))).to.deep.include({ intervalHours: 24, drillIntervalHours: 24 });
        expect(scheduledBackups(parse({ backup: { enabled: false } }))).to.equal(undefined);
        expect(scheduledBackups(parse({ platform: "gcp", gcp: GCP }))).to.equal(undefined);
    });
});
