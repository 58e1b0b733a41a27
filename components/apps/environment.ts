// The environment contract of the app images (SPEC, "Environment contract"), as a pure function
// of plain values. Typed values are rendered the way the apps parse them: booleans as
// true/false, numbers in decimal, lists as JSON arrays (pydantic-settings).

import { ServiceName, serviceSpec } from "../../facts/services";

export interface AppSecrets {
    databaseUrl: string;
    redisUrl: string;
    jwtSecret: string;
    dashboardApiKey: string;
    dashboardUiApiKey: string;
}

export interface AppSettings {
    environment: string;
    logLevel: string;
    timezone: string;
    corsOrigins: string[];
    dashboardForceHttps: boolean;
    /** Internal base URLs of the other services, e.g. http://agente-deposito:8001. */
    serviceUrls: Record<ServiceName, string>;
}

export interface AppEnvironment {
    plain: Record<string, string>;
    secret: Record<string, string>;
}

type Value = string | number | boolean | string[];

function render(v: Value): string {
    return Array.isArray(v) ? JSON.stringify(v) : String(v);
}

function renderAll(vars: Record<string, Value>): Record<string, string> {
    return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, render(v)]));
}

/**
 * The variables service `name` reads, split into plain and secret. Operator overrides (plain and
 * secret) win over the defaults; a variable set as secret is never also passed in plain.
 */
export function appEnvironment(
    name: ServiceName,
    settings: AppSettings,
    secrets: AppSecrets,
    overrides: { plain?: Record<string, string>; secret?: Record<string, string> } = {},
): AppEnvironment {
    const plain: Record<string, Value> = {
        ENVIRONMENT: settings.environment,
        LOG_LEVEL: settings.logLevel,
        TZ: settings.timezone,
        CORS_ORIGINS: settings.corsOrigins,
    };
    const secret: Record<string, Value> = {
        DATABASE_URL: secrets.databaseUrl,
        REDIS_URL: secrets.redisUrl,
        JWT_SECRET_KEY: secrets.jwtSecret,
        [serviceSpec(name).jwtVar]: secrets.jwtSecret,
    };
    const urls = settings.serviceUrls;
    switch (name) {
        case "agente-deposito":
            // The common variables only.
            break;
        case "agente-negocio":
            Object.assign(plain, {
                AGENTE_DEPOSITO_URL: urls["agente-deposito"],
                OCR_TIMEOUT_SECONDS: 30,
                TESSERACT_CMD: "/usr/bin/tesseract",
            });
            break;
        case "ml-service":
            Object.assign(plain, { INFLATION_RATE_MONTHLY: 0.045 });
            break;
        case "dashboard":
            Object.assign(plain, {
                AGENTE_DEPOSITO_URL: urls["agente-deposito"],
                AGENTE_NEGOCIO_URL: urls["agente-negocio"],
                ML_PREDICTOR_URL: urls["ml-service"],
                DASHBOARD_CORS_ORIGINS: settings.corsOrigins,
                DASHBOARD_RATELIMIT_ENABLED: true,
                DASHBOARD_RATELIMIT_REQUESTS: 100,
                DASHBOARD_RATELIMIT_WINDOW: 60,
                DASHBOARD_ENABLE_HSTS: true,
                DASHBOARD_FORCE_HTTPS: settings.dashboardForceHttps,
                METRICS_ENABLED: true,
                STRUCTURED_LOGGING: true,
            });
            Object.assign(secret, {
                DASHBOARD_API_KEY: secrets.dashboardApiKey,
                DASHBOARD_UI_API_KEY: secrets.dashboardUiApiKey,
            });
            break;
        default: {
            // A service added to the catalog must say here which variables it reads.
            const unhandled: never = name;
            throw new Error(`appEnvironment: no variables defined for service ${String(unhandled)}`);
        }
    }
    const result = {
        plain: { ...renderAll(plain), ...overrides.plain },
        secret: { ...renderAll(secret), ...overrides.secret },
    };
    for (const k of Object.keys(result.secret)) delete result.plain[k];
    return result;
}

/**
 * Where a secret variable of `service` lives in Secret Manager (`gcp.runtime: cloudrun`), as a
 * short key. The services' shared values (the database and Redis URLs) are one secret each, and
 * each JWT secret one, so a rotation writes one new version and reaches exactly its readers. A
 * variable the operator sets in `secretEnv` is the service's own, whatever its name.
 */
export function secretKeyOf(service: ServiceName, variable: string, operatorSet: boolean): string {
    const own = `${service}-${variable.toLowerCase().replace(/_/g, "-")}`;
    if (operatorSet) return own;
    switch (variable) {
        case "DATABASE_URL":
            return "database-url";
        case "REDIS_URL":
            return "redis-url";
        case "JWT_SECRET_KEY":
        case serviceSpec(service).jwtVar:
            return `jwt-${service}`;
        case "DASHBOARD_API_KEY":
            return "dashboard-api-key";
        case "DASHBOARD_UI_API_KEY":
            return "dashboard-ui-api-key";
        default:
            return own;
    }
}
