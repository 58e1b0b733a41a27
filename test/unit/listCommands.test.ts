// The commands offered when a list key holds one string (config/fields.ts listCommands): they
// must be runnable as printed, one per item, in the string's own order.

import { expect } from "chai";
import { ConfigError, parseConfig } from "../../config";
import { listCommands } from "../../config/fields";

function problems(values: Record<string, string>): string[] {
    try {
        parseConfig({ values, secretKeys: new Set() }, "staging");
        return [];
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
}

const set = (i: number, word: string) => `\`scripts/stack.sh --stack staging config set --path 'dockerSshOpts[${i}]' ${word}\``;

describe("unit: list commands", () => {
    it("splits the string at commas and spaces into one set per item, after removing the string", () => {
        expect(problems({ dockerSshOpts: "-p,  2222" })).to.deep.equal([
            `minimarket:dockerSshOpts: expected a list of strings, got "-p,  2222"; a list is set item by item: \`scripts/stack.sh --stack staging config rm dockerSshOpts\`, then ${set(0, "-- -p")}, ${set(1, "2222")}`,
        ]);
    });

    it("quotes a word the shell would change, and shows at most four items", () => {
        expect(listCommands("it's a,b c d")).to.equal(
            "a list is set item by item: `{rm}`, then " +
                [`'it'\\''s'`, "a", "b", "c"].map((w, i) => `\`{config} set --path '{key}[${i}]' ${w}\``).join(", ") +
                ", …",
        );
        expect(listCommands("a b c d")).to.not.include("…");
    });

    it("falls back to a <value> placeholder when there is no item to show", () => {
        const placeholder = "a list is set item by item: `{rm}`, then `{config} set --path '{key}[0]' <value>`";
        for (const v of ["", " , ", 5, ["x"], undefined]) expect(listCommands(v), JSON.stringify(v)).to.equal(placeholder);
    });
});
