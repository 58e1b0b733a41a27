// Top-level keys at their edges: URLs with junk before or after, values of the wrong type, and the
// lists of allowed names a message gives. Secrets are refused without their value.

import { expect } from "chai";
import { StackConfig } from "../../config";
import { parsed, problemsOrNone } from "../config/support";
import { secretNames } from "../../facts/secrets";

type Values = Record<string, unknown>;

const parse = (values: Values, secret: string[] = []): StackConfig => parsed(values, { secretKeys: secret });
const problems = (values: Values, secret: string[] = []) => problemsOrNone(values, { secretKeys: secret });

describe("unit: top-level keys at their edges", () => {
    it("deadMansSwitchUrl: https://, a host, then anything without spaces; never echoed", () => {
        for (const url of ["https://hc-ping.com/0b5f1c2e-7d4a-4e7b-9a53-2f1d8c6b4a10", "https://h"]) {
            expect(problems({ deadMansSwitchUrl: url }, ["deadMansSwitchUrl"]), url).to.deep.equal([]);
            expect(parse({ deadMansSwitchUrl: url }, ["deadMansSwitchUrl"]).deadMansSwitchUrl).to.equal(url);
        }
        for (const url of ["http://hc-ping.com/u", "https:///u", "https://?u", "https://#u", "xhttps://hc-ping.com/u", "https://hc-ping.com/a b", "https://"]) {
            expect(problems({ deadMansSwitchUrl: url }, ["deadMansSwitchUrl"]), url).to.deep.equal([
                "minimarket:deadMansSwitchUrl: must be an https:// heartbeat URL, e.g. https://hc-ping.com/<uuid>",
            ]);
        }
    });

    it("slackWebhookUrl: nothing before https://", () => {
        expect(problems({ slackWebhookUrl: "see https://hooks.slack.com/services/T/B/x" }, ["slackWebhookUrl"])).to.deep.equal([
            "minimarket:slackWebhookUrl: must be an https:// Slack incoming-webhook URL",
        ]);
    });

    it("runbookBaseUrl: http(s), a host and an optional path, no query or fragment", () => {
        for (const url of ["http://docs.internal", "https://github.com/acme/minimarket/blob/main", "https://docs.example.com/"]) {
            expect(problems({ runbookBaseUrl: url }), url).to.deep.equal([]);
        }
        for (const url of [
            "ftp://docs",
            "https://github.com/acme?tab=1",
            "https://github.com#readme",
            "https://x/a?b",
            "https://x/a b",
            "see https://x",
            "https:///a",
            "https://",
        ]) {
            expect(problems({ runbookBaseUrl: url }), url).to.deep.equal([
                `minimarket:runbookBaseUrl: must be an http(s) URL without query or fragment, where docs/runbooks/<Alert>.md is appended; got ${JSON.stringify(url)}`,
            ]);
        }
    });

    it("dockerHubUsername: starts with a letter or digit, nothing after the name", () => {
        const ok = parse({ dockerHubUsername: "minimarket4ci", dockerHubToken: "dckr_pat_x" }, ["dockerHubToken"]);
        expect(ok.dockerHub).to.deep.equal({ username: "minimarket4ci", token: "dckr_pat_x" });
        for (const name of ["-deploy", "_deploy", "deploy!", "dep loy"]) {
            expect(problems({ dockerHubUsername: name, dockerHubToken: "dckr_pat_x" }, ["dockerHubToken"]), name).to.deep.equal([
                `minimarket:dockerHubUsername: must be a Docker Hub user name, got ${JSON.stringify(name)}`,
            ]);
        }
    });

    it("secrets of the wrong type or empty are refused without their value", () => {
        const wrongType = { registryPassword: { k: "hunter2-secret" }, backupOffsiteCredentials: ["hunter2-secret"], dockerHubToken: { t: "hunter2-secret" } };
        const found = problems({ ...wrongType, dockerHubUsername: "minimarket4ci" }, Object.keys(wrongType));
        expect(found).to.have.members([
            "minimarket:registryPassword: expected a string",
            "minimarket:backupOffsiteCredentials: expected a string",
            "minimarket:dockerHubToken: expected a string",
        ]);
        expect(found.join("\n")).not.to.include("hunter2");
        expect(problems({ dockerHubUsername: "minimarket4ci", dockerHubToken: "" }, ["dockerHubToken"])).to.deep.equal([
            "minimarket:dockerHubToken: must not be empty",
        ]);
    });

    it("objects given as something else say how to set their fields", () => {
        expect(problems({ rotations: [1] })).to.deep.equal([
            "minimarket:rotations: expected an object; set a counter with `scripts/stack.sh --stack staging config set --path 'rotations.<secret>' 1`",
        ]);
        expect(problems({ secretEnv: [1] }, ["secretEnv"])).to.deep.equal([
            "minimarket:secretEnv: expected an object; set each value with `scripts/stack.sh --stack staging config set --secret --path 'secretEnv.<service>.<VAR>'`",
        ]);
        expect(problems({ timezone: ["UTC"] })).to.deep.equal(['minimarket:timezone: expected a string, got ["UTC"]']);
        expect(problems({ logLevel: ["INFO"] })).to.deep.equal(['minimarket:logLevel: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got ["INFO"]']);
    });

    it("a migration command that is neither a list nor false gets no list commands unless it is text", () => {
        const what = 'expected a list of arguments such as ["alembic","upgrade","head"], or false to skip the release step';
        expect(problems({ services: { dashboard: { migrationCommand: 5 } } })).to.deep.equal([`minimarket:services.dashboard.migrationCommand: ${what}`]);
        expect(problems({ services: { dashboard: { migrationCommand: "alembic upgrade" } } })[0]).to.equal(
            `minimarket:services.dashboard.migrationCommand: ${what}; a list is set item by item: \`scripts/stack.sh --stack staging config rm --path 'services.dashboard.migrationCommand'\`, ` +
                "then `scripts/stack.sh --stack staging config set --path 'services.dashboard.migrationCommand[0]' alembic`, `scripts/stack.sh --stack staging config set --path 'services.dashboard.migrationCommand[1]' upgrade`",
        );
    });

    it("cpus: whole or decimal cores from their text", () => {
        const cpus = (v: string) => parse({ services: { "ml-service": { cpus: v } } }).services["ml-service"].cpus;
        expect([cpus("12"), cpus("0.25"), cpus(" 2 ")]).to.deep.equal([12, 0.25, 2]);
        expect(problems({ services: { "ml-service": { cpus: "0.05" } } })).to.deep.equal([
            "minimarket:services.ml-service.cpus: expected a number of CPU cores from 0.1 to 64, got 0.05",
        ]);
    });

    it("hostPorts: an unknown service lists the published ones; a bad port is not also called a duplicate", () => {
        expect(problems({ hostPorts: { loki: 3100 } })).to.deep.equal([
            "minimarket:hostPorts.loki: unknown published service; the ones with host ports are dashboard, grafana, prometheus, alertmanager",
        ]);
        // grafana is bad, so it holds no port: 3000 (its default) is free for the dashboard.
        expect(problems({ hostPorts: { grafana: "abc", dashboard: 3000 } })).to.deep.equal([
            'minimarket:hostPorts.grafana: expected a whole number from 1 to 65535, got "abc"',
        ]);
        expect(problems({ hostPorts: { grafana: "abc", prometheus: "xyz" } })).to.have.members([
            'minimarket:hostPorts.grafana: expected a whole number from 1 to 65535, got "abc"',
            'minimarket:hostPorts.prometheus: expected a whole number from 1 to 65535, got "xyz"',
        ]);
    });

    it("rotations: an unknown secret lists the generated ones", () => {
        const found = problems({ rotations: { stripeKey: 1 } });
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^minimarket:rotations\.stripeKey: unknown secret; the generated secrets are /);
        expect(found[0]).to.include(secretNames.join(", "));
    });
});

describe("unit: cross-key rules at their edges", () => {
    const STRONG = "x".repeat(40);
    const PINNED = Object.fromEntries(["agente-deposito", "agente-negocio", "ml-service", "dashboard"].map((n) => [n, { image: `r/${n}:1.0.0` }]));

    it("environment prod makes any stack prod", () => {
        const values = { environment: "prod", allowUnpinnedImages: "true", services: PINNED, corsOrigins: ["https://shop.example.com"] };
        expect(problems(values)).to.deep.equal([
            "minimarket:allowUnpinnedImages: prod never deploys `latest` or tagless images; run `scripts/stack.sh --stack staging config rm allowUnpinnedImages`",
        ]);
    });

    it("names the key of a heartbeat URL or Docker Hub token stored in plain text, without the value", () => {
        expect(problems({ deadMansSwitchUrl: "https://hc-ping.com/plain-uuid" })).to.deep.equal([
            "minimarket:deadMansSwitchUrl: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret deadMansSwitchUrl`",
        ]);
        expect(problems({ dockerHubUsername: "minimarket4ci", dockerHubToken: "dckr_pat_plain" })).to.deep.equal([
            "minimarket:dockerHubToken: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret dockerHubToken`",
        ]);
    });

    it("wants the Docker Hub account and its token together", () => {
        expect(problems({ dockerHubUsername: "minimarket4ci" })).to.deep.equal([
            "minimarket:dockerHubToken: dockerHubUsername is set but its token is not; run `scripts/stack.sh --stack staging config set --secret dockerHubToken`",
        ]);
        expect(problems({ dockerHubToken: "dckr_pat_x" }, ["dockerHubToken"])).to.deep.equal([
            "minimarket:dockerHubUsername: dockerHubToken is set but the account is not; run `scripts/stack.sh --stack staging config set dockerHubUsername <user>`",
        ]);
    });

    it("checks a supplied secret's whitespace and length only when it is text", () => {
        expect(problems({ postgresMonitorPassword: STRONG }, ["postgresMonitorPassword"])).to.deep.equal([]);
        expect(problems({ postgresMonitorPassword: { a: STRONG } }, ["postgresMonitorPassword"])).to.deep.equal([
            "minimarket:postgresMonitorPassword: expected a string",
        ]);
        expect(problems({ redisPassword: [STRONG] }, ["redisPassword"])).to.deep.equal(["minimarket:redisPassword: expected a string"]);
    });

    it("applies the gcp cross-key rules on platform gcp only", () => {
        const gcp = {
            project: "minimarket-prod-1",
            sshSourceRanges: ["203.0.113.7/32"],
            sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
            domain: "shop.example.com",
            registry: { server: "gcr.io", username: "_json_key_base64" },
        };
        expect(problems({ gcp })).to.deep.equal([]);
        expect(problems({ platform: "gcp", gcp })).to.deep.equal([
            "minimarket:gcp.registry.username: is only used with a key in registryPassword; run `scripts/stack.sh --stack staging config rm --path gcp.registry.username` to pull with the deployer's short-lived gcloud token, or set the key with `scripts/stack.sh --stack staging config set --secret registryPassword`",
        ]);
    });
});
