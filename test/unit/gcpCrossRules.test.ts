// The gcp rules that involve keys outside `minimarket:gcp` (config/gcpRules.ts): a registry key
// nothing uses, and the Redis password and its rotation counter, which Memorystore ignores.

import { expect } from "chai";
import { ConfigError, parseConfig } from "../../config";

const GCP = {
    project: "minimarket-prod-1",
    sshSourceRanges: ["203.0.113.7/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
    domain: "shop.example.com",
};
const REDIS_PASSWORD = "r".repeat(40);

function problems(values: Record<string, unknown>, secret: string[] = []): string[] {
    const strings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    try {
        parseConfig({ values: strings, secretKeys: new Set(secret) }, "staging");
        return [];
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
}

const memorystore = { ...GCP, redis: { mode: "memorystore" } };

describe("unit: gcp rules across keys", () => {
    it("refuses a registry key when no registry is configured, naming both ways out", () => {
        expect(problems({ platform: "gcp", gcp: GCP, registryPassword: "k3y" }, ["registryPassword"])).to.deep.equal([
            "minimarket:registryPassword: is set but gcp.registry is not, so nothing uses it; run `scripts/stack.sh --stack staging config set --path gcp.registry.server <registry host>` or `scripts/stack.sh --stack staging config rm registryPassword`",
        ]);
        // The docker platform has no gcp.registry: the rule is gcp's.
        expect(problems({ gcp: GCP, registryPassword: "k3y" }, ["registryPassword"])).to.deep.equal([]);
    });

    it("refuses a redisPassword with Memorystore, which generates its own AUTH string", () => {
        expect(problems({ platform: "gcp", gcp: memorystore, redisPassword: REDIS_PASSWORD }, ["redisPassword"])).to.deep.equal([
            "minimarket:redisPassword: does nothing with gcp.redis.mode memorystore: Memorystore generates its AUTH string and the apps get that one; run `scripts/stack.sh --stack staging config rm redisPassword`",
        ]);
        // The Redis container takes it.
        for (const gcp of [GCP, { ...GCP, redis: { mode: "container" } }]) {
            expect(problems({ platform: "gcp", gcp, redisPassword: REDIS_PASSWORD }, ["redisPassword"])).to.deep.equal([]);
        }
    });

    it("refuses a redisPassword rotation with Memorystore unless the counter is 0", () => {
        const fix =
            "minimarket:rotations.redisPassword: does nothing with gcp.redis.mode memorystore (the AUTH string is Google's, not generated here); " +
            "run `scripts/stack.sh --stack staging config rm --path rotations.redisPassword`, and rotate the AUTH string in Memorystore itself if you must";
        expect(problems({ platform: "gcp", gcp: memorystore, rotations: { redisPassword: 1 } })).to.deep.equal([fix]);
        expect(problems({ platform: "gcp", gcp: memorystore, rotations: { redisPassword: 0 } })).to.deep.equal([]);
        expect(problems({ platform: "gcp", gcp: memorystore, rotations: { grafanaAdminPassword: 2 } })).to.deep.equal([]);
        expect(problems({ platform: "gcp", gcp: GCP, rotations: { redisPassword: 1 } })).to.deep.equal([]);
    });
});
