// The TZ names an operator may set (timezone, services.<s>.env.TZ): every tzdata region accepted,
// and a refused name answered with the one name that fixes it.

import { expect } from "chai";
import { timezoneProblem } from "../../config/timezones";

describe("unit: time zone names", () => {
    it("accepts a zone of every tzdata region, and UTC", () => {
        for (const tz of [
            "UTC",
            "Africa/Abidjan",
            "America/Argentina/Buenos_Aires",
            "Antarctica/Troll",
            "Asia/Tokyo",
            "Atlantic/Azores",
            "Australia/Sydney",
            "Etc/GMT-14",
            "Europe/Kyiv",
            "Indian/Maldives",
            "Pacific/Auckland",
        ]) {
            expect(timezoneProblem(tz), tz).to.equal(undefined);
        }
    });

    it("answers an old name with the current one, the plain UTC where several zones mean UTC", () => {
        expect(timezoneProblem("Etc/Universal")).to.equal('"Etc/Universal" is an old name; use `UTC`');
        expect(timezoneProblem("America/Buenos_Aires")).to.equal('"America/Buenos_Aires" is an old name; use `America/Argentina/Buenos_Aires`');
        expect(timezoneProblem("Asia/Calcutta")).to.equal('"Asia/Calcutta" is an old name; use `Asia/Kolkata`');
    });

    it("suggests the nearest zone for a misspelt one, and guesses nothing for a far one", () => {
        expect(timezoneProblem("Europe/Berln")).to.equal(
            'unknown IANA time zone "Europe/Berln"; use a Region/City name such as America/Argentina/Buenos_Aires or UTC; did you mean `Europe/Berlin`?',
        );
        expect(timezoneProblem("Mars/Olympus_Mons")).to.equal(
            'unknown IANA time zone "Mars/Olympus_Mons"; use a Region/City name such as America/Argentina/Buenos_Aires or UTC',
        );
    });
});
