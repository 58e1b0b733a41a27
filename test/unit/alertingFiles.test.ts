// The alerting files a stack deploys: rendered for review with visible placeholders, then filled
// with the real secrets. What is deployed must be what was reviewed, secret lines aside.

import { expect } from "chai";
import YAML from "yaml";
import { fillSecretPlaceholders, SECRET_PLACEHOLDERS } from "../../renderers/observability/alertmanager";
import { filesOf, renderStackFiles } from "../../renderers/observability/stackFiles";

const AM = "alertmanager/etc/alertmanager/alertmanager.yml";

describe("unit: alerting files, reviewed and deployed", () => {
    it("filling the secrets changes the placeholder lines and nothing else of the reviewed file", () => {
        const reviewed = renderStackFiles({
            environment: "staging",
            slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl,
            deadMansSwitchUrl: SECRET_PLACEHOLDERS.deadMansSwitchUrl,
        }).files[AM];
        const deployed = fillSecretPlaceholders(reviewed, {
            slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/secret-one",
            deadMansSwitchUrl: "https://hc-ping.com/secret-two",
        });
        const [before, after] = [reviewed.split("\n"), deployed.split("\n")];
        // The long Slack templates stay on their lines: a folded line would be a change nobody reviewed.
        expect(after).to.have.length(before.length);
        const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
        expect(changed).to.deep.equal([
            [`  slack_api_url: ${SECRET_PLACEHOLDERS.slackWebhookUrl}`, "  slack_api_url: https://hooks.slack.com/services/T0/B0/secret-one"],
            [`      - url: ${SECRET_PLACEHOLDERS.deadMansSwitchUrl}`, "      - url: https://hc-ping.com/secret-two"],
        ]);
    });

    it("notifications are on exactly when the stack has a Slack webhook, and the heartbeat goes where the stack says", () => {
        expect(renderStackFiles({ environment: "staging" }).notificationsEnabled).to.equal(false);
        const rendered = renderStackFiles({ environment: "staging", slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl });
        expect(rendered.notificationsEnabled).to.equal(true);
        expect(rendered.files[AM]).to.contain(`slack_api_url: ${SECRET_PLACEHOLDERS.slackWebhookUrl}`);
        const heartbeat = renderStackFiles({ environment: "staging", deadMansSwitchUrl: SECRET_PLACEHOLDERS.deadMansSwitchUrl }).files[AM];
        expect(heartbeat).to.contain(`url: ${SECRET_PLACEHOLDERS.deadMansSwitchUrl}`);
    });

    it("splits the files by container, as paths inside each container", () => {
        const { files } = renderStackFiles({ environment: "staging", backups: { intervalHours: 24, drillIntervalHours: 24 } });
        const containers = [...new Set(Object.keys(files).map((k) => k.split("/")[0]))];
        expect(containers).to.include.members(["prometheus", "alertmanager", "grafana", "loki", "alloy"]);
        let total = 0;
        for (const c of containers) {
            const own = filesOf(files, c);
            for (const [p, content] of Object.entries(own)) {
                expect(p, c).to.match(new RegExp(`^/etc/${c}/`));
                expect(content, p).to.equal(files[`${c}${p}`]);
            }
            total += Object.keys(own).length;
        }
        expect(total).to.equal(Object.keys(files).length);
    });

    it("writes every YAML file without anchors or aliases: each route and rule reads in full where it stands in a review", () => {
        const { files } = renderStackFiles({
            environment: "staging",
            slackWebhookUrl: SECRET_PLACEHOLDERS.slackWebhookUrl,
            backups: { intervalHours: 24, drillIntervalHours: 24 },
        });
        const yamlFiles = Object.keys(files).filter((f) => /\.ya?ml$/.test(f));
        expect(yamlFiles).to.include(AM);
        for (const f of yamlFiles) {
            const aliases: string[] = [];
            YAML.visit(YAML.parseDocument(files[f]), { Alias: (_key, node) => void aliases.push(node.source) });
            expect(aliases, f).to.deep.equal([]);
        }
    });
});
