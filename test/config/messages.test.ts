// Issue 10, item 8: messages that say what was meant and how to fix it.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, readStackFile } from "../../config";
import { makeTempDir } from "../support/processes";
import { parsed, prodValues, refusal } from "./support";

describe("config messages", () => {
    describe("an unknown key names the nearest known one", () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
            ["top-level key, other case", { loglevel: "INFO" }, /minimarket:loglevel: unknown key;.*did you mean `logLevel`\?/],
            ["top-level key, typo", { metricRetention: "7d" }, /minimarket:metricRetention: unknown key;.*did you mean `metricsRetention`\?/],
            [
                "service field",
                { services: { dashboard: { memoryMB: 512 } } },
                /minimarket:services\.dashboard\.memoryMB: unknown field;.*did you mean `memoryMb`\?/,
            ],
            ["host port", { hostPorts: { grafna: 3001 } }, /minimarket:hostPorts\.grafna: unknown published service;.*did you mean `grafana`\?/],
            [
                "gcp field",
                prodValues({ gcp: { ...(prodValues().gcp as object), sshPublickey: "x" } }),
                /minimarket:gcp\.sshPublickey: unknown field;.*did you mean `sshPublicKey`\?/,
            ],
            ["backup field", { backup: { enabeld: false } }, /minimarket:backup\.enabeld: .*did you mean `enabled`\?/],
        ];
        for (const [what, values, expected] of cases) {
            it(what, () => expect(refusal(values, { stack: values.platform ? "prod" : "staging" })).to.match(expected));
        }
        it("does not guess when nothing is close", () => {
            expect(refusal({ zzzzzzzz: "1" })).not.to.include("did you mean");
        });
    });

    describe("allowUnpinnedImages is mentioned where it applies", () => {
        it("outside prod, an unpinned image names the setting that allows it", () => {
            expect(refusal({ services: { dashboard: { image: "minimarket/dashboard:latest" } } })).to.match(
                /services\.dashboard\.image: .* is not pinned; .*`scripts\/stack\.sh --stack staging config set allowUnpinnedImages true`/,
            );
        });
        it("in prod, the message says the setting does not apply rather than suggesting it", () => {
            const prod = prodValues();
            const text = refusal(
                { ...prod, services: { ...(prod.services as object), dashboard: { image: "minimarket/dashboard:latest" } } },
                { stack: "prod" },
            );
            expect(text).to.match(/services\.dashboard\.image: .* is not pinned; .*allowUnpinnedImages does not apply to prod/);
            expect(text).not.to.include("scripts/stack.sh --stack staging config set allowUnpinnedImages");
        });
    });

    describe("a list setting given as a string shows the commands that set a list", () => {
        it("top-level list: remove the string, then set each of its items by --path", () => {
            expect(refusal({ corsOrigins: "https://a.example.com, https://b.example.com" })).to.include(
                'minimarket:corsOrigins: expected a list of strings, got "https://a.example.com, https://b.example.com"; a list is set item by item: ' +
                    "`scripts/stack.sh --stack staging config rm corsOrigins`, then `scripts/stack.sh --stack staging config set --path 'corsOrigins[0]' https://a.example.com`, " +
                    "`scripts/stack.sh --stack staging config set --path 'corsOrigins[1]' https://b.example.com`",
            );
        });
        it("an item that starts with a dash is passed after --, so the CLI does not take it for a flag", () => {
            expect(refusal({ dockerSshOpts: "-i ~/.ssh/deploy" })).to.include(
                "`scripts/stack.sh --stack staging config set --path 'dockerSshOpts[0]' -- -i`, `scripts/stack.sh --stack staging config set --path 'dockerSshOpts[1]' '~/.ssh/deploy'`",
            );
        });
        it("nested list: the remove command takes --path too", () => {
            const text = refusal(prodValues({ gcp: { ...(prodValues().gcp as object), sshSourceRanges: "203.0.113.7/32" } }), { stack: "prod" });
            expect(text).to.include(
                "`scripts/stack.sh --stack prod config rm --path 'gcp.sshSourceRanges'`, then `scripts/stack.sh --stack prod config set --path 'gcp.sshSourceRanges[0]' 203.0.113.7/32`",
            );
        });
        it("a release command given as one string is split into its arguments", () => {
            expect(refusal({ services: { dashboard: { migrationCommand: "alembic upgrade head" } } })).to.include(
                "`scripts/stack.sh --stack staging config set --path 'services.dashboard.migrationCommand[0]' alembic`, `scripts/stack.sh --stack staging config set --path 'services.dashboard.migrationCommand[1]' upgrade`",
            );
        });
        it("a list variable override given as a plain string", () => {
            expect(refusal({ services: { dashboard: { env: { CORS_ORIGINS: "https://a.example.com" } } } })).to.include(
                "`scripts/stack.sh --stack staging config set --path 'services.dashboard.env.CORS_ORIGINS[0]' https://a.example.com`",
            );
        });
    });

    describe("a YAML error names the stack file", () => {
        const dir = makeTempDir("stack-yaml");
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        function errorOf(content: string): ConfigError {
            const file = path.join(dir, "Pulumi.broken.yaml");
            fs.writeFileSync(file, content);
            try {
                readStackFile(file);
            } catch (e) {
                expect(e).to.be.instanceOf(ConfigError);
                return e as ConfigError;
            }
            expect.fail("a broken stack file must be refused");
        }

        it("with the line and column, and without the text there (it may be a secret)", () => {
            const e = errorOf('config:\n  minimarket:logLevel: INFO\n  minimarket:redisPassword: "CANARY-yaml-7f3a\n  minimarket:timezone: UTC\n');
            expect(e.message).to.include(path.join(dir, "Pulumi.broken.yaml"));
            expect(e.message).to.match(/is not valid YAML: .*line \d+, column \d+/);
            expect(e.message).not.to.include("CANARY-yaml-7f3a");
            expect(e.message).not.to.include("minimarket:timezone");
        });
        it("when config is not a mapping", () => {
            expect(errorOf("config:\n  - minimarket:logLevel\n").message).to.match(/Pulumi\.broken\.yaml: expected a YAML mapping with a `config:` mapping/);
        });
        it("reads a valid file as before", () => {
            const file = path.join(dir, "Pulumi.ok.yaml");
            fs.writeFileSync(file, "config:\n  minimarket:logLevel: DEBUG\n");
            expect(readStackFile(file).values).to.deep.equal({ "minimarket:logLevel": "DEBUG" });
        });
    });

    describe("plain overrides of the variables a setting sets are checked like that setting", () => {
        const env = (vars: Record<string, unknown>) => ({ services: { "ml-service": { env: vars } } });
        const cases: Array<[string, unknown, RegExp]> = [
            ["LOG_LEVEL", "loud", /overrides the `logLevel` setting .*must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "loud"/],
            ["TZ", "ART", /overrides the `timezone` setting .*"ART" is an abbreviation/],
            ["TZ", "america/argentina/buenos_aires", /did you mean `America\/Argentina\/Buenos_Aires`\?/],
            ["CORS_ORIGINS", ["shop.example.com"], /overrides the `corsOrigins` setting .*"shop\.example\.com" is not an origin/],
            ["DASHBOARD_CORS_ORIGINS", '["https://ok.example.com","ftp://x"]', /overrides the `corsOrigins` setting .*"ftp:\/\/x" is not an origin/],
            ["DASHBOARD_FORCE_HTTPS", "yes", /overrides the `dashboardForceHttps` setting .*expected true or false, got "yes"/],
            ["ENVIRONMENT", "Prod", /overrides the `environment` setting .*lowercase/],
        ];
        for (const [name, value, expected] of cases) {
            it(`${name}: ${JSON.stringify(value)}`, () => {
                const text = refusal(env({ [name]: value }));
                expect(text).to.include(`minimarket:services.ml-service.env.${name}: `);
                expect(text).to.match(expected);
            });
        }
        it("accepts valid overrides and passes them as the apps parse them", () => {
            const c = parsed(
                env({ LOG_LEVEL: "debug", TZ: "UTC", CORS_ORIGINS: ["https://a.example.com"], DASHBOARD_FORCE_HTTPS: true, ENVIRONMENT: "staging-2" }),
            );
            expect(c.services["ml-service"].env).to.deep.equal({
                LOG_LEVEL: "DEBUG",
                TZ: "UTC",
                CORS_ORIGINS: '["https://a.example.com"]',
                DASHBOARD_FORCE_HTTPS: "true",
                ENVIRONMENT: "staging-2",
            });
        });
    });
});
