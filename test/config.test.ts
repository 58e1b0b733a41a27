import { expect } from "chai";
import { ConfigError, parseConfig, RawConfig } from "../config";
import { isPinned, parseImageRef } from "../facts/images";
import { secretNames } from "../facts/secrets";
import { runProgram } from "./support/program";

function raw(values: Record<string, unknown>, secretKeys: string[] = []): RawConfig {
    return {
        values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        secretKeys: new Set(secretKeys),
    };
}

function problemsOf(values: Record<string, unknown>, secretKeys: string[] = [], stack = "staging"): string[] {
    try {
        parseConfig(raw(values, secretKeys), stack);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
    return [];
}

const strong = "Str0ng&?!) $'\" secret with spaces and 40+ characters";

describe("stack configuration", () => {
    it("has working defaults for a staging stack with no config at all", () => {
        const c = parseConfig(raw({}), "staging");
        expect(c.environment).to.equal("staging");
        expect(c.platform).to.equal("docker");
        expect(c.dockerHost).to.equal(undefined);
        expect(c.timezone).to.equal("America/Argentina/Buenos_Aires");
        expect(c.hostPorts).to.deep.equal({ dashboard: 8080, grafana: 3000, prometheus: 9090, alertmanager: 9093 });
        expect(c.services["agente-deposito"].image).to.equal(undefined, "no image configured means the demo stand-in");
        expect(c.services["agente-deposito"].migrationCommand).to.equal(undefined, "a stand-in has nothing to migrate");
        expect(Object.values(c.rotations).every((n) => n === 0)).to.equal(true);
    });

    it("reads service images, env, secret env, migrations and rotations as the CLI stores them", () => {
        const c = parseConfig(
            raw(
                {
                    services: {
                        "ml-service": {
                            image: "registry.example.com/minimarket/ml-service:2.3.1",
                            memoryMb: 2048,
                            env: { INFLATION_RATE_MONTHLY: 0.05, FEATURES: ["a", "b"] },
                        },
                        dashboard: { image: "ghcr.io/minimarket/dashboard@sha256:" + "a".repeat(64), migrationCommand: false },
                        "agente-negocio": { image: "minimarket/agente-negocio:1.0.0", migrationCommand: ["python", "-m", "app.migrate"] },
                    },
                    secretEnv: { "ml-service": { OPENAI_API_KEY: "sk-test" } },
                    rotations: { redisPassword: 3 },
                    corsOrigins: ["https://shop.example.com", "http://localhost:8080"],
                },
                ["secretEnv"],
            ),
            "staging",
        );
        const ml = c.services["ml-service"];
        expect(ml.memoryMb).to.equal(2048);
        expect(ml.env).to.deep.equal({ INFLATION_RATE_MONTHLY: "0.05", FEATURES: '["a","b"]' });
        expect(ml.secretEnv).to.deep.equal({ OPENAI_API_KEY: "sk-test" });
        expect(ml.migrationCommand).to.deep.equal(["alembic", "upgrade", "head"]);
        expect(c.services.dashboard.migrationCommand).to.equal(undefined);
        expect(c.services["agente-negocio"].migrationCommand).to.deep.equal(["python", "-m", "app.migrate"]);
        expect(c.rotations.redisPassword).to.equal(3);
        expect(c.corsOrigins).to.deep.equal(["https://shop.example.com", "http://localhost:8080"]);
    });

    it("accepts secret overrides of any characters when they are secret and strong", () => {
        const c = parseConfig(raw({ postgresPassword: strong }, ["postgresPassword"]), "staging");
        expect(c.secretOverrides.postgresPassword).to.equal(strong);
    });

    const cases: Array<[string, Record<string, unknown>, string[], RegExp, string?]> = [
        [
            "unknown top-level key",
            { redisPasword: "x" },
            [],
            /minimarket:redisPasword: unknown key; remove it with `scripts\/stack\.sh --stack staging config rm redisPasword`/,
        ],
        [
            "unknown service name",
            { services: { "agente-deposit": { image: "a/b:1" } } },
            [],
            /minimarket:services\.agente-deposit: unknown service; the services are agente-deposito, agente-negocio, ml-service, dashboard/,
        ],
        ["unknown service field", { services: { dashboard: { imag: "a/b:1" } } }, [], /minimarket:services\.dashboard\.imag: unknown field/],
        [
            "malformed image",
            { services: { dashboard: { image: "Registry/UPPER CASE:1" } } },
            [],
            /minimarket:services\.dashboard\.image: "Registry\/UPPER CASE:1" is not a valid image reference/,
        ],
        [
            "latest image",
            { services: { dashboard: { image: "minimarket/dashboard:latest" } } },
            [],
            /minimarket:services\.dashboard\.image: "minimarket\/dashboard:latest" is not pinned; give an explicit version tag/,
        ],
        [
            "tagless image",
            { services: { "ml-service": { image: "minimarket/ml-service" } } },
            [],
            /minimarket:services\.ml-service\.image: "minimarket\/ml-service" is not pinned/,
        ],
        ["missing image in prod", {}, [], /minimarket:services\.agente-deposito\.image: prod runs real images only/, "prod"],
        ["allowUnpinnedImages in prod", { allowUnpinnedImages: "true" }, [], /minimarket:allowUnpinnedImages: prod never deploys `latest`/, "prod"],
        ["duplicate host ports", { hostPorts: { grafana: 8080 } }, [], /minimarket:hostPorts\.grafana: host port 8080 is already used by hostPorts\.dashboard/],
        ["host port out of range", { hostPorts: { dashboard: 70000 } }, [], /minimarket:hostPorts\.dashboard: expected a whole number from 1 to 65535/],
        ["short secret override", { redisPassword: "short&pw" }, ["redisPassword"], /minimarket:redisPassword: is 8 characters long; it must have at least 32/],
        [
            "plain-text secret override",
            { jwtSecretMl: strong },
            [],
            /minimarket:jwtSecretMl: is stored in plain text; run `scripts\/stack\.sh --stack staging config set --secret jwtSecretMl`/,
        ],
        ["plain-text secretEnv", { secretEnv: { dashboard: { OPENAI_API_KEY: "x" } } }, [], /minimarket:secretEnv: is stored in plain text/],
        [
            "credential in plain env",
            { services: { dashboard: { env: { DATABASE_URL: "postgresql://x" } } } },
            [],
            /minimarket:services\.dashboard\.env\.DATABASE_URL: carries a credential; set it as a secret with `scripts\/stack\.sh --stack staging config set --secret --path 'secretEnv\.dashboard\.DATABASE_URL'/,
        ],
        [
            "bad env var name",
            { services: { dashboard: { env: { "lower-case": "1" } } } },
            [],
            /minimarket:services\.dashboard\.env\.lower-case: is not a valid environment variable name/,
        ],
        ["wrong type boolean", { dashboardForceHttps: "yes" }, [], /minimarket:dashboardForceHttps: expected true or false, got "yes"/],
        ["wrong type object", { services: "agente-deposito" }, [], /minimarket:services: expected an object/],
        ["wrong type list", { corsOrigins: "https://a.example.com" }, [], /minimarket:corsOrigins: expected a list of strings/],
        ["bad origin", { corsOrigins: ["shop.example.com"] }, [], /minimarket:corsOrigins: "shop\.example\.com" is not an origin/],
        ["bad docker host", { dockerHost: "192.168.1.10" }, [], /minimarket:dockerHost: must be a Docker daemon address such as ssh:\/\/deploy@host/],
        ["bad platform", { platform: "aws" }, [], /minimarket:platform: must be "docker" or "gcp"/],
        ["bad log level", { logLevel: "verbose" }, [], /minimarket:logLevel: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL/],
        ["bad timezone", { timezone: "Mars/Olympus" }, [], /minimarket:timezone: unknown IANA time zone/],
        ["unknown rotation", { rotations: { redis: 1 } }, [], /minimarket:rotations\.redis: unknown secret/],
        ["negative rotation", { rotations: { redisPassword: -1 } }, [], /minimarket:rotations\.redisPassword: expected a whole number from 0/],
        [
            "cpus out of range",
            { services: { dashboard: { cpus: 0 } } },
            [],
            /minimarket:services\.dashboard\.cpus: expected a number of CPU cores from 0\.1 to 64/,
        ],
        [
            "bad migration command",
            { services: { dashboard: { migrationCommand: "alembic upgrade head" } } },
            [],
            /minimarket:services\.dashboard\.migrationCommand: expected a list of arguments/,
        ],
        ["secret inside services", { services: { dashboard: { env: { X: "1" } } } }, ["services"], /minimarket:services: holds a secret value/],
        [
            "monitor password with a space",
            { postgresMonitorPassword: "has a space and is long enough for the length rule" },
            ["postgresMonitorPassword"],
            /minimarket:postgresMonitorPassword: contains whitespace; postgres-exporter cannot connect/,
        ],
        ["plain-text slack webhook", { slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" }, [], /minimarket:slackWebhookUrl: is stored in plain text/],
    ];
    for (const [what, values, secretKeys, expected, stack] of cases) {
        it(`rejects ${what}, naming the key and the fix`, () => {
            const problems = problemsOf(values, secretKeys, stack);
            expect(problems.join("\n")).to.match(expected);
        });
    }

    describe("never echoes a rejected secret value", () => {
        // Each case is rejected; a message that quoted the value would show the canary.
        const canary = "Zq9-canary-VALUE";
        const long = `${canary}-${"x".repeat(40)}`;
        const cases: Array<[string, Record<string, unknown>, string[], string]> = [
            ...secretNames.flatMap((n): Array<[string, Record<string, unknown>, string[], string]> => [
                [`${n} too short`, { [n]: canary }, [n], n],
                [`${n} in plain text`, { [n]: long }, [], n],
                [`${n} not a string`, { [n]: { value: long } }, [n], n],
            ]),
            ["slackWebhookUrl in plain text", { slackWebhookUrl: `https://hooks.slack.com/services/T/B/${canary}` }, [], "slackWebhookUrl"],
            ["slackWebhookUrl not a webhook", { slackWebhookUrl: `http://${canary}.example.com/` }, ["slackWebhookUrl"], "slackWebhookUrl"],
            ["postgresMonitorPassword with a space", { postgresMonitorPassword: `${long} x` }, ["postgresMonitorPassword"], "postgresMonitorPassword"],
            ["registryPassword in plain text", { registryPassword: long }, [], "registryPassword"],
            ["backupOffsiteCredentials in plain text", { backupOffsiteCredentials: long }, [], "backupOffsiteCredentials"],
            ["secretEnv in plain text", { secretEnv: { dashboard: { TOKEN: long } } }, [], "secretEnv"],
            ["secretEnv with a bad name", { secretEnv: { dashboard: { "bad-name": long } } }, ["secretEnv"], "secretEnv.dashboard.bad-name"],
        ];
        for (const [what, values, secretKeys, key] of cases) {
            it(`rejects ${what} without quoting it`, () => {
                let error: ConfigError | undefined;
                try {
                    parseConfig(raw(values, secretKeys), "staging");
                } catch (e) {
                    error = e as ConfigError;
                }
                expect(error, "the value must be rejected").to.be.instanceOf(ConfigError);
                expect(
                    error!.problems.some((p) => p.startsWith(`minimarket:${key}: `)),
                    error!.message,
                ).to.equal(true);
                for (const text of [error!.message, ...error!.problems, String(error!.stack)]) {
                    expect(text).not.to.include(canary.slice(0, 8));
                }
            });
        }
    });

    it("reports every problem at once in one message", () => {
        let error: ConfigError | undefined;
        try {
            parseConfig(
                raw({ logLevel: "loud", hostPorts: { grafana: 8080 }, services: { dashboard: { image: "x:latest" } }, redisPassword: "short" }),
                "staging",
            );
        } catch (e) {
            error = e as ConfigError;
        }
        expect(error, "invalid config must throw").to.be.instanceOf(ConfigError);
        expect(error!.problems.length).to.be.greaterThanOrEqual(5);
        for (const key of ["minimarket:logLevel", "minimarket:hostPorts.grafana", "minimarket:services.dashboard.image", "minimarket:redisPassword"]) {
            expect(error!.message).to.include(key);
        }
        expect(error!.message).to.match(/^Invalid stack configuration \(\d+ problems\); nothing was changed:/);
    });

    it("generates every secret once, as one RandomPassword each, and none that is set with --secret", async function () {
        this.timeout(120_000);
        // Written out: a secret added to or dropped from the catalog must show up here too.
        const expected = [
            "postgresPassword",
            "postgresAdminPassword",
            "postgresMonitorPassword",
            "postgresBackupPassword",
            "redisPassword",
            "jwtSecretDeposito",
            "jwtSecretNegocio",
            "jwtSecretMl",
            "jwtSecretDashboard",
            "dashboardApiKey",
            "dashboardUiApiKey",
            "grafanaAdminPassword",
            "grafanaSecretKey",
        ].sort();
        expect([...secretNames].sort()).to.deep.equal(expected);
        const generated = async (settings: Parameters<typeof runProgram>[0]) => {
            const run = await runProgram(settings);
            expect(run.error, run.error?.stack).to.equal(undefined);
            return run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => r.name);
        };
        const all = await generated({});
        expect([...all].sort(), "each exactly once").to.deep.equal(expected);
        const supplied = await generated({ config: { redisPassword: strong }, secretKeys: ["redisPassword"] });
        expect([...supplied].sort()).to.deep.equal(expected.filter((n) => n !== "redisPassword"));
    });
});

describe("image references", () => {
    const valid: Array<[string, boolean]> = [
        ["postgres:17.6-bookworm", true],
        ["ghcr.io/google/cadvisor:v0.53.0", true],
        ["localhost:5000/minimarket/app:1.2.3", true],
        ["southamerica-east1-docker.pkg.dev/p/minimarket/dashboard:2.0.0", true],
        ["minimarket/app@sha256:" + "0".repeat(64), true],
        ["minimarket/app:latest", false],
        ["minimarket/app", false],
    ];
    for (const [ref, pinned] of valid) {
        it(`${ref} is valid and ${pinned ? "" : "not "}pinned`, () => {
            const parsed = parseImageRef(ref);
            expect(parsed, ref).not.to.equal(undefined);
            expect(isPinned(parsed!)).to.equal(pinned);
        });
    }
    for (const bad of ["", "UPPER/case:1", "app:tag with space", "app:", "app@sha256:short", "-app:1"]) {
        it(`rejects ${JSON.stringify(bad)}`, () => expect(parseImageRef(bad)).to.equal(undefined));
    }
    it("separates the registry from the repository", () => {
        expect(parseImageRef("ghcr.io/google/cadvisor:v0.53.0")).to.deep.include({ registry: "ghcr.io", repository: "google/cadvisor", tag: "v0.53.0" });
        expect(parseImageRef("prom/prometheus:v3.5.0")).to.deep.include({ registry: undefined, repository: "prom/prometheus" });
    });
});

describe("invalid config in a real program run", () => {
    it("fails with the config error and registers no resource at all", async () => {
        const run = await runProgram({
            config: { services: { dashboard: { image: "minimarket/dashboard:latest" } }, hostPorts: { grafana: 8080 } },
        });
        expect(run.error).to.be.instanceOf(Error);
        expect(run.error!.message).to.include("minimarket:services.dashboard.image");
        expect(run.error!.message).to.include("minimarket:hostPorts.grafana");
        expect(run.resources, "no resource may be registered when config is invalid").to.deep.equal([]);
    });

    it("rejects a latest image on prod, where staging would only need allowUnpinnedImages", async () => {
        const staging = await runProgram({ config: { allowUnpinnedImages: true, services: { dashboard: { image: "minimarket/dashboard:latest" } } } });
        expect(staging.error).to.equal(undefined);
        const prod = await runProgram({
            stack: "prod",
            useStackFile: false,
            config: { allowUnpinnedImages: true, services: { dashboard: { image: "minimarket/dashboard:latest" } } },
        });
        expect(prod.error?.message).to.include("minimarket:allowUnpinnedImages: prod never deploys `latest`");
        expect(prod.error?.message).to.include("minimarket:services.dashboard.image");
        expect(prod.resources).to.deep.equal([]);
    });
});
