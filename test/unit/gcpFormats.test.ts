// The text formats of `minimarket:gcp`, at the edges of the rules Google, OpenSSH and Linux document
// for them: a value just inside is accepted, one just outside (a length, a forbidden character,
// junk before or after) is refused under its own key with the fix, and a pasted key is never echoed.

import { expect } from "chai";
import { parseGcpConfig } from "../../config/parse";

const MINIMAL = {
    project: "minimarket-prod-1",
    sshSourceRanges: ["203.0.113.7/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
    domain: "shop.example.com",
};

/** `gcp` with one (possibly nested, `cloudSql.tier`) key set. */
function withKey(key: string, value: unknown): Record<string, unknown> {
    const [first, second] = key.split(".");
    return { ...MINIMAL, [first]: second === undefined ? value : { [second]: value } };
}

function problemsOf(key: string, value: unknown): string[] {
    return parseGcpConfig(withKey(key, value), { required: true }).problems;
}

/** Every value parses, and comes out as given. */
function accepts(key: string, values: string[]): void {
    for (const v of values) {
        const { gcp, problems } = parseGcpConfig(withKey(key, v), { required: true });
        expect(problems, `${key}=${JSON.stringify(v)}`).to.deep.equal([]);
        const [first, second] = key.split(".");
        const read = (gcp as Record<string, unknown>)[first];
        expect(second === undefined ? read : (read as Record<string, unknown>)[second], key).to.equal(v);
    }
}

/** Every value is refused with one problem, under the key, saying `says`. */
function refuses(key: string, values: string[], says: RegExp): void {
    for (const v of values) {
        const found = problemsOf(key, v);
        expect(found, `${key}=${JSON.stringify(v)}`).to.have.length(1);
        expect(found[0], `${key}=${JSON.stringify(v)}`)
            .to.satisfy((p: string) => p.startsWith(`minimarket:gcp.${key}: `))
            .and.match(says);
    }
}

/** SSH wire format (RFC 4251 §5): each field as a uint32 length and its bytes; base64 as in authorized_keys. */
function sshBlob(type: string, ...fields: Buffer[]): string {
    const parts = [Buffer.from(type), ...fields].flatMap((b) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length);
        return [len, b];
    });
    return Buffer.concat(parts).toString("base64");
}

/** Key bytes chosen so the base64 uses every kind of character: letters, digits, + and /. */
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => [0xfb, 0xff, 0x3e, 0x10, 0x9a][i % 5]));
const point = (n: number) => Buffer.concat([Buffer.from([0x04]), bytes(n - 1)]);

const KEYS = {
    "ssh-ed25519": sshBlob("ssh-ed25519", bytes(32)),
    "ssh-rsa": sshBlob("ssh-rsa", Buffer.from([0x01, 0x00, 0x01]), Buffer.concat([Buffer.from([0]), bytes(256)])),
    "ecdsa-sha2-nistp256": sshBlob("ecdsa-sha2-nistp256", Buffer.from("nistp256"), point(65)),
    "ecdsa-sha2-nistp384": sshBlob("ecdsa-sha2-nistp384", Buffer.from("nistp384"), point(97)),
    "ecdsa-sha2-nistp521": sshBlob("ecdsa-sha2-nistp521", Buffer.from("nistp521"), point(133)),
    "sk-ssh-ed25519@openssh.com": sshBlob("sk-ssh-ed25519@openssh.com", bytes(32), Buffer.from("ssh:")),
    "sk-ecdsa-sha2-nistp256@openssh.com": sshBlob("sk-ecdsa-sha2-nistp256@openssh.com", Buffer.from("nistp256"), point(65), Buffer.from("ssh:")),
};
/** A key as `ssh-keygen -t ed25519 -C deploy@ci` printed it. */
const REAL_ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHw/Y0zV2JswIRN5ja5Ju4gJdsShYP6e0XNjWu1BaTwb deploy@ci";

describe("unit: gcp formats at their edges", () => {
    it("project: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen", () => {
        // Google Cloud, "Creating and managing projects": project IDs.
        accepts("project", ["abcdef", "a" + "b".repeat(28) + "c", "my-project-42", "shop-7", "a0-9zz"]);
        refuses(
            "project",
            ["abcde", "a" + "b".repeat(29) + "c", "1abcdef", "-abcdef", "abcdef-", "abc_def", "Abcdef", "abc def", "abcdef/x", "projects/abcdef"],
            /is not a Google Cloud project id \(6-30 lowercase letters, digits, dashes\)$/,
        );
    });

    it("region: <area>-<direction><number>; a zone is told apart", () => {
        // Compute Engine "Regions and zones": us-east1, europe-west10, me-west1, northamerica-northeast2.
        for (const region of ["us-east1", "europe-west10", "me-west1", "northamerica-northeast2"]) {
            const { gcp, problems } = parseGcpConfig(withKey("region", region), { required: true });
            expect(problems, region).to.deep.equal([]);
            expect(gcp!.zone, region).to.equal(`${region}-a`);
        }
        const notRegion = /is not a Google Cloud region; for example southamerica-east1 \(São Paulo\)$/;
        refuses("region", ["m-west1", "europe-west100", "us-east", "us-1", "useast1", "US-east1", "us-east1x", "xx/us-east1", "us-east1/"], notRegion);
        // A zone is a region and one letter; anything else is no zone either.
        refuses("region", ["europe-west10-a"], /is a zone; set the region europe-west10 here and the zone with gcp\.zone$/);
        refuses("region", ["me-west1-c"], /is a zone; set the region me-west1 here/);
        refuses("region", ["us-east1-bb", "us-east1-1", "1us-east1-b", "us-east1-b/", "u-east1-b", "us-east100-b", "us--b"], notRegion);
    });

    it("zone: the region and one letter", () => {
        accepts("zone", ["southamerica-east1-a", "southamerica-east1-z"]);
        refuses(
            "zone",
            ["southamerica-east1", "southamerica-east1-ab", "southamerica-east1-1", "xsouthamerica-east1-a", "southamerica-east1-a/", "southamerica-east1a"],
            /is not a zone of region southamerica-east1; for example southamerica-east1-a$/,
        );
    });

    it("machineType: a family, a dash, then the shape", () => {
        // Compute Engine machine types: e2-standard-4, n2d-highmem-96, c3-standard-4-lssd, f1-micro; N1 custom types are custom-<vCPUs>-<MB>.
        accepts("machineType", ["e2-standard-4", "n2d-highmem-96", "c3-standard-4-lssd", "f1-micro", "custom-4-8192", "n2-custom-2-4096-ext"]);
        refuses(
            "machineType",
            [
                "standard",
                "E2-standard-4",
                "e2_standard_4",
                "2e-standard-4",
                "e2-",
                "-e2",
                "e2-Standard-4",
                "zones/x/e2-standard-4",
                "e2-standard-4/",
                "e2-standard-4 ",
            ],
            /is not a Compute Engine machine type such as e2-standard-4$/,
        );
    });

    it("vmImage: <project>/<family>", () => {
        accepts("vmImage", ["debian-cloud/debian-13", "ubuntu-os-cloud/ubuntu-2404-lts-amd64", "c/d"]);
        refuses(
            "vmImage",
            ["debian-13", "Debian-cloud/debian-13", "debian-cloud/13", "9cloud/debian", "debian-cloud/debian_13", "debian-cloud/", "/debian-13"],
            /is not an image as <project>\/<family>, such as debian-cloud\/debian-13$/,
        );
        // The long forms of the API are not <project>/<family>.
        refuses("vmImage", ["projects/debian-cloud/global/images/family/debian-13", " debian-cloud/debian-13", "debian-cloud/debian-13 "], /is not an image/);
    });

    it("domain: DNS labels of 1-63 characters without a leading or trailing hyphen, a top-level domain of letters, 253 characters in all", () => {
        // RFC 1035 §2.3.1 and RFC 1123 §2.1 (a label may start with a digit); 253 characters without the trailing dot.
        const label = (c: string, n: number) => c.repeat(n);
        const longest = [label("a", 63), label("b", 63), label("c", 63), label("d", 57), "com"].join(".");
        const tooLong = [label("a", 63), label("b", 63), label("c", 63), label("d", 58), "com"].join(".");
        expect([longest.length, tooLong.length]).to.deep.equal([253, 254]);
        accepts("domain", ["a.io", "shop-1.example.com", "1shop.example.com", "x9.example.com.ar", `${label("a", 63)}.com`, `shop.${label("z", 63)}`, longest]);
        refuses(
            "domain",
            [
                "localhost",
                "example.c",
                `shop.${label("z", 64)}`,
                `${label("a", 64)}.com`,
                tooLong,
                "-shop.example.com",
                "shop-.example.com",
                "shop..example.com",
                "Shop.example.com",
                "shop_1.example.com",
                "shop.example.com.",
                "shop.example.c0m",
                "https://shop.example.com",
                "shop.example.com/",
                "shop.example.com:443",
            ],
            /is not the public DNS name of the dashboard, e\.g\. minimarket\.example\.com\.ar/,
        );
    });

    it("sshPublicKey: an OpenSSH key line of a key type sshd accepts, never repeated when refused", () => {
        // sshd(8) "AUTHORIZED_KEYS FILE FORMAT": keytype, base64-encoded key, optional comment; the key types it lists.
        const lines = Object.entries(KEYS).flatMap(([type, blob]) => [`${type} ${blob}`, `${type} ${blob} deploy@ci`]);
        expect(Object.values(KEYS).join("")).to.match(/\+/).and.match(/\//).and.match(/[0-9]/).and.match(/[a-z]/).and.match(/[A-Z]/);
        // Base64 pads to whole 4-character groups with one or two "=" (RFC 4648 §4): both occur.
        expect(KEYS["ecdsa-sha2-nistp256"]).to.match(/[^=]=$/);
        expect(KEYS["ecdsa-sha2-nistp384"]).to.match(/[^=]==$/);
        accepts("sshPublicKey", [...lines, REAL_ED25519, `ssh-ed25519 ${KEYS["ssh-ed25519"]} deploy key of the CI`]);
        const ed = KEYS["ssh-ed25519"];
        const bad = [
            "ssh-ed25519",
            `ssh-ed25519 ${ed.slice(0, -2)}===`,
            `ssh-dss ${ed}`,
            `ecdsa-sha2-nistp255 ${ed}`,
            `sk-ssh-ed25519@opensshXcom ${ed}`,
            `sk-ecdsa-sha2-nistp256@opensshXcom ${ed}`,
            `ssh-ed25519 ${ed}!`,
            `ssh-ed25519 ${ed}  `,
            `ssh-ed25519 ${ed.slice(0, 20)}*${ed.slice(20)}`,
            `from="10.0.0.1" ssh-ed25519 ${ed}`,
            `deploy:ssh-ed25519 ${ed}`,
            `ssh-ed25519\t${ed}`,
            "-----BEGIN OPENSSH PRIVATE KEY-----",
        ];
        for (const v of bad) {
            const found = problemsOf("sshPublicKey", v);
            expect(found, v).to.deep.equal([
                "minimarket:gcp.sshPublicKey: is not an OpenSSH public key line such as `ssh-ed25519 AAAA… deploy@ci` (the value is not shown: it may be secret)",
            ]);
        }
    });

    it("sshUser: a Linux user name as useradd recommends, at most 32 characters", () => {
        // useradd(8): a lower case letter or underscore, then lower case letters, digits, underscores or dashes; up to 32 characters.
        accepts("sshUser", ["a", "_ci", "deploy-2_x", "z" + "9".repeat(31), "u".repeat(32)]);
        refuses(
            "sshUser",
            ["u".repeat(33), "2deploy", "-deploy", "Deploy", "deploy!", "de ploy", "deploy$", " deploy", "deploy/"],
            /is not a Linux user name \(lowercase letters, digits, _ and -\)$/,
        );
    });

    it("acmeEmail: one @, a domain with a dot, no spaces", () => {
        accepts("acmeEmail", ["ops@example.com", "o.p+s@mail.example.com.ar", "a@b.c"]);
        refuses(
            "acmeEmail",
            [
                "ops@example",
                "ops@@example.com",
                "o ps@example.com",
                "@example.com",
                "ops@.com",
                "ops@example.",
                "ops@example.com ",
                " ops@example.com",
                "ops@ex@ample.com",
            ],
            /is not an e-mail address for the Let's Encrypt account$/,
        );
    });

    it("cloudSql.tier: db-custom-<vCPUs>-<MB>, db-perf-optimized-N-<vCPUs>, or a shared-core tier", () => {
        // Cloud SQL for PostgreSQL machine types: custom (ENTERPRISE), db-perf-optimized-N-* (ENTERPRISE_PLUS), db-f1-micro and db-g1-small.
        accepts("cloudSql.tier", ["db-custom-2-7680", "db-custom-16-61440", "db-custom-1-3840", "db-f1-micro", "db-g1-small"]);
        refuses(
            "cloudSql.tier",
            [
                "db-custom-2",
                "db-custom--7680",
                "db-custom-x-7680",
                "db-custom-2-",
                "mydb-f1-micro",
                "db-g1-smallish",
                "db-custom-2-7680x",
                "db-n1-standard-2",
                "custom-2-7680",
            ],
            /is not a Cloud SQL tier such as db-custom-2-7680 \(vCPUs, MB of memory\) or db-perf-optimized-N-2$/,
        );
        for (const tier of ["db-perf-optimized-N-2", "db-perf-optimized-N-128"]) {
            const { gcp, problems } = parseGcpConfig(withKey("cloudSql", { tier, backupRetentionDays: 30, transactionLogRetentionDays: 14 }), {
                required: true,
            });
            expect(problems, tier).to.deep.equal([]);
            expect(gcp!.cloudSql.edition, tier).to.equal("ENTERPRISE_PLUS");
        }
        refuses("cloudSql.tier", ["db-perf-optimized-N-", "db-perf-optimized-n-2", "db-perf-optimized-N-2 "], /is not a Cloud SQL tier/);
    });

    it("cloudSql.backupStartTime: HH:MM from 00:00 to 23:59", () => {
        accepts("cloudSql.backupStartTime", ["00:00", "09:59", "19:00", "20:00", "23:59", "15:30"]);
        refuses(
            "cloudSql.backupStartTime",
            ["24:00", "23:60", "9:00", "005:00", "05:00 ", "x05:00", "05-00", "2a:00", "05:5", "29:00", "05:0x"],
            /is not a UTC time as HH:MM, e\.g\. 05:00$/,
        );
    });

    it("cloudSql.databaseVersion: POSTGRES_<major>, 15 or later", () => {
        for (const v of ["POSTGRES_15", "POSTGRES_17", "POSTGRES_100"]) expect(problemsOf("cloudSql.databaseVersion", v), v).to.deep.equal([]);
        refuses(
            "cloudSql.databaseVersion",
            ["POSTGRES_9", "POSTGRES_", "XPOSTGRES_17", "POSTGRES_17x", "POSTGRES_1.7", "postgres_17", "POSTGRES17"],
            /is not a supported PostgreSQL version; use POSTGRES_15 or later \(default POSTGRES_17\)$/,
        );
    });

    it("registry.server: a host and optional port, no scheme or path", () => {
        for (const server of ["southamerica-east1-docker.pkg.dev", "gcr.io", "registry.example.com:5000", "10.0.0.5:443"]) {
            const { gcp, problems } = parseGcpConfig(withKey("registry", { server }), { required: true });
            expect(problems, server).to.deep.equal([]);
            expect(gcp!.registry, server).to.deep.equal({ server, username: undefined });
        }
        for (const server of ["https://gcr.io", "gcr.io/project", "Gcr.io", "gcr.io:", "gcr.io:x", "gcr.io:5000/", " gcr.io", "gcr io"]) {
            expect(problemsOf("registry", { server }), server).to.deep.equal([
                `minimarket:gcp.registry.server: ${JSON.stringify(server)} is not the registry host, e.g. southamerica-east1-docker.pkg.dev`,
            ]);
        }
        const withUser = parseGcpConfig(withKey("registry", { server: "gcr.io", username: "_json_key_base64" }), { required: true });
        expect(withUser.gcp!.registry).to.deep.equal({ server: "gcr.io", username: "_json_key_base64" });
        expect(problemsOf("registry", { server: "gcr.io", username: "u" })).to.deep.equal([]);
        for (const username of ["_json key", " _json_key", "_json_key ", ""]) {
            const found = problemsOf("registry", { server: "gcr.io", username });
            expect(found, JSON.stringify(username)).to.have.length(1);
            expect(found[0]).to.match(/^minimarket:gcp\.registry\.username: .* is not a registry user, e\.g\. _json_key_base64 for a service-account key$/);
        }
    });
});

describe("unit: gcp values as they arrive", () => {
    it("reports an empty block (YAML `cloudSql:` with nothing below is null) as one problem, not a crash", () => {
        expect(problemsOf("cloudSql", null)).to.deep.equal([
            "minimarket:gcp.cloudSql: expected an object, got null; set its fields with `scripts/stack.sh --stack prod config set --path 'gcp.cloudSql.<field>' <value>`",
        ]);
    });

    it("reports a value of the wrong type once, under its key", () => {
        expect(problemsOf("cloudSql", { databaseVersion: 17 })).to.deep.equal(["minimarket:gcp.cloudSql.databaseVersion: expected a string, got 17"]);
        // 8.5 is over ENTERPRISE's 7 days too, but not a whole number is the problem to fix first.
        expect(problemsOf("cloudSql", { transactionLogRetentionDays: 8.5 })).to.deep.equal([
            "minimarket:gcp.cloudSql.transactionLogRetentionDays: expected a whole number from 1 to 35, got 8.5",
        ]);
        // A nested list (`- [203.0.113.7/32]` in YAML) still gets the example of a CIDR.
        const nested = problemsOf("sshSourceRanges", [["203.0.113.7/32"]]);
        expect(nested.every((p) => p.startsWith("minimarket:gcp.sshSourceRanges[0]: "))).to.be.true;
        expect(nested).to.include('minimarket:gcp.sshSourceRanges[0]: ["203.0.113.7/32"] is not an IPv4 CIDR such as 203.0.113.7/32');
    });

    it("passes the configured ranges and dnsReady through, false until DNS is ready", () => {
        const set = parseGcpConfig(
            { ...MINIMAL, privateServicesRange: "10.30.0.0/20", dockerAddressPool: "172.18.0.0/16", dnsReady: "true" },
            { required: true },
        );
        expect(set.problems).to.deep.equal([]);
        expect(set.gcp).to.deep.include({ privateServicesRange: "10.30.0.0/20", dockerAddressPool: "172.18.0.0/16", dnsReady: true });
        expect(parseGcpConfig(MINIMAL, { required: true }).gcp!.dnsReady).to.equal(false);
    });
});
