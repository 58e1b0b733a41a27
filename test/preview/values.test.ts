// The values of a changed property as the comment shows them: numbers and text old → new, image
// references as repository and tag, long lists summarised, long values elided in the middle,
// secrets as a fingerprint of the new value only.

import { expect } from "chai";
import { fingerprinter } from "../../scripts/preview/envDiff";
import { code, elide } from "../../scripts/preview/markdown";
import { ResourceChange } from "../../scripts/preview/previewJson";
import { SecretClassifier } from "../../scripts/preview/secretNames";
import { SECRET_SIG, SECRET_SIG_KEY, StackValues, UNKNOWN_STRING } from "../../scripts/preview/secretValues";
import { imageContext, imageTransition, valueChange, ValueContext } from "../../scripts/preview/values";
import { TEST_KEY } from "./fixtures";

const URN = "urn:pulumi:prod::minimarket::gcp:sql/user:User::postgres-app";

function change(
    type: string,
    oldInputs: Record<string, unknown>,
    newInputs: Record<string, unknown>,
    detailedDiff: Record<string, string> = {},
): ResourceChange {
    return {
        urn: URN,
        type,
        name: "x",
        parents: [],
        change: "update",
        diffReasons: Object.keys(newInputs),
        replaceReasons: [],
        detailedDiff: Object.fromEntries(Object.entries(detailedDiff).map(([k, kind]) => [k, { kind, inputDiff: true }])),
        oldState: { urn: URN, type, inputs: oldInputs },
        newState: { urn: URN, type, inputs: newInputs },
    };
}

function context(values = new StackValues(), changes: ResourceChange[] = []): ValueContext {
    return { values, classifier: new SecretClassifier([], []), fingerprint: fingerprinter(TEST_KEY), ...imageContext(changes) };
}

describe("preview comment: values of changed properties", () => {
    it("numbers, text and nested paths old → new; values known only at deploy said so", () => {
        const ctx = context();
        expect(valueChange(change("docker:index/container:Container", { memory: 128 }, { memory: 256 }), "memory", ctx)).to.equal(
            "<code>128</code> → <code>256</code>",
        );
        const health = change(
            "docker:index/container:Container",
            { healthcheck: { interval: "10s", retries: 5 } },
            { healthcheck: { interval: "15s", retries: 5 } },
            { "healthcheck.interval": "update" },
        );
        expect(valueChange(health, "healthcheck", ctx)).to.equal("interval <code>10s</code> → <code>15s</code>");
        expect(valueChange(change("x:y:Z", { host: "a" }, { host: UNKNOWN_STRING }), "host", ctx)).to.equal("<code>a</code> → (known after deploy)");
    });

    it("ports as address:host→container, short lists whole, long lists counted", () => {
        const ctx = context();
        const ports = change("docker:index/container:Container", { ports: [] }, { ports: [{ internal: 443, external: 443, ip: "0.0.0.0" }] });
        expect(valueChange(ports, "ports", ctx)).to.equal("<code>[]</code> → <code>[0.0.0.0:443→443]</code>");
        const long = (n: number) => Array.from({ length: n }, (_, i) => `--flag-number-${i}=on`);
        expect(valueChange(change("x:y:Z", { command: long(6) }, { command: long(8) }), "command", ctx)).to.equal("6 items → 8 items (+2 −0)");
    });

    it("an image bump reads repository old → new tag, also when the new image ID is not known yet", () => {
        const oldId = `sha256:${"aa".repeat(32)}`;
        const image = (op: "create" | "delete", name: string, imageId?: string): ResourceChange => ({
            ...change("docker:index/remoteImage:RemoteImage", {}, {}),
            change: op,
            oldState: op === "delete" ? { urn: URN, type: "docker:index/remoteImage:RemoteImage", inputs: { name }, outputs: { imageId } } : undefined,
            newState: op === "create" ? { urn: URN, type: "docker:index/remoteImage:RemoteImage", inputs: { name } } : undefined,
        });
        const images = [image("delete", "ghcr.io/acme/shop:1.4.2", oldId), image("create", "ghcr.io/acme/shop:1.5.0")];
        const container = change("docker:index/container:Container", { image: oldId }, { image: UNKNOWN_STRING });
        expect(valueChange(container, "image", context(new StackValues(), images))).to.equal("ghcr.io/acme/shop <code>1.4.2</code> → <code>1.5.0</code>");
        expect(imageTransition("redis:7.4.11", "valkey/valkey:8.1.0")).to.equal("<code>redis:7.4.11</code> → <code>valkey/valkey:8.1.0</code>");
        expect(imageTransition(`redis@sha256:${"1".repeat(64)}`, `redis@sha256:${"2".repeat(64)}`)).to.equal(
            `redis <code>@sha256:${"1".repeat(12)}…</code> → <code>@sha256:${"2".repeat(12)}…</code>`,
        );
    });

    it("a secret property shows only a fingerprint of its new value, from the plan", () => {
        const secret = (v: string) => ({ [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(v) });
        const values = new StackValues(
            { deployment: { resources: [{ urn: URN, type: "gcp:sql/user:User", inputs: { password: secret("old-password-value-1234") } }] } },
            { resourcePlans: { [URN]: { goal: { inputDiff: { updates: { password: secret("new-password-value-5678") } } } } } },
        );
        const ctx = context(values);
        const text = valueChange(change("gcp:sql/user:User", { password: "[secret]" }, { password: "[secret]" }), "password", ctx);
        expect(text).to.equal(`secret, new value fingerprint <code>${fingerprinter(TEST_KEY)("new-password-value-5678")}</code>`);
        expect(valueChange(change("gcp:sql/user:User", { password: "[secret]" }, { password: "[secret]" }), "password", context())).to.equal(
            "secret (value hidden)",
        );
        // A plain property that holds a credential is hidden too.
        expect(valueChange(change("x:y:Z", { url: "x" }, { url: "postgresql://app:hunter2@db/x" }), "url", ctx)).to.equal(
            "looks like a credential (value hidden)",
        );
    });

    it("long values are elided in the middle, keeping both ends", () => {
        const value = `start-${"x".repeat(300)}-end`;
        expect(elide(value)).to.match(/^start-x+…x+-end \(310 chars\)$/);
        expect(elide(value).length).to.be.lessThan(230);
        expect(code("a|b")).to.equal("<code>a&#124;b</code>");
    });
});
