// Values the program takes from parseConfig as it passes them on (config/stackConfig.ts), and
// the rules of rules.ts that depend on which stack or environment is prod.

import { expect } from "chai";
import { StackConfig } from "../../config";
import { parsed, problemsOrNone } from "../config/support";
import { topLevelKeys } from "../../config/schema";

type Opts = { stack?: string; secret?: string[] };
const parse = (values: Record<string, unknown>, opts: Opts = {}): StackConfig => parsed(values, { secretKeys: opts.secret, stack: opts.stack });
const problems = (values: Record<string, unknown>, opts: Opts = {}) => problemsOrNone(values, { secretKeys: opts.secret, stack: opts.stack });

describe("unit: stack values passed on", () => {
    it("lists every known key in alphabetical order after an unknown one", () => {
        const [line] = problems({ nope: "1" });
        const listed = /\(known keys: (.*)\)$/.exec(line)?.[1].split(", ");
        expect(listed).to.deep.equal([...topLevelKeys].sort());
        expect(listed).to.not.deep.equal([...topLevelKeys]);
    });

    it("passes the Docker Hub account on only with both its name and token", () => {
        expect(parse({}).dockerHub).to.equal(undefined);
        expect(parse({ dockerHubUsername: "minimarket4ci", dockerHubToken: "dckr_pat_x" }, { secret: ["dockerHubToken"] }).dockerHub).to.deep.equal({
            username: "minimarket4ci",
            token: "dckr_pat_x",
        });
    });

    it("drops trailing slashes of runbookBaseUrl, so links read <base>/docs/runbooks/<Alert>.md", () => {
        expect(parse({ runbookBaseUrl: "https://git.example.com/mm/blob/main//" }).runbookBaseUrl).to.equal("https://git.example.com/mm/blob/main");
        expect(parse({ runbookBaseUrl: "https://git.example.com/mm" }).runbookBaseUrl).to.equal("https://git.example.com/mm");
    });

    it("applies prod's rules when environment is prod, whatever the stack is called", () => {
        expect(problems({ environment: "prod", allowUnpinnedImages: "true" }, { stack: "eu-1" })).to.include(
            "minimarket:allowUnpinnedImages: prod never deploys `latest` or tagless images; run `scripts/stack.sh --stack eu-1 config rm allowUnpinnedImages`",
        );
        expect(parse({ environment: "prod-like", allowUnpinnedImages: "true" }, { stack: "eu-1" }).isProd).to.equal(false);
    });

    it("wants the dead man's switch URL stored as a secret (it lets anyone silence the heartbeat)", () => {
        const url = "https://hc-ping.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        expect(problems({ deadMansSwitchUrl: url })).to.deep.equal([
            "minimarket:deadMansSwitchUrl: is stored in plain text; run `scripts/stack.sh --stack staging config set --secret deadMansSwitchUrl`",
        ]);
        expect(parse({ deadMansSwitchUrl: url }, { secret: ["deadMansSwitchUrl"] }).deadMansSwitchUrl).to.equal(url);
    });
});
