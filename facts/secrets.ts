// The secret catalog: one row per credential the program generates (or accepts with
// `pulumi config set --secret <name>`), with its strength and the containers that read it.
// Everything else (config keys, rotation counters, the config docs' tables, rotation-scope tests)
// is derived from this list.

/** Who reads a secret; a rotation replaces or updates exactly these. */
export type SecretConsumer =
    | "agente-deposito"
    | "agente-negocio"
    | "ml-service"
    | "dashboard"
    | "postgres"
    | "postgres-roles"
    | "postgres-exporter"
    | "postgres-backup"
    | "redis"
    | "redis-exporter"
    | "grafana";

export interface SecretSpec {
    description: string;
    /** Length of a generated value. */
    length: number;
    /** Shortest value accepted from `pulumi config set --secret`. */
    minLength: number;
    /** Passwords carry the punctuation that broke the old deploys, so every path proves it survives. */
    password: boolean;
    consumers: readonly SecretConsumer[];
    /** Why a supplied value may not contain whitespace, where a consumer cannot take it. */
    noWhitespace?: string;
}

const APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"] as const;

export const secretCatalog = {
    postgresPassword: {
        description: "PostgreSQL application role password",
        length: 32,
        minLength: 32,
        password: true,
        consumers: ["postgres-roles", ...APPS],
    },
    postgresAdminPassword: {
        description: "PostgreSQL superuser password (staging container only)",
        length: 32,
        minLength: 32,
        password: true,
        consumers: ["postgres", "postgres-roles"],
    },
    postgresMonitorPassword: {
        description: "PostgreSQL monitoring role password (postgres-exporter)",
        length: 32,
        minLength: 32,
        password: true,
        consumers: ["postgres-roles", "postgres-exporter"],
        // postgres_exporter splits its connection string on spaces to label the server
        // (cmd/postgres_exporter/util.go parseFingerprint, v0.17.1; exporter/util.go:164-177 in the
        // pinned v0.20.1; seen on a real engine: "malformed dsn"): a space breaks pg_up.
        noWhitespace: "postgres-exporter cannot connect with a password that contains whitespace",
    },
    postgresBackupPassword: {
        description: "PostgreSQL backup role password (the backup container's pg_dump)",
        length: 32,
        minLength: 32,
        password: true,
        consumers: ["postgres-roles", "postgres-backup"],
    },
    redisPassword: { description: "Redis password", length: 32, minLength: 32, password: true, consumers: ["redis", "redis-exporter", ...APPS] },
    jwtSecretDeposito: { description: "JWT secret of agente-deposito", length: 64, minLength: 32, password: false, consumers: ["agente-deposito"] },
    jwtSecretNegocio: { description: "JWT secret of agente-negocio", length: 64, minLength: 32, password: false, consumers: ["agente-negocio"] },
    jwtSecretMl: { description: "JWT secret of ml-service", length: 64, minLength: 32, password: false, consumers: ["ml-service"] },
    jwtSecretDashboard: { description: "JWT secret of dashboard", length: 64, minLength: 32, password: false, consumers: ["dashboard"] },
    dashboardApiKey: { description: "Dashboard API key", length: 48, minLength: 32, password: false, consumers: ["dashboard"] },
    dashboardUiApiKey: { description: "Dashboard UI API key", length: 48, minLength: 32, password: false, consumers: ["dashboard"] },
    grafanaAdminPassword: { description: "Grafana admin password", length: 32, minLength: 32, password: true, consumers: ["grafana"] },
    grafanaSecretKey: {
        description: "Grafana's key for data it encrypts (its built-in default is public)",
        length: 48,
        minLength: 32,
        password: false,
        consumers: ["grafana"],
    },
} as const satisfies Record<string, SecretSpec>;

export type SecretName = keyof typeof secretCatalog;
export const secretNames = Object.keys(secretCatalog) as SecretName[];

export function isSecretName(name: string): name is SecretName {
    return Object.prototype.hasOwnProperty.call(secretCatalog, name);
}

/** Punctuation that generated passwords include on purpose. */
export const PASSWORD_SPECIALS = "!&?)(*-_.~";
