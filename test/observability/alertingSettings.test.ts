// The alerting settings of a stack: the Watchdog's heartbeat URL (a dead man's switch, secret) and
// the base of the runbook links. Validated before any resource, wired through the program into
// Alertmanager's and Prometheus' files, and the heartbeat URL never in plain text.

import { expect } from "chai";
import YAML from "yaml";
import { ConfigError, parseConfig, RawConfig } from "../../config";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../facts/telemetry";
import { isSecretWrapper, named, plainOccurrences, ProgramRun, Registered, runProgram, unwrap } from "../support/program";

const CONTAINER = "docker:index/container:Container";
const HEARTBEAT = "https://hc-ping.com/2f9c1a7e-heartbeat-token-0042";
const TOKEN = "heartbeat-token-0042";

function uploads(c: Registered): Record<string, string> {
    const list = (unwrap(c.inputs.uploads) ?? []) as Array<{ file: string; content: string }>;
    return Object.fromEntries(list.map((u) => [u.file, u.content]));
}

function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
    const raw: RawConfig = {
        values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        secretKeys: new Set(secretKeys),
    };
    try {
        parseConfig(raw, "staging");
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems;
    }
}

describe("alerting settings: validation", () => {
    it("accepts a secret https heartbeat URL and an http(s) runbook base", () => {
        expect(
            problemsOf({ deadMansSwitchUrl: HEARTBEAT, runbookBaseUrl: "https://git.example.com/ops/minimarket/-/blob/main/" }, ["deadMansSwitchUrl"]),
        ).to.deep.equal([]);
    });

    it("refuses a heartbeat URL stored in plain text, naming the key and the fix", () => {
        const problems = problemsOf({ deadMansSwitchUrl: HEARTBEAT }).join("\n");
        expect(problems).to.match(
            /minimarket:deadMansSwitchUrl: is stored in plain text; run `scripts\/stack\.sh --stack staging config set --secret deadMansSwitchUrl`/,
        );
        expect(problems).not.to.include(TOKEN);
    });

    it("refuses a heartbeat URL that is not https, without echoing it", () => {
        const problems = problemsOf({ deadMansSwitchUrl: `http://hc-ping.com/${TOKEN}` }, ["deadMansSwitchUrl"]).join("\n");
        expect(problems).to.match(/minimarket:deadMansSwitchUrl: must be an https:\/\/ heartbeat URL/);
        expect(problems).not.to.include(TOKEN);
    });

    it("refuses a runbook base with a query or without a scheme", () => {
        expect(problemsOf({ runbookBaseUrl: "github.com/x/y" }).join("\n")).to.match(/minimarket:runbookBaseUrl: must be an http\(s\) URL/);
        expect(problemsOf({ runbookBaseUrl: "https://example.com/x?ref=main" }).join("\n")).to.match(/minimarket:runbookBaseUrl: must be an http\(s\) URL/);
    });
});

describe("alerting settings: wired into the stack", () => {
    let plain: ProgramRun;
    let configured: ProgramRun;
    before(async () => {
        plain = await runProgram({});
        configured = await runProgram({
            config: { deadMansSwitchUrl: HEARTBEAT, runbookBaseUrl: "https://git.example.com/ops/minimarket/-/blob/main/" },
            secretKeys: ["deadMansSwitchUrl"],
        });
        expect(plain.error, plain.error?.stack).to.equal(undefined);
        expect(configured.error, configured.error?.stack).to.equal(undefined);
    });

    it("posts the Watchdog to the heartbeat URL every minute, from a secret alertmanager.yml", () => {
        const am = named(configured, CONTAINER, "alertmanager");
        expect(isSecretWrapper(am.inputs.uploads)).to.equal(true);
        const config = YAML.parse(uploads(am)["/etc/alertmanager/alertmanager.yml"]);
        const receiver = config.receivers.find((r: { name: string }) => r.name === "deadmans-switch");
        expect(receiver.webhook_configs).to.deep.equal([{ url: HEARTBEAT, send_resolved: false }]);
        const route = config.route.routes.find((r: { receiver: string }) => r.receiver === "deadmans-switch");
        expect(route.matchers).to.deep.equal(['alertname="Watchdog"']);
        expect(route.repeat_interval).to.equal("1m");
    });

    it("keeps the heartbeat URL out of every plain input and output", () => {
        for (const r of configured.resources) {
            expect(plainOccurrences(r.inputs, TOKEN), `${r.type}/${r.name}`).to.deep.equal([]);
        }
        expect(plainOccurrences(configured.outputs, TOKEN)).to.deep.equal([]);
    });

    it("without a heartbeat URL, the Watchdog's receiver sends nothing and the file is plain", () => {
        const am = named(plain, CONTAINER, "alertmanager");
        expect(isSecretWrapper(am.inputs.uploads)).to.equal(false);
        const config = YAML.parse(uploads(am)["/etc/alertmanager/alertmanager.yml"]);
        expect(config.receivers.find((r: { name: string }) => r.name === "deadmans-switch")).to.deep.equal({ name: "deadmans-switch" });
    });

    it("links every alert, the backup alerts too, to runbooks under runbookBaseUrl", () => {
        const files = uploads(named(configured, CONTAINER, "prometheus"));
        const urls = ["alerts.yml", "backups.yml"].flatMap((f) =>
            YAML.parse(files[`/etc/prometheus/rules/${f}`]).groups.flatMap((g: { rules: Array<{ annotations: { runbook_url: string } }> }) =>
                g.rules.map((r) => r.annotations.runbook_url),
            ),
        );
        expect(urls).to.have.length.greaterThan(17);
        for (const url of urls) expect(url).to.match(/^https:\/\/git\.example\.com\/ops\/minimarket\/-\/blob\/main\/docs\/runbooks\/[A-Za-z]+\.md$/);
        const defaults = YAML.parse(uploads(named(plain, CONTAINER, "prometheus"))["/etc/prometheus/rules/alerts.yml"]);
        expect(defaults.groups[0].rules[0].annotations.runbook_url).to.equal(`${DEFAULT_RUNBOOK_BASE_URL}/docs/runbooks/ServiceDown.md`);
    });
});
