// Issue 10, item 9: bad config that used to pass. Each case is refused before any resource,
// under its own key, with the fix.
import { expect } from "chai";
import { parsed, prodValues, refusal } from "./support";

const prodServices = prodValues().services as Record<string, unknown>;

describe("config validation gaps (issue 10, item 9)", () => {
    describe("plain variables named like credentials belong in secretEnv", () => {
        for (const name of [
            "SECRET_KEY",
            "GOOGLE_API_KEY",
            "JWT_SECRET_KEY",
            "STRIPE_SECRET",
            "CLIENT_SECRET_VALUE",
            "PGPASSWORD",
            "SMTP_PASS",
            "GITHUB_TOKEN",
            "SENTRY_DSN",
            "API_KEYS",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "DATABASE_URL",
        ]) {
            it(`refuses ${name}`, () => {
                expect(refusal({ services: { "ml-service": { env: { [name]: "x" } } } })).to.include(
                    `minimarket:services.ml-service.env.${name}: carries a credential; set it as a secret with \`scripts/stack.sh --stack staging config set --secret --path 'secretEnv.ml-service.${name}'\``,
                );
            });
        }
        it("accepts names that only contain such a word as part of another (counts, durations, flags)", () => {
            const env = { MAX_TOKENS: "512", ACCESS_TOKEN_EXPIRE_MINUTES: "30", KEYCLOAK_REALM: "shop", MONKEY_PATCH: "1", OCR_TIMEOUT_SECONDS: "30" };
            expect(parsed({ services: { "ml-service": { env } } }).services["ml-service"].env).to.deep.equal(env);
        });
        it("accepts the same names in secretEnv", () => {
            const c = parsed({ secretEnv: { "ml-service": { GOOGLE_API_KEY: "AIza-not-a-real-key" } } }, { secretKeys: ["secretEnv"] });
            expect(c.services["ml-service"].secretEnv).to.deep.equal({ GOOGLE_API_KEY: "AIza-not-a-real-key" });
        });
    });

    describe("timezone: only zone names the containers' tzdata resolves", () => {
        for (const [tz, expected] of [
            ["ART", /"ART" is an abbreviation or an old name, not a zone name; use a Region\/City name such as America\/Argentina\/Buenos_Aires/],
            ["EST", /"EST" is an abbreviation/],
            ["america/argentina/buenos_aires", /wrong letter case.*did you mean `America\/Argentina\/Buenos_Aires`\?/],
            ["utc", /did you mean `UTC`\?/],
            ["America/Buenos_Aires", /"America\/Buenos_Aires" is an old name; use `America\/Argentina\/Buenos_Aires`/],
            ["Asia/Calcutta", /use `Asia\/Kolkata`/],
            ["Mars/Olympus", /unknown IANA time zone "Mars\/Olympus"/],
        ] as const) {
            it(`refuses ${tz}`, () => expect(refusal({ timezone: tz })).to.match(new RegExp(`^minimarket:timezone: .*${expected.source}`, "m")));
        }
        for (const tz of ["America/Argentina/Buenos_Aires", "America/Argentina/Cordoba", "Europe/Kyiv", "Asia/Kolkata", "UTC", "Etc/UTC", "Etc/GMT+3"]) {
            it(`accepts ${tz}`, () => expect(parsed({ timezone: tz }).timezone).to.equal(tz));
        }
    });

    describe("prod on Google Cloud", () => {
        it("refuses host ports the VM already uses (the HTTPS proxy holds 80 and 443, sshd 22)", () => {
            const text = refusal(prodValues({ hostPorts: { grafana: 443, prometheus: 80, alertmanager: 22 } }), { stack: "prod" });
            expect(text).to.match(
                /minimarket:hostPorts\.grafana: port 443 of the Docker host VM is held by the HTTPS proxy.*pick another port, e\.g\. the default 3000/,
            );
            expect(text).to.match(/minimarket:hostPorts\.prometheus: port 80 .*HTTPS proxy/);
            expect(text).to.match(/minimarket:hostPorts\.alertmanager: port 22 .*sshd/);
        });
        it("accepts other ports, and the same ports on the Docker platform (no proxy there)", () => {
            expect(parsed(prodValues({ hostPorts: { grafana: 3001 } }), { stack: "prod" }).hostPorts.grafana).to.equal(3001);
            expect(parsed({ hostPorts: { grafana: 443 } }).hostPorts.grafana).to.equal(443);
        });
        it("refuses dockerHost and hostPorts.dashboard, which it would ignore", () => {
            const text = refusal(prodValues({ dockerHost: "ssh://deploy@203.0.113.7", hostPorts: { dashboard: 8081 } }), { stack: "prod" });
            expect(text).to.include(
                "minimarket:dockerHost: platform gcp deploys to the VM it creates and would ignore this address; run `scripts/stack.sh --stack prod config rm dockerHost`",
            );
            expect(text).to.include("minimarket:hostPorts.dashboard: platform gcp publishes the dashboard only through the HTTPS proxy");
            expect(text).to.include("`scripts/stack.sh --stack prod config rm --path 'hostPorts.dashboard'`");
        });
        it("refuses http:// CORS origins, in the setting and in an override", () => {
            const text = refusal(
                prodValues({
                    corsOrigins: ["https://ok.example.com", "http://shop.example.com"],
                    services: {
                        ...prodServices,
                        dashboard: { image: "r.example.com/dashboard:1.9.3", env: { DASHBOARD_CORS_ORIGINS: ["http://x.example.com"] } },
                    },
                }),
                { stack: "prod" },
            );
            expect(text).to.include('minimarket:corsOrigins: "http://shop.example.com" is plain HTTP; use https:// origins');
            expect(text).to.include('minimarket:services.dashboard.env.DASHBOARD_CORS_ORIGINS: "http://x.example.com" is plain HTTP');
            expect(text).not.to.include("ok.example.com");
        });
        it("without corsOrigins, allows the dashboard's own https://<gcp.domain>, not http://localhost:8080", () => {
            const values = prodValues();
            delete values.corsOrigins;
            expect(parsed(values, { stack: "prod" }).corsOrigins).to.deep.equal(["https://minimarket.example.com.ar"]);
        });
        it("prod on the Docker platform has no domain to default to: corsOrigins is required", () => {
            expect(refusal({ platform: "docker", services: prodServices }, { stack: "prod" })).to.include(
                "minimarket:corsOrigins: prod has no default origin here; run `scripts/stack.sh --stack prod config set --path 'corsOrigins[0]' https://<the dashboard's address>`",
            );
        });
        for (const tag of ["main", "stable", "edge", "2", "v2", "1.4", "17-bookworm"]) {
            it(`refuses the moving tag :${tag}`, () => {
                const text = refusal(prodValues({ services: { ...prodServices, "ml-service": { image: `r.example.com/ml-service:${tag}` } } }), {
                    stack: "prod",
                });
                expect(text).to.match(
                    new RegExp(
                        `minimarket:services\\.ml-service\\.image: "r\\.example\\.com/ml-service:${tag}" has the moving tag \`${tag}\`.*exact version tag`,
                    ),
                );
            });
        }
        for (const ref of [
            "r.example.com/ml-service:1.4.2",
            "r.example.com/ml-service:v2.0.1-bookworm",
            "r.example.com/ml-service:2025.01.03",
            `r.example.com/ml-service@sha256:${"a".repeat(64)}`,
        ]) {
            it(`accepts ${ref}`, () => {
                const c = parsed(prodValues({ services: { ...prodServices, "ml-service": { image: ref } } }), { stack: "prod" });
                expect(c.services["ml-service"].image).to.equal(ref);
            });
        }
        it("staging still accepts a branch tag", () => {
            expect(parsed({ services: { dashboard: { image: "r.example.com/dashboard:main" } } }).services.dashboard.image).to.equal(
                "r.example.com/dashboard:main",
            );
        });
    });

    describe("rotations", () => {
        const strong = "a-hand-set-value-that-is-long-enough-0123456789";
        it("refuses a counter for a secret set by hand, which would do nothing", () => {
            expect(refusal({ redisPassword: strong, rotations: { redisPassword: 2 } }, { secretKeys: ["redisPassword"] })).to.include(
                "minimarket:rotations.redisPassword: redisPassword is set by hand, so the program does not generate it and this counter would change nothing",
            );
        });
        it("accepts a counter of a generated secret, and a zero counter beside a hand-set one", () => {
            const c = parsed({ redisPassword: strong, rotations: { redisPassword: 0, postgresPassword: 3 } }, { secretKeys: ["redisPassword"] });
            expect(c.rotations.postgresPassword).to.equal(3);
        });
    });

    describe("metricsRetention follows Prometheus's duration grammar", () => {
        for (const d of ["1d12h", "2w3d", "1y", "90d", "36h", "1h30m"]) {
            it(`accepts ${d}`, () => expect(parsed({ metricsRetention: d }).metricsRetention).to.equal(d));
        }
        for (const d of ["12h1d", "1.5d", "30D", "30 d", "0", "0d", "", "1month"]) {
            it(`refuses ${JSON.stringify(d)}`, () =>
                expect(refusal({ metricsRetention: d })).to.match(/^minimarket:metricsRetention: expected a Prometheus duration such as 7d, 30d or 1d12h/m));
        }
    });

    it("refuses an empty secretEnv value", () => {
        expect(refusal({ secretEnv: { dashboard: { OPENAI_API_KEY: "" } } }, { secretKeys: ["secretEnv"] })).to.include(
            "minimarket:secretEnv.dashboard.OPENAI_API_KEY: is empty; set the value with `scripts/stack.sh --stack staging config set --secret --path 'secretEnv.dashboard.OPENAI_API_KEY'`, or remove it with `scripts/stack.sh --stack staging config rm --path 'secretEnv.dashboard.OPENAI_API_KEY'`",
        );
    });
});
