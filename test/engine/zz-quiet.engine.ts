// Last file of `npm run test:engine`: the quiet window that test/engine/stack.ts started when the
// committed staging stack was healthy has run beside the other engine tests; now it is read.
import { expect } from "chai";
import { QUIET_MINUTES, stagingStack } from "./stack";

describe("a fresh staging with the committed default config", function () {
    this.timeout((QUIET_MINUTES + 5) * 60_000);

    it(`is quiet for ${QUIET_MINUTES} minutes after it is healthy: no alert but Watchdog pending or firing (real Prometheus and Alertmanager)`, async () => {
        const staging = stagingStack();
        const window = await staging.quiet;
        const minutes = Math.round((Date.now() - staging.healthyAt) / 6000) / 10;
        console.log(`      quiet window: ${window.polls} polls over ${minutes} min after a ${staging.deploySeconds} s deploy`);
        expect(window.noisy, JSON.stringify(window.noisy, null, 1)).to.deep.equal([]);
        // A pending alert lasts at least one rule evaluation and shows at the next answered poll;
        // a few unanswered polls on a busy machine hide nothing, most of them would.
        expect(window.unanswered.length, window.unanswered.join("\n")).to.be.at.most(Math.floor(window.polls / 4));
        expect(window.targetsDown, "scrape targets down at the end").to.deep.equal([]);
        // The rules are loaded and evaluated, and reach Alertmanager: the watch could see an alert.
        expect(window.watchdogFiring).to.be.at.least(window.polls - 1);
        expect(window.receivedByAlertmanager).to.include("Watchdog");
        expect(minutes).to.be.at.least(QUIET_MINUTES);
    });
});
