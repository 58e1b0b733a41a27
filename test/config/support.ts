// Shared by the config tests: raw values as the Pulumi CLI hands them over, and the problems a
// config is refused with (failing the test when it is not refused at all).
import { expect } from "chai";
import { ConfigError, parseConfig, RawConfig, StackConfig } from "../../config";
import { serviceNames } from "../../facts/services";

export function raw(values: Record<string, unknown>, secretKeys: string[] = []): RawConfig {
    return {
        values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        secretKeys: new Set(secretKeys),
    };
}

/** The problems of an invalid config; a config that parses fails the test. */
export function problemsOf(values: Record<string, unknown>, opts: { secretKeys?: string[]; stack?: string } = {}): string[] {
    try {
        parseConfig(raw(values, opts.secretKeys), opts.stack ?? "staging");
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
    expect.fail(`expected the config to be refused: ${JSON.stringify(values)}`);
}

/** The problems of a config, none when it parses: for tests that check both sides of an edge. */
export function problemsOrNone(values: Record<string, unknown>, opts: { secretKeys?: string[]; stack?: string } = {}): string[] {
    try {
        parseConfig(raw(values, opts.secretKeys), opts.stack ?? "staging");
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
}

/** The problems as one text, for matching. */
export const refusal = (values: Record<string, unknown>, opts: { secretKeys?: string[]; stack?: string } = {}): string => problemsOf(values, opts).join("\n");

export function parsed(values: Record<string, unknown>, opts: { secretKeys?: string[]; stack?: string } = {}): StackConfig {
    return parseConfig(raw(values, opts.secretKeys), opts.stack ?? "staging");
}

/** A valid prod stack on Google Cloud; tests add the one setting they check. */
export function prodValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        platform: "gcp",
        services: Object.fromEntries(serviceNames.map((n) => [n, { image: `southamerica-east1-docker.pkg.dev/p/minimarket/${n}:1.4.2` }])),
        corsOrigins: ["https://minimarket.example.com.ar"],
        gcp: {
            project: "minimarket-prod-4711",
            sshSourceRanges: ["203.0.113.7/32"],
            sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq3yQ0mGkq1y8H2mY9pY0cXlW1o1m7k1c0d2w8J4m5Z deploy@ci",
            domain: "minimarket.example.com.ar",
        },
        ...extra,
    };
}
