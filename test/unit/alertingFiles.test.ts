// The alerting files a stack deploys: rendered for review with visible placeholders, then filled
// with the real secrets. What is deployed must be what was reviewed, secret lines aside.

import { expect } from "chai";
import { fillSecretPlaceholders, SECRET_PLACEHOLDERS } from "../../src/observability/render/alertmanager";
import { renderStackFiles } from "../../src/observability/render/stackFiles";

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
});
