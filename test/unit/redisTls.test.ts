// Redis over TLS (Memorystore): the apps find the server's CA where docs/app-contract.md says,
// both as a file in the container and named in REDIS_URL (redis-py's from_url reads
// `ssl_ca_certs` from the query), and nothing of it without TLS.

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_CA_FILE, RedisConnection, redisCaFiles, redisConnectionUrl } from "../../components/data/connections";

/** The value of an Output outside a deployment (resolves with no engine). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const tls = (over: Partial<RedisConnection> = {}): RedisConnection => ({
    host: "10.0.0.3",
    port: 6378,
    tls: true,
    password: pulumi.output("p&w"),
    caCertificate: pulumi.output(PEM),
    caFile: REDIS_CA_FILE,
    ready: [],
    ...over,
});

describe("unit: Redis CA for TLS clients", () => {
    it("is at the path the app contract documents", () => {
        const contract = fs.readFileSync(path.join(__dirname, "../../docs/app-contract.md"), "utf8");
        expect(REDIS_CA_FILE).to.match(/^\/[\w./-]+\.pem$/);
        expect(contract).to.contain(`file \`${REDIS_CA_FILE}\``);
        expect(contract).to.contain(`?ssl_ca_certs=${encodeURIComponent(REDIS_CA_FILE)}`);
    });

    it("names the CA file in REDIS_URL's ssl_ca_certs, as a secret URL", async () => {
        const url = redisConnectionUrl(tls());
        expect(await pulumi.isSecret(url)).to.equal(true);
        const parsed = new URL(await valueOf(url));
        expect(parsed.protocol).to.equal("rediss:");
        expect(decodeURIComponent(parsed.password)).to.equal("p&w");
        expect(parsed.pathname).to.equal("/0");
        expect([...parsed.searchParams.entries()]).to.deep.equal([["ssl_ca_certs", REDIS_CA_FILE]]);
        // Without a CA file there is no query at all.
        expect(new URL(await valueOf(redisConnectionUrl(tls({ caFile: undefined })))).search).to.equal("");
    });

    it("delivers the CA's PEM at that path, and no file without a CA or a path", async () => {
        expect(await valueOf(redisCaFiles(tls()))).to.deep.equal({ [REDIS_CA_FILE]: PEM });
        expect(await valueOf(redisCaFiles(tls({ caCertificate: undefined })))).to.deep.equal({});
        expect(await valueOf(redisCaFiles(tls({ caFile: undefined })))).to.deep.equal({});
    });
});
