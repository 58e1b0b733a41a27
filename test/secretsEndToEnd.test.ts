// Every one of the 13 secrets of the catalog, supplied by the operator (`pulumi config set --secret
// <name>`) instead of generated, stays secret end to end: in state (what the program registers, as
// the mocks record it), in the outputs, in container environments, out of uploads and rendered
// files, off every command line, and off the console of every step that receives it. Each value is
// also shown to arrive where it is used, so no check can pass because an override was ignored.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { encodeUserinfo } from "../components/data/connections";
import { secretCatalog, SecretName, secretNames } from "../facts/secrets";
import { render } from "../scripts/render";
import { isSecretWrapper, plainOccurrences, ProgramRun, Registered, runProgram, unwrap } from "./support/program";
import { makeTempDir } from "./support/processes";
import { COMMAND, CONTAINER, PASSWORD, realImages, withConfig } from "./support/staging";

/** A distinct value per secret, with the punctuation that broke old deploys (and a space where allowed). */
function supplied(name: SecretName): string {
    const gap = "noWhitespace" in secretCatalog[name] ? "_" : " ";
    return `${name}-0perator&?!)(*'"$x${gap}%41+/=:@#-value`;
}
const VALUES = Object.fromEntries(secretNames.map((n) => [n, supplied(n)])) as Record<SecretName, string>;

/** The forms a value travels in: as is, and percent-encoded in a connection URL. */
const forms = (value: string) => [value, encodeUserinfo(value)];

const text = (v: unknown) => JSON.stringify(unwrap(v) ?? null);
const carries = (r: Registered, value: string) =>
    forms(value).some((f) => text(r.inputs).includes(JSON.stringify(f).slice(1, -1)) || text(r.inputs).includes(f));

const STACKS: Array<{ stack: string; settings: Parameters<typeof runProgram>[0]; unused: SecretName[] }> = [
    {
        stack: "staging",
        settings: withConfig(realImages, { ...VALUES, backup: { offsite: { url: "gs://minimarket-backups/staging" } } }, [...secretNames]),
        unused: [],
    },
    {
        stack: "prod",
        settings: {
            stack: "prod",
            config: { ...VALUES, registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" },
            secretKeys: [...secretNames, "registryPassword"],
        },
        // No database container and no pg_dump container on prod (Cloud SQL has its own admin and backups).
        unused: ["postgresAdminPassword", "postgresBackupPassword"],
    },
];

describe("the 13 secrets, supplied by the operator, stay secret end to end", function () {
    this.timeout(300_000);

    for (const { stack, settings, unused } of STACKS) {
        describe(stack, () => {
            let run: ProgramRun;
            before(async () => {
                run = await runProgram(settings);
                expect(run.error, run.error?.stack).to.equal(undefined);
            });

            it("uses each supplied value instead of generating one, where it is consumed", () => {
                expect(run.resources.filter((r) => r.type === PASSWORD).map((r) => r.name)).to.deep.equal([]);
                for (const name of secretNames) {
                    const users = run.resources.filter((r) => r.type !== "minimarket:secrets:StackSecrets" && carries(r, VALUES[name]));
                    if (unused.includes(name))
                        expect(
                            users.map((r) => r.name),
                            name,
                        ).to.deep.equal([]);
                    else expect(users.length, `${name} reaches no resource`).to.be.greaterThan(0);
                }
                expect(unwrap(run.outputs.secrets)).to.deep.include(
                    Object.fromEntries(secretNames.filter((n) => !unused.includes(n)).map((n) => [n, VALUES[n]])),
                );
            });

            it("in state and outputs: never outside a secret, in any form", () => {
                for (const name of secretNames) {
                    for (const form of forms(VALUES[name])) {
                        for (const r of run.resources) expect(plainOccurrences(r.inputs, form), `${name} in ${r.type}/${r.name}`).to.deep.equal([]);
                        expect(plainOccurrences(run.outputs, form), `${name} in the stack outputs`).to.deep.equal([]);
                    }
                }
                expect(isSecretWrapper(run.outputs.secrets)).to.equal(true);
            });

            it("in a container's environment: the whole environment is secret; never in an upload", () => {
                for (const c of run.resources.filter((r) => r.type === CONTAINER)) {
                    const carried = secretNames.filter((n) => forms(VALUES[n]).some((f) => text(c.inputs.envs).includes(f)));
                    if (carried.length) expect(isSecretWrapper(c.inputs.envs), `${c.name} carries ${carried.join(", ")}`).to.equal(true);
                    for (const name of secretNames) {
                        for (const f of forms(VALUES[name])) expect(text(c.inputs.uploads), `${name} uploaded into ${c.name}`).not.to.include(f);
                    }
                }
            });

            it("never on a command line; a step that receives one keeps its output off the console", () => {
                for (const cmd of run.resources.filter((r) => r.type === COMMAND)) {
                    for (const field of ["create", "update", "delete"]) {
                        for (const name of secretNames) {
                            for (const f of forms(VALUES[name])) expect(text(cmd.inputs[field]), `${name} in ${cmd.name}.${field}`).not.to.include(f);
                        }
                    }
                    const received = secretNames.filter((n) => carries(cmd, VALUES[n]));
                    // stdout/stderr are kept secret in state too (test/providersProgram.test.ts, "CLI steps that carry secrets").
                    if (received.length) expect(cmd.inputs.logging, `${cmd.name} receives ${received.join(", ")}`).to.equal("none");
                }
            });
        });
    }

    it("in rendered files: `npm run render` reads the stack file, where `config set --secret` keeps only ciphertext", () => {
        const project = makeTempDir("render-secrets");
        const out = path.join(project, "out");
        try {
            const committed = fs.readFileSync(path.join(__dirname, "..", "Pulumi.staging.yaml"), "utf8");
            // What `pulumi config set --secret <name>` writes: `secure:` ciphertext, never the value.
            const secure = secretNames.map(
                (n) =>
                    `  minimarket:${n}:\n    secure: v1:${Buffer.from(`nonce-${n}`).toString("base64")}:${Buffer.from(VALUES[n]).toString("base64").slice(0, 20)}\n`,
            );
            fs.writeFileSync(path.join(project, "Pulumi.staging.yaml"), committed.replace(/^config:\n/m, `config:\n${secure.join("")}`));
            const written = render({ stack: "staging", out, projectDir: project });
            expect(written.length).to.be.greaterThan(10);
            const all = written.map((f) => fs.readFileSync(path.join(out, f), "utf8")).join("\n");
            for (const name of secretNames) for (const f of forms(VALUES[name])) expect(all, name).not.to.include(f);
            expect(all).not.to.include("secure:");
        } finally {
            fs.rmSync(project, { recursive: true, force: true });
        }
    });
});
