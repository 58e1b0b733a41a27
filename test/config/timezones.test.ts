// The zone list of config/timezones.ts against the tzdata the containers use (Debian
// bookworm's, which this machine and CI install as /usr/share/zoneinfo), and against Node's Intl.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { timezoneProblem, timezones } from "../../config/timezones";
import { unavailable } from "../support/tools";

const ZONEINFO = "/usr/share/zoneinfo";

describe("time zone names", function () {
    it("every accepted name is a zone file of the installed tzdata, spelled exactly", function () {
        if (!fs.existsSync(path.join(ZONEINFO, "tzdata.zi"))) unavailable(this, `${ZONEINFO}/tzdata.zi (Debian: apt-get install tzdata)`);
        const missing = [...timezones].filter((tz) => !fs.statSync(path.join(ZONEINFO, tz), { throwIfNoEntry: false })?.isFile());
        expect(missing).to.deep.equal([]);
        // Zones, not links, of the installed tzdata (UTC is the one link accepted on purpose).
        const zones = new Set(
            fs
                .readFileSync(path.join(ZONEINFO, "tzdata.zi"), "utf8")
                .split("\n")
                .filter((l) => l.startsWith("Z "))
                .map((l) => l.split(" ")[1]),
        );
        expect([...timezones].filter((tz) => tz !== "UTC" && !zones.has(tz))).to.deep.equal([]);
        expect(timezones.size).to.be.greaterThan(400);
    });

    it("every accepted name is one Node's Intl knows as well (the program formats times with it)", () => {
        const unknown = [...timezones].filter((tz) => {
            try {
                new Intl.DateTimeFormat("en-US", { timeZone: tz });
                return false;
            } catch {
                return true;
            }
        });
        expect(unknown).to.deep.equal([]);
    });

    it("refuses names Intl takes but tzdata spells otherwise or lacks", () => {
        for (const tz of ["ART", "art", "america/argentina/buenos_aires", "AMERICA/ARGENTINA/BUENOS_AIRES", "US/Eastern", "GMT0"]) {
            expect(() => new Intl.DateTimeFormat("en-US", { timeZone: tz }), tz).not.to.throw();
            expect(timezoneProblem(tz), tz).to.be.a("string");
        }
    });

    it("suggests the current name of an old one", () => {
        expect(timezoneProblem("US/Eastern")).to.include("use `America/New_York`");
        expect(timezoneProblem("Europe/Kiev")).to.include("use `Europe/Kyiv`");
    });
});
