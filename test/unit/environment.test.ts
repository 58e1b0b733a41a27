// The environment contract of the app images (SPEC "Environment contract"): which variables each
// service gets, in which form the apps parse them, and that secrets never also appear in plain.

import { expect } from "chai";
import { appEnvironment, AppSecrets, AppSettings, secretKeyOf } from "../../components/apps/environment";
import { serviceNames } from "../../facts/services";

const settings: AppSettings = {
    environment: "staging",
    logLevel: "INFO",
    timezone: "America/Argentina/Buenos_Aires",
    corsOrigins: ["https://a.example", "https://b.example"],
    dashboardForceHttps: false,
    serviceUrls: {
        "agente-deposito": "http://agente-deposito:8001",
        "agente-negocio": "http://agente-negocio:8002",
        "ml-service": "http://ml-service:8003",
        dashboard: "http://dashboard:8080",
    },
};
const secrets: AppSecrets = {
    databaseUrl: "postgresql://u:p@h:5432/d",
    redisUrl: "redis://:p@r:6379/0",
    jwtSecret: "jwt",
    dashboardApiKey: "api",
    dashboardUiApiKey: "ui",
};
const COMMON_PLAIN = {
    ENVIRONMENT: "staging",
    LOG_LEVEL: "INFO",
    TZ: "America/Argentina/Buenos_Aires",
    CORS_ORIGINS: '["https://a.example","https://b.example"]',
};
const commonSecret = (jwtVar: string) => ({ DATABASE_URL: secrets.databaseUrl, REDIS_URL: secrets.redisUrl, JWT_SECRET_KEY: "jwt", [jwtVar]: "jwt" });

describe("unit: appEnvironment", () => {
    it("agente-deposito: the common variables only", () => {
        expect(appEnvironment("agente-deposito", settings, secrets)).to.deep.equal({ plain: COMMON_PLAIN, secret: commonSecret("JWT_SECRET_DEPOSITO") });
    });

    it("agente-negocio: the deposit agent's URL and the OCR settings", () => {
        expect(appEnvironment("agente-negocio", settings, secrets)).to.deep.equal({
            plain: { ...COMMON_PLAIN, AGENTE_DEPOSITO_URL: "http://agente-deposito:8001", OCR_TIMEOUT_SECONDS: "30", TESSERACT_CMD: "/usr/bin/tesseract" },
            secret: commonSecret("JWT_SECRET_NEGOCIO"),
        });
    });

    it("ml-service: the monthly inflation rate as a decimal", () => {
        expect(appEnvironment("ml-service", settings, secrets)).to.deep.equal({
            plain: { ...COMMON_PLAIN, INFLATION_RATE_MONTHLY: "0.045" },
            secret: commonSecret("JWT_SECRET_ML"),
        });
    });

    it("dashboard: the other services' URLs, its switches as true/false, and its API keys as secrets", () => {
        expect(appEnvironment("dashboard", { ...settings, dashboardForceHttps: true }, secrets)).to.deep.equal({
            plain: {
                ...COMMON_PLAIN,
                AGENTE_DEPOSITO_URL: "http://agente-deposito:8001",
                AGENTE_NEGOCIO_URL: "http://agente-negocio:8002",
                ML_PREDICTOR_URL: "http://ml-service:8003",
                DASHBOARD_CORS_ORIGINS: '["https://a.example","https://b.example"]',
                DASHBOARD_RATELIMIT_ENABLED: "true",
                DASHBOARD_RATELIMIT_REQUESTS: "100",
                DASHBOARD_RATELIMIT_WINDOW: "60",
                DASHBOARD_ENABLE_HSTS: "true",
                DASHBOARD_FORCE_HTTPS: "true",
                METRICS_ENABLED: "true",
                STRUCTURED_LOGGING: "true",
            },
            secret: { ...commonSecret("JWT_SECRET_DASHBOARD"), DASHBOARD_API_KEY: "api", DASHBOARD_UI_API_KEY: "ui" },
        });
        expect(appEnvironment("dashboard", settings, secrets).plain.DASHBOARD_FORCE_HTTPS).to.equal("false");
    });

    it("an empty CORS list is an empty JSON array, not an empty string", () => {
        expect(appEnvironment("agente-deposito", { ...settings, corsOrigins: [] }, secrets).plain.CORS_ORIGINS).to.equal("[]");
    });

    it("operator overrides win, and a variable overridden as secret leaves the plain set", () => {
        for (const name of serviceNames) {
            const env = appEnvironment(name, settings, secrets, { plain: { LOG_LEVEL: "DEBUG", EXTRA: "1" }, secret: { TZ: "UTC", DATABASE_URL: "other" } });
            expect(env.plain.LOG_LEVEL, name).to.equal("DEBUG");
            expect(env.plain.EXTRA, name).to.equal("1");
            expect(env.secret.TZ, name).to.equal("UTC");
            expect(env.secret.DATABASE_URL, name).to.equal("other");
            expect(
                Object.keys(env.plain).filter((k) => k in env.secret),
                name,
            ).to.deep.equal([]);
        }
    });
});

describe("unit: where each secret variable lives in Secret Manager (gcp.runtime cloudrun)", () => {
    it("keeps a value the services share in one secret, each JWT secret in its service's, and an operator's variable as the service's own", () => {
        for (const name of serviceNames) {
            expect(secretKeyOf(name, "DATABASE_URL", false)).to.equal("database-url");
            expect(secretKeyOf(name, "REDIS_URL", false)).to.equal("redis-url");
            expect(secretKeyOf(name, "JWT_SECRET_KEY", false)).to.equal(`jwt-${name}`);
        }
        expect(secretKeyOf("ml-service", "JWT_SECRET_ML", false)).to.equal("jwt-ml-service");
        expect(secretKeyOf("dashboard", "DASHBOARD_API_KEY", false)).to.equal("dashboard-api-key");
        expect(secretKeyOf("dashboard", "DASHBOARD_UI_API_KEY", false)).to.equal("dashboard-ui-api-key");
        // Set by the operator in secretEnv: the service's own, even under a shared name.
        expect(secretKeyOf("agente-negocio", "DATABASE_URL", true)).to.equal("agente-negocio-database-url");
        expect(secretKeyOf("agente-negocio", "AWS_SECRET_ACCESS_KEY", true)).to.equal("agente-negocio-aws-secret-access-key");
        // Another service's JWT variable is not this one's.
        expect(secretKeyOf("dashboard", "JWT_SECRET_ML", false)).to.equal("dashboard-jwt-secret-ml");
    });
});
