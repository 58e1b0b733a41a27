// Rollback reads what a service ran from the stack's own history (`pulumi stack history --json`,
// pulumi/pulumi v3.248.0 updateInfoJSON): the newest successful update, then the newest earlier
// successful update that ran something else.
import { expect } from "chai";
import { HistoryEntry, imageIn, previousImage } from "../scripts/rollback";

const ran = (version: number, images: Record<string, string | undefined>, extra: Partial<HistoryEntry> = {}): HistoryEntry => {
    const services = Object.fromEntries(Object.entries(images).map(([s, image]) => [s, image === undefined ? { memoryMb: 512 } : { image }]));
    return {
        version,
        kind: "update",
        result: "succeeded",
        startTime: `2026-11-${10 + version}T10:00:00Z`,
        config: { "minimarket:services": { value: JSON.stringify(services), objectValue: services, secret: false } },
        ...extra,
    };
};

describe("rollback: the image a service ran before", () => {
    it("reads a service's image from an update's config, from objectValue or from the JSON text", () => {
        expect(imageIn(ran(1, { dashboard: "r/d:1" }), "dashboard")).to.equal("r/d:1");
        const textOnly = ran(1, { dashboard: "r/d:2" });
        delete textOnly.config!["minimarket:services"].objectValue;
        expect(imageIn(textOnly, "dashboard")).to.equal("r/d:2");
        expect(imageIn(ran(1, { dashboard: undefined }), "dashboard"), "a stand-in").to.equal(undefined);
        expect(imageIn({ version: 1, kind: "update" }, "dashboard")).to.equal(undefined);
        expect(imageIn({ version: 1, kind: "update", config: { "minimarket:services": { value: "{not json" } } }, "dashboard")).to.equal(undefined);
    });

    it("skips failed updates and refreshes, and other services' changes; newest first whatever the order given", () => {
        const history = [
            ran(2, { dashboard: "r/d:1.9.2", "ml-service": "r/m:2" }),
            ran(5, { dashboard: "r/d:1.9.3", "ml-service": "r/m:3" }),
            ran(4, { dashboard: "r/d:9.9.9" }, { result: "failed" }),
            ran(3, { dashboard: "r/d:0.0.1" }, { kind: "refresh" }),
            ran(1, { dashboard: "r/d:1.0.0" }),
        ];
        expect(previousImage(history, "dashboard")).to.deep.equal({ from: "r/d:1.9.3", to: "r/d:1.9.2", version: 2, startTime: "2026-11-12T10:00:00Z" });
        expect(previousImage(history, "ml-service")).to.deep.include({ from: "r/m:3", to: "r/m:2" });
    });

    it("goes back to the demo stand-in when that is what ran before, and says when there is nothing to go back to", () => {
        expect(previousImage([ran(2, { dashboard: "r/d:1" }), ran(1, { dashboard: undefined })], "dashboard")).to.deep.include({
            from: "r/d:1",
            to: undefined,
            version: 1,
        });
        expect(previousImage([], "dashboard")).to.equal("the stack has no successful update yet, so there is nothing to go back to");
        expect(previousImage([ran(2, { dashboard: "r/d:1" }), ran(1, { dashboard: "r/d:1" })], "dashboard")).to.equal(
            "dashboard has run r/d:1 in every update of the history read (2); there is no earlier image",
        );
        expect(previousImage([ran(1, { dashboard: "r/d:1" }, { result: "failed" })], "dashboard")).to.match(/no successful update yet/);
    });
});
