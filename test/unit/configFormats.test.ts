// The text formats the top-level keys accept: what passes and what is refused, with the key named.

import { expect } from "chai";
import { ConfigError, parseConfig } from "../../config";

function problemsOf(key: string, value: unknown, secret = false): string[] {
    try {
        parseConfig({ values: { [key]: typeof value === "string" ? value : JSON.stringify(value) }, secretKeys: new Set(secret ? [key] : []) }, "staging");
        return [];
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
}

function accepts(key: string, values: unknown[], secret = false): void {
    for (const v of values) expect(problemsOf(key, v, secret), `${key}=${JSON.stringify(v)}`).to.deep.equal([]);
}

function refuses(key: string, values: unknown[], message: RegExp, secret = false): void {
    for (const v of values) {
        const found = problemsOf(key, v, secret);
        expect(found, `${key}=${JSON.stringify(v)}`).to.have.length(1);
        expect(found[0], `${key}=${JSON.stringify(v)}`)
            .to.match(new RegExp(`^minimarket:${key.replace(".", "\\.")}(\\[\\d+\\]|\\.[A-Za-z0-9_]+)?: `))
            .and.match(message);
    }
}

describe("unit: config formats", () => {
    it("environment: lowercase letters, digits and dashes, starting with a letter, up to 31", () => {
        accepts("environment", ["qa", "a", "qa-2", "a".repeat(31)]);
        refuses("environment", ["QA", "2qa", "-qa", "qa_2", "a".repeat(32), "q a"], /must be lowercase letters, digits and dashes \(got ".*"\)$/);
    });

    it("dockerHost: an ssh, tcp, unix or npipe address", () => {
        accepts("dockerHost", ["ssh://deploy@host", "tcp://10.0.0.2:2376", "unix:///var/run/docker.sock", "npipe:////./pipe/docker_engine"]);
        refuses(
            "dockerHost",
            ["deploy@host", "http://host", "ssh://", "ssh://a b", " ssh://host", "xssh://host"],
            /must be a Docker daemon address such as ssh:\/\/deploy@host/,
        );
    });

    it("corsOrigins: scheme and host only", () => {
        accepts("corsOrigins", [["https://shop.example.com", "http://localhost:8080"], []]);
        refuses(
            "corsOrigins",
            [["https://shop.example.com/"], ["ftp://x"], ["https://a b"], ["shop.example.com"], [" https://x"]],
            /is not an origin like https:\/\/shop\.example\.com \(scheme and host, no path\)$/,
        );
    });

    it("metricsRetention: a positive Prometheus duration, units largest first", () => {
        accepts("metricsRetention", ["12h", "7d", "2w", "1y", "30d", "1d12h", "90m"]);
        refuses("metricsRetention", ["0d", "0s", "7", "d", "7d ", "1.5d", "12h1d", "-1d"], /expected a Prometheus duration such as 7d, 30d or 1d12h/);
    });

    it("env variable names: upper case, digits and underscores, not starting with a digit", () => {
        const env = (name: string) => problemsOf("services", { dashboard: { env: { [name]: "v" } } });
        for (const ok of ["A", "_A", "A_1", "FEATURE_FLAG"]) expect(env(ok), ok).to.deep.equal([]);
        for (const bad of ["a", "1A", "A-B", "A B", "Ä"]) expect(env(bad)[0], bad).to.match(/is not a valid environment variable name/);
    });

    it("slackWebhookUrl: https only, and never echoed", () => {
        accepts("slackWebhookUrl", ["https://hooks.slack.com/services/T/B/x"], true);
        const found = problemsOf("slackWebhookUrl", "http://hooks.slack.com/secretvalue", true);
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^minimarket:slackWebhookUrl: must be an https:\/\//);
        expect(found[0]).not.to.include("secretvalue");
        expect(problemsOf("slackWebhookUrl", "https://a b", true)).to.have.length(1);
    });

    it("platform: docker or gcp; `scripts/stack.sh --stack staging config set platform docker` is accepted, not only the default", () => {
        accepts("platform", ["docker"]);
        expect(problemsOf("platform", "aws")).to.deep.equal(['minimarket:platform: must be "docker" or "gcp", got "aws"']);
    });

    it("memory limits: PostgreSQL from 256 MB, Redis from 600 MB (maxmemory is 512 MB)", () => {
        accepts("postgresMemoryMb", ["256", "65536"]);
        refuses("postgresMemoryMb", ["255", "65537"], /expected a whole number from 256 to 65536/);
        accepts("redisMemoryMb", ["600"]);
        refuses("redisMemoryMb", ["599"], /expected a whole number from 600 to 65536/);
    });
});
