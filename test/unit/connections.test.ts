// The database and Redis URLs the apps receive: any password character must survive (SPEC lesson
// 3: `& ? ! )` broke the old deploys), and TLS must switch the Redis scheme.

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { encodeUserinfo, postgresConnectionUrl, postgresUrl, redisAddress, redisConnectionUrl, redisScheme, redisUrl } from "../../components/data/connections";

const AWKWARD = "p@ss:w/o?r#d&!'()*~ é%";

/** The value of an Output outside a deployment (resolves with no engine). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("unit: connection URLs", () => {
    it("percent-encodes everything but RFC 3986 unreserved characters", () => {
        expect(encodeUserinfo("aZ09-._~")).to.equal("aZ09-._~");
        expect(encodeUserinfo("!'()*")).to.equal("%21%27%28%29%2A");
        expect(encodeUserinfo("@:/?#&= ")).to.equal("%40%3A%2F%3F%23%26%3D%20");
        expect(decodeURIComponent(encodeUserinfo(AWKWARD))).to.equal(AWKWARD);
    });

    it("builds a PostgreSQL URL that a URL parser reads back exactly", () => {
        const url = postgresUrl({ host: "db.internal", port: 5433, database: "mini market", user: "app@x" }, AWKWARD);
        expect(url.startsWith("postgresql://app%40x:")).to.be.true;
        const parsed = new URL(url);
        expect(parsed.protocol).to.equal("postgresql:");
        expect(decodeURIComponent(parsed.username)).to.equal("app@x");
        expect(decodeURIComponent(parsed.password)).to.equal(AWKWARD);
        expect(parsed.hostname).to.equal("db.internal");
        expect(parsed.port).to.equal("5433");
        expect(decodeURIComponent(parsed.pathname)).to.equal("/mini market");
        expect(parsed.search).to.equal("");
    });

    it("appends libpq parameters only when there are some", () => {
        const ep = { host: "h", port: 5432, database: "d", user: "u" };
        expect(postgresUrl(ep, "p", {})).to.equal("postgresql://u:p@h:5432/d");
        expect(postgresUrl(ep, "p")).to.equal("postgresql://u:p@h:5432/d");
        expect(postgresUrl(ep, "p", { sslmode: "require", application_name: "a b" })).to.equal(
            "postgresql://u:p@h:5432/d?sslmode=require&application_name=a+b",
        );
    });

    it("uses rediss:// exactly when the server requires TLS", () => {
        expect(redisScheme({})).to.equal("redis");
        expect(redisScheme({ tls: false })).to.equal("redis");
        expect(redisScheme({ tls: true })).to.equal("rediss");
        expect(redisAddress({ host: "r", port: 6379 })).to.equal("redis://r:6379");
        expect(redisAddress({ host: "10.0.0.3", port: 6378, tls: true })).to.equal("rediss://10.0.0.3:6378");
    });

    it("builds a Redis URL with only a password, database 0 unless told", () => {
        expect(redisUrl({ host: "r", port: 6379 }, "pw")).to.equal("redis://:pw@r:6379/0");
        expect(redisUrl({ host: "r", port: 6380, tls: true }, "pw", 2)).to.equal("rediss://:pw@r:6380/2");
        const parsed = new URL(redisUrl({ host: "r", port: 6379 }, AWKWARD));
        expect(parsed.username).to.equal("");
        expect(decodeURIComponent(parsed.password)).to.equal(AWKWARD);
    });

    it("wraps the URLs of a connection as secrets", async () => {
        const pg = postgresConnectionUrl({
            host: "h",
            port: 5432,
            database: "d",
            user: "u",
            password: pulumi.output("p&q"),
            params: { sslmode: "require" },
            ready: [],
        });
        expect(await pulumi.isSecret(pg)).to.be.true;
        expect(await valueOf(pg)).to.equal("postgresql://u:p%26q@h:5432/d?sslmode=require");
        const redis = redisConnectionUrl({ host: "r", port: 6379, tls: true, password: pulumi.output("x y"), ready: [] });
        expect(await pulumi.isSecret(redis)).to.be.true;
        expect(await valueOf(redis)).to.equal("rediss://:x%20y@r:6379/0");
    });
});
