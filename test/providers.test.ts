// The provider facts in test/support/providers, checked against cases taken from the providers'
// source (file and line in each case's comment refer to the revisions named in those modules).

import { expect } from "chai";
import {
    commandLogStreams,
    formatGoDuration,
    nanoToDecimal,
    parseCpus,
    parseGoDuration,
    pathContains,
    planFromInputs,
    planFromState,
    readBack,
    ruleFor,
    settledSwap,
    UnknownFieldError,
    UnknownTypeError,
    updateMemory,
} from "./support/providers";

const CONTAINER = "docker:index/container:Container";

/** A container as components/docker/upstreamService.ts declares one (plain values). */
function app(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "minimarket-staging-dashboard",
        hostname: "dashboard",
        image: "sha256:0123456789abcdef",
        restart: "unless-stopped",
        memory: 512,
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "5" },
        labels: [
            { label: "com.minimarket.role", value: "app" },
            { label: "com.minimarket.service", value: "dashboard" },
        ],
        envs: ["A=1", "B=2"],
        networksAdvanced: [
            { name: "minimarket-staging-services", aliases: ["dashboard"] },
            { name: "minimarket-staging-data", aliases: ["dashboard"] },
        ],
        ports: [],
        healthcheck: { tests: ["CMD", "true"], interval: "15s", timeout: "5s", retries: 3, startPeriod: "30s" },
        wait: true,
        waitTimeout: 180,
        ...extra,
    };
}

describe("docker provider read-back (terraform-provider-docker v4.5.0)", () => {
    it("parses cpus like docker/cli ParseCPUs and reads them back like nanoInt64ToDecimalString", () => {
        expect(parseCpus("1")).to.equal(1_000_000_000n);
        expect(parseCpus("1.5")).to.equal(1_500_000_000n);
        expect(() => parseCpus("0.0000000001")).to.throw("value is too precise");
        expect(nanoToDecimal(parseCpus("1"))).to.equal("1.0");
        expect(nanoToDecimal(parseCpus("2"))).to.equal("2.0");
        expect(nanoToDecimal(parseCpus("1.5"))).to.equal("1.5");
        expect(nanoToDecimal(parseCpus("0.5"))).to.equal("0.5");
        expect(nanoToDecimal(parseCpus("0.25"))).to.equal("0.25");
        // helpers.go:139-143 counts every "0" in the 9-digit text, so these come out odd.
        expect(nanoToDecimal(parseCpus("10"))).to.equal("10.");
        expect(nanoToDecimal(parseCpus("0.05"))).to.equal("0.1");
    });

    it("formats healthcheck durations the way Go's time.Duration.String does", () => {
        const back = (s: string) => formatGoDuration(parseGoDuration(s));
        expect(back("15s")).to.equal("15s");
        expect(back("60s")).to.equal("1m0s");
        expect(back("90s")).to.equal("1m30s");
        expect(back("1h")).to.equal("1h0m0s");
        expect(back("1.5s")).to.equal("1.5s");
        expect(back("500ms")).to.equal("500ms");
        expect(back("0s")).to.equal("0s");
        expect(() => parseGoDuration("15")).to.throw("invalid duration");
    });

    it("stores twice the memory as memory_swap when none is given, -1 without swap accounting", () => {
        expect(settledSwap(512, undefined, { swapLimit: true })).to.equal(1024);
        expect(settledSwap(512, 512, { swapLimit: true })).to.equal(512);
        expect(settledSwap(512, undefined, { swapLimit: false })).to.equal(-1);
        const state = readBack(CONTAINER, app());
        expect(state.memorySwap).to.equal(1024);
        expect(state.restart).to.equal("unless-stopped");
        expect((state.healthcheck as Record<string, unknown>).startInterval).to.equal("0s");
    });

    it("refuses raising memory past the current swap unless memory_swap is sent too", () => {
        // 512 MB container: swap limit 1024 (daemon_unix.go:321-324).
        expect(() => updateMemory({ memory: 512, memorySwap: 1024 }, { memory: 2048 })).to.throw("update the memoryswap at the same time");
        expect(updateMemory({ memory: 512, memorySwap: 1024 }, { memory: 900 })).to.deep.equal([900, 1024]);
        expect(updateMemory({ memory: 512, memorySwap: 1024 }, { memory: 2048, memorySwap: 2048 })).to.deep.equal([2048, 2048]);
        expect(updateMemory({ memory: 512, memorySwap: -1 }, { memory: 2048 }, { swapLimit: false })).to.deep.equal([2048, -1]);
        expect(() => updateMemory({ memory: 512, memorySwap: 512 }, { memory: 1024, memorySwap: 512 })).to.throw("larger than memory limit");
    });
});

describe("docker.Container change classification", () => {
    it('replaces a container created with cpus "1" on every up: state holds "1.0"', () => {
        const p = planFromInputs(CONTAINER, app({ cpus: "1", memorySwap: 512 }), app({ cpus: "1", memorySwap: 512 }));
        expect(p.action).to.equal("replace");
        expect(p.changes.map((c) => c.path)).to.deep.equal(["cpus"]);
    });

    it("is stable when the program sends the read-back text", () => {
        for (const cpus of ["1.0", "2.0", "1.5", "0.5"]) {
            const p = planFromInputs(CONTAINER, app({ cpus, memorySwap: 512 }), app({ cpus, memorySwap: 512 }));
            expect(p.action, cpus).to.equal("same");
        }
    });

    it("shows memory_swap after create when it is not set, and the update changes nothing", () => {
        const p = planFromInputs(CONTAINER, app(), app());
        expect(p.action).to.equal("ignored-change");
        expect(p.recurring).to.deep.equal(["memorySwap"]);
        // With memory_swap set, the read-back value matches.
        expect(planFromInputs(CONTAINER, app({ memorySwap: 1024 }), app({ memorySwap: 1024 })).action).to.equal("same");
    });

    it("treats a healthcheck edit as a diff the provider never applies", () => {
        const next = app({ memorySwap: 1024, healthcheck: { tests: ["CMD", "true"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "30s" } });
        const p = planFromInputs(CONTAINER, app({ memorySwap: 1024 }), next);
        expect(p.action).to.equal("ignored-change");
        expect(p.recurring).to.deep.equal(["healthcheck.interval"]);
    });

    it("turns the ignored healthcheck edit into a replacement under replaceOnChanges, as the engine does", () => {
        const next = app({ memorySwap: 1024, healthcheck: { tests: ["CMD", "true"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "30s" } });
        const p = planFromInputs(CONTAINER, app({ memorySwap: 1024 }), next, undefined, { replaceOnChanges: ["healthcheck"] });
        expect(p.action).to.equal("replace");
        expect(p.recurring).to.deep.equal([]);
        // A path names that property and what is under it, nothing beside it.
        expect(planFromInputs(CONTAINER, app({ memorySwap: 1024 }), next, undefined, { replaceOnChanges: ["health"] }).action).to.equal("ignored-change");
        expect(pathContains("healthcheck", "healthcheck.interval")).to.equal(true);
        expect(pathContains("ports", "ports[0].external")).to.equal(true);
        expect(pathContains("healthcheck", "healthcheckx")).to.equal(false);
    });

    it("keeps a diff for a duration written differently from Go's format", () => {
        const hc = { tests: ["CMD", "true"], interval: "60s", timeout: "5s", retries: 3, startPeriod: "30s" };
        const p = planFromInputs(CONTAINER, app({ memorySwap: 1024, healthcheck: hc }), app({ memorySwap: 1024, healthcheck: hc }));
        expect(p.recurring).to.deep.equal(["healthcheck.interval"]);
    });

    it("updates memory and the restart policy in place", () => {
        const base = app({ memorySwap: 1024 });
        expect(planFromInputs(CONTAINER, base, { ...base, memory: 768 }).action).to.equal("update");
        expect(planFromInputs(CONTAINER, base, { ...base, restart: "always" }).action).to.equal("update");
    });

    it("replaces on image, env, label, upload, network alias or port changes", () => {
        const base = app({ memorySwap: 1024 });
        const replaced = (next: Record<string, unknown>) => planFromInputs(CONTAINER, base, { ...base, ...next }).action;
        expect(replaced({ image: "sha256:fedcba" })).to.equal("replace");
        expect(replaced({ envs: ["A=1", "B=3"] })).to.equal("replace");
        expect(
            replaced({
                labels: [
                    { label: "com.minimarket.role", value: "data" },
                    { label: "com.minimarket.service", value: "dashboard" },
                ],
            }),
        ).to.equal("replace");
        expect(replaced({ uploads: [{ file: "/etc/x", content: "y", permissions: "0644" }] })).to.equal("replace");
        expect(
            replaced({
                networksAdvanced: [
                    { name: "minimarket-staging-services", aliases: ["dash"] },
                    { name: "minimarket-staging-data", aliases: ["dashboard"] },
                ],
            }),
        ).to.equal("replace");
        expect(replaced({ ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1" }] })).to.equal("replace");
    });

    it("replaces on a /dev/shm size or bind-propagation change; an unset shm keeps the daemon's 64 MB", () => {
        const base = app({ memorySwap: 1024 });
        expect(readBack(CONTAINER, base).shmSize).to.equal(64);
        expect(planFromInputs(CONTAINER, base, base).action).to.equal("same");
        expect(planFromInputs(CONTAINER, { ...base, shmSize: 256 }, { ...base, shmSize: 256 }).action).to.equal("same");
        expect(planFromInputs(CONTAINER, base, { ...base, shmSize: 256 }).action).to.equal("replace");
        const root = { type: "bind", source: "/", target: "/host", readOnly: true };
        const withMount = { ...base, mounts: [{ ...root, bindOptions: { propagation: "rslave" } }] };
        expect(planFromInputs(CONTAINER, withMount, withMount).action).to.equal("same");
        expect(planFromInputs(CONTAINER, { ...base, mounts: [root] }, withMount).action).to.equal("replace");
    });

    it("ignores the order of sets and the defaults the provider fills in", () => {
        const base = app({
            memorySwap: 1024,
            ports: [
                { internal: 80, external: 80 },
                { internal: 443, external: 443, ip: "0.0.0.0" },
            ],
        });
        const next = {
            ...base,
            envs: ["B=2", "A=1"],
            labels: [...(base.labels as unknown[])].reverse(),
            networksAdvanced: [...(base.networksAdvanced as unknown[])].reverse(),
            ports: [
                { internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
                { internal: 80, external: 80, ip: "" },
            ],
        };
        expect(planFromInputs(CONTAINER, base, next).action).to.equal("same");
    });

    it("records provider-side settings without a recurring diff", () => {
        const base = app({ memorySwap: 1024 });
        const p = planFromInputs(CONTAINER, base, { ...base, destroyGraceSeconds: 30, waitTimeout: 60 });
        expect(p.action).to.equal("update");
        expect(p.changes.map((c) => c.kind)).to.deep.equal(["state-only", "state-only"]);
        expect(p.recurring).to.deep.equal([]);
    });

    it("fails on a field nobody has classified, and on an unknown type", () => {
        const base = app({ memorySwap: 1024 });
        expect(() => planFromInputs(CONTAINER, base, { ...base, sysctls: { "net.core.somaxconn": "1024" } })).to.throw(UnknownFieldError, "sysctls");
        expect(() => planFromInputs(CONTAINER, base, { ...base, healthcheck: { tests: ["CMD"], nope: 1 } })).to.throw(UnknownFieldError, "healthcheck.nope");
        expect(() => readBack("docker:index/service:Service", {})).to.throw(UnknownTypeError);
    });

    it("says a changed healthcheck also rides along an update without reaching the daemon", () => {
        const base = app({ memorySwap: 1024 });
        const p = planFromInputs(CONTAINER, base, { ...base, memory: 768, healthcheck: { ...(base.healthcheck as object), retries: 5 } });
        expect(p.action).to.equal("update");
        expect(p.recurring).to.deep.equal(["healthcheck.retries"]);
    });
});

describe("command, random and gcp change classification", () => {
    it("re-runs a command on an input change and replaces it on a trigger change", () => {
        const base = { create: "docker exec -i c psql", environment: { DOCKER_HOST: "ssh://deploy@h" }, triggers: ["id-1"] };
        expect(planFromInputs("command:local:Command", base, { ...base, environment: { DOCKER_HOST: "ssh://deploy@h2" } }).action).to.equal("update");
        expect(planFromInputs("command:local:Command", base, { ...base, triggers: ["id-2"] }).action).to.equal("replace");
        expect(planFromInputs("command:local:Command", base, { ...base, logging: "none" }).action).to.equal("update");
        expect(commandLogStreams(undefined)).to.deep.equal({ streamsStdout: true, streamsStderr: true });
        expect(commandLogStreams("none")).to.deep.equal({ streamsStdout: false, streamsStderr: false });
    });

    it("generates a new password only when an input changes", () => {
        const base = { length: 32, special: true, overrideSpecial: "!&?", minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 2, keepers: { rotation: "0" } };
        const type = "random:index/randomPassword:RandomPassword";
        expect(planFromInputs(type, base, { ...base }).action).to.equal("same");
        expect(planFromInputs(type, base, { ...base, keepers: { rotation: "1" } }).action).to.equal("replace");
    });

    it("classifies Cloud SQL, users, Memorystore and networking changes", () => {
        const sql = "gcp:sql/databaseInstance:DatabaseInstance";
        const inst = {
            name: "minimarket-prod-postgres",
            region: "r",
            databaseVersion: "POSTGRES_17",
            deletionProtection: true,
            settings: { tier: "db-custom-2-7680", diskType: "PD_SSD" },
        };
        expect(planFromInputs(sql, inst, { ...inst, settings: { tier: "db-custom-4-15360", diskType: "PD_SSD" } }).action).to.equal("update");
        expect(planFromInputs(sql, inst, { ...inst, settings: { ...inst.settings, diskType: "pd-ssd" } }).action).to.equal("same");
        expect(planFromInputs(sql, inst, { ...inst, name: "other" }).action).to.equal("replace");
        expect(planFromInputs(sql, inst, { ...inst, deletionProtection: false }).changes[0].kind).to.equal("state-only");

        const user = { name: "minimarket_monitor", instance: "i", type: "BUILT_IN", password: "p", databaseRoles: ["pg_monitor"] };
        expect(planFromInputs("gcp:sql/user:User", user, { ...user, databaseRoles: ["pg_read_all_stats"] }).action).to.equal("update");

        const redis = { name: "r", tier: "BASIC", memorySizeGb: 1, redisConfigs: { "maxmemory-policy": "allkeys-lru" } };
        expect(planFromInputs("gcp:redis/instance:Instance", redis, { ...redis, memorySizeGb: 2 }).action).to.equal("update");
        expect(planFromInputs("gcp:redis/instance:Instance", redis, { ...redis, tier: "STANDARD_HA" }).action).to.equal("replace");

        const conn = { network: "projects/p/global/networks/n", service: "servicenetworking.googleapis.com", reservedPeeringRanges: ["r"] };
        const asSelfLink = { ...conn, network: "https://www.googleapis.com/compute/v1/projects/p/global/networks/n" };
        expect(planFromInputs("gcp:servicenetworking/connection:Connection", conn, asSelfLink).action).to.equal("same");
        expect(planFromInputs("gcp:servicenetworking/connection:Connection", conn, { ...conn, deletionPolicy: "ABANDON" }).changes[0].kind).to.equal(
            "state-only",
        );

        const fw = { name: "f", network: "n", allows: [{ protocol: "tcp", ports: ["80", "443"] }], sourceRanges: ["a", "b"], direction: "INGRESS" };
        expect(planFromInputs("gcp:compute/firewall:Firewall", fw, { ...fw, sourceRanges: ["b", "a"] }).action).to.equal("same");
        expect(planFromInputs("gcp:compute/firewall:Firewall", fw, { ...fw, sourceRanges: ["c"] }).action).to.equal("update");
    });

    it("compares a state read after an update with new inputs", () => {
        // After Update no Read runs (CF:1014-1076): the state holds the planned healthcheck.
        const planned = readBack(CONTAINER, app({ memorySwap: 1024 }));
        expect(planFromState(CONTAINER, planned, app({ memorySwap: 1024 })).action).to.equal("same");
        expect(ruleFor(CONTAINER).deleteBeforeReplace).to.equal(true);
    });
});
