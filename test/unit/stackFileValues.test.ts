// Values of a committed stack file that are neither plain strings nor encrypted: nulls inside a
// structure pass through as the CLI would hand them over, and an encrypted value reads as a
// placeholder that tells the operator how to set it.

import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile, SECRET_PLACEHOLDER } from "../../config/stackFile";

describe("unit: stack file values", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-values-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps a null inside a structure as JSON null", () => {
        const file = path.join(dir, "Pulumi.nulls.yaml");
        fs.writeFileSync(
            file,
            ["config:", "  minimarket:services:", "    dashboard:", "      migrationCommand: null", "      env: { A: ~, B: [x, null] }"].join("\n"),
        );
        expect(readStackFile(file).values["minimarket:services"]).to.equal('{"dashboard":{"migrationCommand":null,"env":{"A":null,"B":["x",null]}}}');
    });

    it("shows an encrypted value as a placeholder that names the command to set it", () => {
        const file = path.join(dir, "Pulumi.secure.yaml");
        fs.writeFileSync(file, ["config:", "  minimarket:redisPassword:", "    secure: AAABAJ1vZ2U="].join("\n"));
        expect(readStackFile(file)).to.deep.equal({ values: { "minimarket:redisPassword": SECRET_PLACEHOLDER }, secretKeys: ["minimarket:redisPassword"] });
        expect(SECRET_PLACEHOLDER).to.equal("<secret:set-with-pulumi-config-set--secret,not-shown-here>");
    });
});
