// The pack's rules on resources made for the case, where the program's own resources cannot show
// the difference: how a Redis password is found on a command line, commands as well as containers
// carrying credentials, values that are null, and the edges of what counts as a secret.

import { expect } from "chai";
import { requirepassArgument } from "../../policy/redis";
import { isUnknown, known } from "../../policy/resources";
import { UnknownValueError } from "../../policy/sdk";
import { made, UNKNOWN, violationsOf } from "./support";

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const FIREWALL = "gcp:compute/firewall:Firewall";
const IMAGE = "docker:index/remoteImage:RemoteImage";

/** A long-running container of `service` with the given properties. */
function container(service: string, props: Record<string, unknown> = {}) {
    return made(CONTAINER, service, { labels: [{ label: "com.minimarket.service", value: service }], ...props });
}

const messages = (policy: string, resources: ReturnType<typeof made>[], stack = "staging") => violationsOf(policy, resources, stack).map((v) => v.message);

describe("policy rules on made resources", () => {
    describe("the Redis password on a command line", () => {
        it("as its own argument, missing after the flag, or inside an sh -c script, quoted or not", () => {
            expect(requirepassArgument(["redis-server", "--requirepass", "$REDIS_PASSWORD"])).to.equal("$REDIS_PASSWORD");
            expect(requirepassArgument(["redis-server", "--requirepass"])).to.equal("");
            expect(requirepassArgument(["redis-server", "--appendonly", "yes"])).to.equal(undefined);
            expect(requirepassArgument(["sh", "-c", "exec redis-server --requirepass secretpw --appendonly yes"])).to.equal("secretpw");
            expect(requirepassArgument(["sh", "-c", 'exec redis-server --requirepass   "a b" --appendonly yes'])).to.equal("a b");
            expect(requirepassArgument(["sh", "-c", "exec redis-server --requirepass 'c d'"])).to.equal("c d");
            // Only the quotes around the value go; one inside it stays.
            expect(requirepassArgument(["sh", "-c", `exec redis-server --requirepass "it's long"`])).to.equal("it's long");
        });

        it("a Redis found by its command, whatever its service is called; other containers are not Redis", () => {
            expect(messages("redis-requires-password", [container("cache", { command: ["redis-server", "--appendonly", "yes"] })])).to.have.length(1);
            expect(messages("redis-requires-password", [container("grafana", { command: ["grafana", "server"] })])).to.deep.equal([]);
            // The redis service is Redis whatever its command; other resources are neither.
            expect(messages("redis-requires-password", [container("redis", { command: ["valkey-server"] })])).to.have.length(1);
            expect(messages("redis-requires-password", [made(FIREWALL, "fw", {})])).to.deep.equal([]);
        });

        it("a literal password passes; a $NAME is looked up in the env by its exact name, and must be set", () => {
            const redis = (command: string[], envs: string[]) => container("redis", { command: ["redis-server", ...command], envs });
            expect(messages("redis-requires-password", [redis(["--requirepass", "literal-pw"], [])])).to.deep.equal([]);
            // A value that only starts with `$`, or has more after the name, is a literal password (no shell).
            expect(messages("redis-requires-password", [redis(["--requirepass", "pw$EMPTY"], ["EMPTY="])])).to.deep.equal([]);
            expect(messages("redis-requires-password", [redis(["--requirepass", "$EMPTY-x"], ["EMPTY="])])).to.deep.equal([]);
            expect(messages("redis-requires-password", [redis(["--requirepass", "${REDIS_PASSWORD}"], ["TZ=", "REDIS_PASSWORD=long-enough"])])).to.deep.equal(
                [],
            );
            expect(messages("redis-requires-password", [redis(["--requirepass", "$REDIS_PASSWORD"], ["TZ=UTC", "REDIS_PASSWORD="])])).to.have.length(1);
            expect(messages("redis-requires-password", [redis(["--requirepass", "$REDIS_PASSWORD"], ["REDIS_PASSWORD_OLD=x"])])[0]).to.match(
                /`redis` takes its password from `\$REDIS_PASSWORD`, which is empty or unset/,
            );
            expect(messages("redis-requires-password", [redis(["--requirepass"], [])])[0]).to.match(/`redis` has an empty `--requirepass`/);
        });
    });

    describe("reading values", () => {
        it("a value not known yet is undefined (isUnknown says so); any other error is a bug and propagates", () => {
            const unknown = () => {
                throw new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["image"]);
            };
            const broken = () => {
                throw new TypeError("bug");
            };
            expect(known(unknown)).to.equal(undefined);
            expect(isUnknown(unknown)).to.equal(true);
            expect(isUnknown(() => 1)).to.equal(false);
            expect(() => known(broken)).to.throw(TypeError);
            expect(() => isUnknown(broken)).to.throw(TypeError);
        });

        it("a Docker volume mounted is no host path", () => {
            const mounts = [
                { type: "volume", source: "grafana-data", target: "/var/lib/grafana" },
                { type: "tmpfs", target: "/tmp" },
            ];
            expect(messages("host-access-granted", [container("grafana", { mounts })])).to.deep.equal([]);
        });

        it("a container policy leaves other types alone; a one-off task (rm, attach, mustRun false) needs no guards", () => {
            expect(messages("container-memory-limit", [made(FIREWALL, "fw", {})])).to.deep.equal([]);
            expect(
                messages("container-memory-limit", [
                    container("job", { rm: true }),
                    container("job2", { attach: true }),
                    container("job3", { mustRun: false }),
                ]),
            ).to.deep.equal([]);
            expect(messages("container-memory-limit", [container("job", { rm: false, attach: false, mustRun: true })])).to.have.length(1);
            // The provider takes numbers: text is no limit and no grace.
            expect(messages("container-memory-limit", [container("web", { memory: "512" })])).to.have.length(1);
            expect(messages("container-stop-grace", [container("web", { destroyGraceSeconds: "60" })])).to.have.length(1);
        });

        it("a container without labels is known by its hostname, else its first network alias, else its resource name", () => {
            const published = { ports: [{ internal: 5432, external: 5432 }] };
            expect(messages("data-services-publish-no-host-port", [made(CONTAINER, "db", { hostname: "postgres", ...published })])[0]).to.match(
                /`postgres` publishes 0\.0\.0\.0:5432->5432\/tcp/,
            );
            expect(
                messages("data-services-publish-no-host-port", [
                    made(CONTAINER, "db", { networksAdvanced: [{ name: "n", aliases: ["postgres"] }], ...published }),
                ])[0],
            ).to.match(/`postgres` publishes/);
            expect(messages("data-services-publish-no-host-port", [made(CONTAINER, "db", { hostname: "postgres", ports: [{ internal: 5432 }] })])[0]).to.match(
                /publishes 0\.0\.0\.0:\(any\)->5432\/tcp/,
            );
            expect(messages("data-services-publish-no-host-port", [made(CONTAINER, "db", published)])[0]).to.match(
                /`db` \(port 5432 is a data service's or an exporter's\) publishes/,
            );
            expect(messages("container-memory-limit", [made(CONTAINER, "db", {})])[0]).to.match(/`db` has no memory limit/);
            expect(messages("images-pinned-on-prod", [made(CONTAINER, "db", { image: "postgres:latest" })], "prod")[0]).to.match(/`db` runs `postgres:latest`/);
        });

        it("loopback is 127.0.0.0/8, ::1 or localhost, and nothing that merely contains 127.", () => {
            const grafana = (ip: string) => container("grafana", { ports: [{ internal: 3000, external: 3000, ip, protocol: "tcp" }] });
            for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
                expect(messages("only-people-ports-published", [grafana(ip)]), ip).to.deep.equal([]);
            for (const ip of ["10.127.0.1", "0.0.0.0"]) expect(messages("only-people-ports-published", [grafana(ip)]), ip).to.have.length(1);
            const named = made(CONTAINER, "web1", {
                labels: [{ label: "com.minimarket.service", value: "grafana" }],
                ports: [{ internal: 3000, external: 3000 }],
            });
            expect(messages("only-people-ports-published", [named])[0]).to.match(/`grafana` publishes 0\.0\.0\.0:3000->3000\/tcp on every address/);
        });

        it("the service network by its name, or any *-services network when the environment is not labelled", () => {
            const postgres = (labels: unknown[], network: string) =>
                made(CONTAINER, "postgres", { labels, networksAdvanced: [{ name: network, aliases: ["postgres"] }] });
            const service = { label: "com.minimarket.service", value: "postgres" };
            const staging = { label: "com.minimarket.environment", value: "staging" };
            expect(messages("data-services-off-service-network", [postgres([service], "x-services")])).to.have.length(1);
            expect(messages("data-services-off-service-network", [postgres([service], "x-data")])).to.deep.equal([]);
            expect(messages("data-services-off-service-network", [postgres([service, staging], "x-services")])).to.deep.equal([]);
        });

        it("images: other types are not applicable; a RemoteImage without a name is left for up; a reference that is no reference is named", () => {
            expect(messages("images-pinned-on-prod", [made(FIREWALL, "fw", { name: "x:latest" })], "prod")).to.deep.equal([]);
            expect(messages("images-pinned-on-prod", [made(IMAGE, "img", {})], "prod")).to.deep.equal([]);
            // A disk's `image` is a cloud image family, not a container image.
            expect(messages("images-pinned-on-prod", [made("gcp:compute/disk:Disk", "boot", { image: "debian-cloud/debian-12" })], "prod")).to.deep.equal([]);
            expect(messages("images-pinned-outside-prod", [made(IMAGE, "img", { name: "x:latest" })])[0]).to.match(
                /Why: two deploys of the same commit can run different code/,
            );
            expect(messages("images-pinned-outside-prod", [made(IMAGE, "img", { name: "Not A Reference!" })])[0]).to.match(
                /the image `Not A Reference!`, which is not a valid image reference/,
            );
        });
    });

    describe("Cloud SQL and firewall rules", () => {
        const good = {
            ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/p/global/networks/vpc" },
            backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: { retainedBackups: 7 } },
            retainBackupsOnDelete: true,
            availabilityType: "REGIONAL",
        };
        const sql = (settings: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) =>
            made(SQL, "postgres", { ...(settings ? { settings } : {}), deletionProtection: true, ...extra });
        const all = (r: ReturnType<typeof made>, stack = "prod") =>
            ["cloudsql-private-ip-only", "cloudsql-point-in-time-recovery", "cloudsql-backups-retained"].flatMap((p) => messages(p, [r], stack));

        it("prod by its environment label on any stack; settings without labels, or none at all, are no error", () => {
            expect(all(sql(good), "staging")).to.deep.equal([]);
            expect(all(sql({ ...good, ipConfiguration: {}, userLabels: { environment: "prod" } }), "staging")).to.have.length.greaterThan(0);
            expect(all(sql(good))).to.deep.equal([]);
            expect(all(sql(undefined))).to.have.length.greaterThan(0);
        });

        it("each missing protection named: no private network, authorized networks, backups off, PITR without backups, 7 backups is enough", () => {
            const ip = (c: Record<string, unknown>) => messages("cloudsql-private-ip-only", [sql({ ...good, ipConfiguration: c })], "prod");
            expect(ip({ ipv4Enabled: false })).to.have.length(1);
            // A network this preview creates has no name yet: checked at up.
            expect(ip({ ipv4Enabled: false, privateNetwork: UNKNOWN })).to.deep.equal([]);
            expect(ip({ ipv4Enabled: false })[0]).to.match(/`postgres` is on no private network/);
            expect(ip({ ...good.ipConfiguration, authorizedNetworks: [{ value: "1.2.3.4/32" }, { value: "5.6.7.0/24" }] })[0]).to.match(
                /`postgres` authorizes 1\.2\.3\.4\/32, 5\.6\.7\.0\/24\. Why/,
            );
            const backups = (b: Record<string, unknown>) => sql({ ...good, backupConfiguration: b });
            expect(messages("cloudsql-point-in-time-recovery", [backups({ enabled: false, pointInTimeRecoveryEnabled: true })], "prod")).to.have.length(1);
            expect(messages("cloudsql-backups-retained", [backups({ enabled: false, pointInTimeRecoveryEnabled: true })], "prod")[0]).to.match(
                /`postgres` takes no automated backups/,
            );
            // No retention settings: the API keeps 7.
            expect(messages("cloudsql-backups-retained", [backups({ enabled: true })], "prod")).to.deep.equal([]);
            expect(messages("cloudsql-backups-retained", [backups({ enabled: true, backupRetentionSettings: { retainedBackups: 6 } })], "prod")[0]).to.match(
                /keeps only 6 backups/,
            );
        });

        const rule = (props: Record<string, unknown>) => made(FIREWALL, "rule", props);
        const firewall = (props: Record<string, unknown>) => messages("firewall-people-ports-only", [rule(props)], "prod");

        it("ICMP opens nothing; `all`, or no ports, opens every port; egress is not checked, a rule without a direction is ingress", () => {
            expect(firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "icmp" }] })).to.deep.equal([]);
            expect(firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "all", ports: ["80"] }] })[0]).to.match(
                /`rule` opens every port \(all\) to the whole internet/,
            );
            expect(firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp" }] })[0]).to.match(/opens every port \(tcp\)/);
            expect(firewall({ direction: "EGRESS", sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["5432"] }] })).to.deep.equal([]);
            expect(firewall({ sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp", ports: ["5432", "6379"] }] })[0]).to.match(/opens 5432, 6379 \(tcp\)/);
        });

        it("SSH from tagged sources, service accounts or named ranges passes; a range list with 0.0.0.0/0 in it is the internet", () => {
            const ssh = [{ protocol: "tcp", ports: ["22"] }];
            expect(firewall({ sourceTags: ["ci"], allows: ssh })).to.deep.equal([]);
            expect(firewall({ sourceServiceAccounts: ["ci@p.iam"], allows: ssh })).to.deep.equal([]);
            expect(firewall({ sourceTags: ["ci"], sourceServiceAccounts: ["ci@p.iam"], allows: ssh })).to.deep.equal([]);
            expect(firewall({ sourceRanges: ["10.0.0.0/8"], allows: ssh })).to.deep.equal([]);
            expect(firewall({ sourceRanges: ["10.0.0.0/8", "0.0.0.0/0"], allows: ssh })[0]).to.match(/opens 22 \(tcp\) to the whole internet/);
            expect(firewall({ sourceRanges: ["10.0.0.0/8"], sourceTags: ["ci"], allows: [{ protocol: "tcp", ports: ["5432"] }] })[0]).to.match(
                /`rule` opens 5432 \(tcp\) to 10\.0\.0\.0\/8, tagged sources\. Why/,
            );
        });
    });

    describe("credentials-only-in-secret-places", () => {
        const generated = made(PASSWORD, "apiPassword", { result: "generated-0123456789" });

        it("a generated password no variable carries is still found in a label", () => {
            const found = messages("credentials-only-in-secret-places", [
                generated,
                container("web", { labels: [{ label: "x", value: "generated-0123456789" }] }),
            ]);
            expect(found).to.have.length(1);
            expect(found[0]).to.match(/`web` carries a credential in `labels\[0\]\.value`/);
        });

        it("a command: its environment and stdin may carry credentials, its create may not; a plain-named variable may not", () => {
            const command = (props: Record<string, unknown>) => made(COMMAND, "migrate", props);
            expect(
                messages("credentials-only-in-secret-places", [
                    generated,
                    command({ environment: { API_PASSWORD: "generated-0123456789" }, stdin: "generated-0123456789", create: "run" }),
                ]),
            ).to.deep.equal([]);
            expect(messages("credentials-only-in-secret-places", [generated, command({ create: "run --password generated-0123456789" })])[0]).to.match(
                /`migrate` carries a credential in `create`/,
            );
            expect(messages("credentials-only-in-secret-places", [generated, command({ environment: { NOTE: "generated-0123456789" } })])[0]).to.match(
                /`migrate` passes a credential in the variable `NOTE`, whose name does not say so/,
            );
        });

        it("a credential variable's value, from a command as from a container, is a secret wherever else it appears", () => {
            const holder = made(COMMAND, "seed", { environment: { SEED_TOKEN: "token-from-a-command" } });
            expect(messages("credentials-only-in-secret-places", [holder, container("web", { command: ["run", "token-from-a-command"] })])).to.have.length(1);
            const envHolder = container("api", { envs: ["API_TOKEN=token-of-a-container"] });
            expect(messages("credentials-only-in-secret-places", [envHolder, container("web", { command: ["run", "token-of-a-container"] })])).to.have.length(
                1,
            );
        });

        it("a value shorter than 8 characters is no secret to look for, 8 is; an entry without `=` is no variable", () => {
            const short = container("api", { envs: ["API_TOKEN=1234567", "PLAIN", "=x"] });
            expect(messages("credentials-only-in-secret-places", [short, container("web", { command: ["1234567"] })])).to.deep.equal([]);
            const eight = container("api", { envs: ["API_TOKEN=12345678"] });
            expect(messages("credentials-only-in-secret-places", [eight, container("web", { command: ["12345678"] })])).to.have.length(1);
            // `API_TOKEN` without a value names nothing: the 8 characters after it are not its value.
            const bare = container("api", { envs: ["API_TOKEN", "API_TOKENabcdefgh"] });
            expect(messages("credentials-only-in-secret-places", [bare, container("web", { command: ["abcdefgh", "API_TOKE"] })])).to.deep.equal([]);
        });

        it("only a RandomPassword's result is a generated secret; one not known yet, or a number in a command's environment, is no error", () => {
            const other = made("random:index/randomId:RandomId", "id", { result: "not-a-secret-value" });
            expect(messages("credentials-only-in-secret-places", [other, container("web", { command: ["not-a-secret-value"] })])).to.deep.equal([]);
            expect(
                messages("credentials-only-in-secret-places", [made(PASSWORD, "p", { result: UNKNOWN }), container("web", { command: ["x"] })]),
            ).to.deep.equal([]);
            expect(messages("credentials-only-in-secret-places", [generated, made(COMMAND, "x", { environment: { PORT: 5432, DEBUG: true } })])).to.deep.equal(
                [],
            );
        });

        it("an env entry without a name, or without `=`, names no variable, whatever it holds", () => {
            const odd = container("web", { envs: ["=generated-0123456789", "generated-0123456789"] });
            expect(messages("credentials-only-in-secret-places", [generated, odd])).to.deep.equal([]);
        });

        it("null and missing values are no credentials and no error", () => {
            expect(
                messages("credentials-only-in-secret-places", [generated, container("web", { labels: null, healthcheck: { tests: null }, envs: null })]),
            ).to.deep.equal([]);
            expect(messages("credentials-only-in-secret-places", [generated, made(COMMAND, "x", { environment: null, stdin: null })])).to.deep.equal([]);
        });
    });
});
