// How raw config values become typed values and how problems become one line each, naming the
// key and the command that fixes it.

import { expect } from "chai";
import { z } from "zod";
import { boolean, editDistance, integer, isPlainObject, oneOf, record, stringList, suggestion, text } from "../../config/fields";
import { ConfigError, configCommand, decodeValues, formatIssues, keyOf, misspelledNamespaceProblems, parseConfig, parseGcpConfig } from "../../config/parse";

/** The problems a schema reports for a value, formatted as the operator sees them. */
function problems(schema: z.ZodType, value: unknown, prefix: PropertyKey[] = []): string[] {
    const result = schema.safeParse(value);
    return result.success ? [] : formatIssues(result.error.issues, "staging", prefix);
}

describe("unit: config values and messages", () => {
    it("decodes JSON structures and leaves every other value a string", () => {
        expect(decodeValues({ a: '{"x":1}', b: " [1, 2]", c: "true", d: "30", e: "{not json", f: "x{y}" })).to.deep.equal({
            a: { x: 1 },
            b: [1, 2],
            c: "true",
            d: "30",
            e: "{not json",
            f: "x{y}",
        });
    });

    it("writes keys as the CLI's --path does", () => {
        expect(keyOf(["services", "dashboard", "env", "X"])).to.equal("services.dashboard.env.X");
        expect(keyOf(["gcp", "sshSourceRanges", 1])).to.equal("gcp.sshSourceRanges[1]");
        expect(keyOf([0])).to.equal("[0]");
        expect(keyOf([])).to.equal("");
    });

    it("names the key in each message, with `config set` for a top-level key and `--path` below it", () => {
        const schema = z.object({ top: boolean(), nested: z.object({ flag: boolean() }) });
        expect(problems(schema, { top: "yes", nested: { flag: 1 } })).to.deep.equal([
            'minimarket:top: expected true or false, got "yes"; run `scripts/stack.sh --stack staging config set top true`',
            "minimarket:nested.flag: expected true or false, got 1; run `scripts/stack.sh --stack staging config set --path 'nested.flag' true`",
        ]);
        expect(problems(z.object({ flag: boolean() }), { flag: "no" }, ["gcp"])).to.deep.equal([
            "minimarket:gcp.flag: expected true or false, got \"no\"; run `scripts/stack.sh --stack staging config set --path 'gcp.flag' true`",
        ]);
        expect(problems(boolean(), "x")).to.deep.equal([
            'minimarket: expected true or false, got "x"; run `scripts/stack.sh --stack staging config set  true`',
        ]);
        const issue = { code: "custom", path: ["a"], message: "run `{config} rm {key}` or `{rm}`", input: 1 } as unknown as z.core.$ZodIssue;
        expect(formatIssues([issue], "dev-ana")).to.deep.equal([
            "minimarket:a: run `scripts/stack.sh --stack dev-ana config rm a` or `scripts/stack.sh --stack dev-ana config rm a`",
        ]);
    });

    it("names the entry point with the stack in every fix command", () => {
        expect(configCommand("staging")).to.equal("scripts/stack.sh --stack staging config");
        expect(configCommand("dev-ana")).to.equal("scripts/stack.sh --stack dev-ana config");
    });

    it("reports keys of a namespace that looks like a typo of minimarket, and leaves the providers' alone", () => {
        expect(misspelledNamespaceProblems(["minimarkt:logLevel"], "dev-ana")).to.deep.equal([
            'minimarkt:logLevel: the namespace "minimarkt" is not "minimarket", so the program never reads this key; move it: ' +
                "`scripts/stack.sh --stack dev-ana config rm minimarkt:logLevel`, then `scripts/stack.sh --stack dev-ana config set logLevel <value>` " +
                "(for a secret, `scripts/stack.sh --stack dev-ana config set --secret logLevel`, which prompts)",
        ]);
        // One or two edits away, or another letter case, is a typo; further is another namespace.
        for (const ns of ["MiniMarket", "mini-market", "minimarkets", "mnimarkt", "minimarket2x"]) {
            expect(misspelledNamespaceProblems([`${ns}:x`], "s"), ns).to.have.length(1);
        }
        // A key without a namespace, or with an empty one or no key, is not something the CLI stores.
        for (const key of [
            "gcp:project",
            "docker:host",
            "pulumi:template",
            "random:x",
            "command:y",
            "minimark3ts2:x",
            "minimarket:logLevel",
            "nonamespace",
            "minimarkXX",
            ":x",
            "minimarkt:",
        ]) {
            expect(misspelledNamespaceProblems([key], "s"), key).to.deep.equal([]);
        }
        expect(() => parseConfig({ values: {}, secretKeys: new Set(), otherKeys: ["minimarkt:logLevel", "gcp:project"] }, "s")).to.throw(
            ConfigError,
            /^Invalid stack configuration \(1 problem\); nothing was changed:\n {2}- minimarkt:logLevel: /,
        );
        expect(parseConfig({ values: {}, secretKeys: new Set(), otherKeys: ["gcp:project"] }, "s").logLevel).to.equal("INFO");
    });

    it("reports a repeated problem once", () => {
        const issue = { code: "custom", path: ["a"], message: "bad {key}", input: 1 } as unknown as z.core.$ZodIssue;
        expect(formatIssues([issue, issue], "staging")).to.deep.equal(["minimarket:a: bad a"]);
    });

    it("counts the problems in the error's first line", () => {
        expect(new ConfigError(["one"]).message).to.equal("Invalid stack configuration (1 problem); nothing was changed:\n  - one");
        expect(new ConfigError(["one", "two"]).message).to.equal("Invalid stack configuration (2 problems); nothing was changed:\n  - one\n  - two");
        expect(new ConfigError([]).name).to.equal("ConfigError");
        expect(new ConfigError(["x"]).problems).to.deep.equal(["x"]);
    });

    it("reads booleans and whole numbers from their text, within bounds", () => {
        expect(boolean().parse("true")).to.equal(true);
        expect(boolean().parse("false")).to.equal(false);
        expect(boolean().parse(false)).to.equal(false);
        expect(boolean().safeParse("True").success).to.be.false;
        const n = integer(1, 10);
        expect(n.parse(" 7 ")).to.equal(7);
        expect(n.parse(1)).to.equal(1);
        expect(n.parse("10")).to.equal(10);
        expect(integer(-5, 5).parse("-5")).to.equal(-5);
        for (const bad of [0, 11, "11", 2.5, "2.5", "1e1", "", "seven"]) {
            expect(problems(n, bad), String(bad)).to.deep.equal([
                `minimarket: expected a whole number from 1 to 10, got ${JSON.stringify(typeof bad === "string" && /^\d+$/.test(bad) ? Number(bad) : bad)}`,
            ]);
        }
    });

    it("checks text against a pattern, with the caller's wording", () => {
        expect(problems(text(), 5)).to.deep.equal(["minimarket: expected a string, got 5"]);
        expect(text({ pattern: /^a/ }).parse("abc")).to.equal("abc");
        expect(problems(text({ pattern: /^a/, what: "an a-word" }), "b")).to.deep.equal(['minimarket: "b" is not an a-word']);
        expect(problems(text({ pattern: /^a/, message: (v) => `no ${v}` }), "b")).to.deep.equal(["minimarket: no b"]);
    });

    it("lists the allowed values and how to set a list", () => {
        expect(problems(oneOf(["a", "b"]), "c")).to.deep.equal(['minimarket: must be one of a, b, got "c"']);
        expect(problems(z.object({ l: stringList() }), { l: "x" })).to.deep.equal([
            "minimarket:l: expected a list of strings, got \"x\"; a list is set item by item: `scripts/stack.sh --stack staging config rm l`, then `scripts/stack.sh --stack staging config set --path 'l[0]' x`",
        ]);
    });

    it("reports each unknown field of a record next to its other problems", () => {
        const r = record({ a: boolean(), b: boolean().optional() }, (field, known) => `unknown ${field} (known: ${known.join("/")})`);
        expect(problems(r, { a: "x", c: 1, d: 2 })).to.deep.equal([
            'minimarket:a: expected true or false, got "x"; run `scripts/stack.sh --stack staging config set a true`',
            "minimarket:c: unknown c (known: a/b); did you mean `a`?",
            "minimarket:d: unknown d (known: a/b); did you mean `a`?",
        ]);
        expect(problems(z.object({ r }), { r: [] })).to.deep.equal([
            "minimarket:r: expected an object, got []; set its fields with `scripts/stack.sh --stack staging config set --path 'r.<field>' <value>`",
        ]);
        expect(r.parse({ a: "true" })).to.deep.equal({ a: true });
        // A string is not taken apart into "unknown fields" 0, 1, ...
        expect(problems(z.object({ r }), { r: "ab" })).to.have.length(1);
    });

    it("tells plain objects from arrays and null", () => {
        expect(isPlainObject({})).to.be.true;
        expect(isPlainObject([])).to.be.false;
        expect(isPlainObject(null)).to.be.false;
        expect(isPlainObject("x")).to.be.false;
    });

    it("suggests the known name within a small edit distance, ignoring case", () => {
        expect(editDistance("kitten", "sitting")).to.equal(3);
        expect(editDistance("", "abc")).to.equal(3);
        expect(editDistance("abc", "")).to.equal(3);
        expect(editDistance("Dashboard", "dashboard")).to.equal(0);
        expect(suggestion("dashbord", ["dashboard", "ml-service"])).to.equal("; did you mean `dashboard`?");
        expect(suggestion("ml-servic", ["dashboard", "ml-service"])).to.equal("; did you mean `ml-service`?");
        // Two edits are always close enough; more only for long names (a quarter of the length).
        expect(suggestion("dshbrd", ["dashboard"])).to.equal("");
        expect(suggestion("ab", ["xy"])).to.equal("; did you mean `xy`?");
        expect(suggestion("abcdefghijkl", ["abcdefghixyz"])).to.equal("; did you mean `abcdefghixyz`?");
        expect(suggestion("abcdefghijkl", ["abcdefgwxyzq"])).to.equal("");
        expect(suggestion("x", [])).to.equal("");
    });

    it("reads the gcp settings alone, also from their JSON text", () => {
        expect(parseGcpConfig(undefined, { required: false })).to.deep.equal({ gcp: undefined, problems: [] });
        expect(parseGcpConfig(undefined, { required: true }).problems).to.deep.equal([
            "minimarket:gcp: platform gcp needs the Google Cloud settings; start with `scripts/stack.sh --stack prod config set --path gcp.project <project-id>`",
        ]);
        const fromText = parseGcpConfig('{"project": 5}', { required: true });
        expect(fromText.gcp).to.equal(undefined);
        expect(fromText.problems.some((p) => p.startsWith("minimarket:gcp.project: "))).to.be.true;
        expect(parseGcpConfig("not json", { required: true }).problems[0]).to.match(/^minimarket:gcp: /);
    });
});
