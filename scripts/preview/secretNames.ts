// Which container variables are secret, from the program's own knowledge: a reviewer sees the value
// of a plain variable and only a fingerprint of a secret one. A variable counts as secret when any
// of these says so (so a mistake in one list does not leak a value):
//   1. the program declares it secret: the app contract (appEnvironment), the data services and
//      the observability containers that take credentials, and operator `secretEnv` entries;
//   2. its name looks like a credential;
//   3. its value (old or new) carries URL credentials or contains a known secret value.

import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { appEnvironment } from "../../components/apps/environment";
import { looksLikeCredential } from "../../facts/credentials";
import { ServiceName, serviceNames } from "../../facts/services";

/** Secret variables of containers outside the app contract (components/data, components/observability). */
const INFRA_SECRET_VARS = [
    "POSTGRES_PASSWORD", // PostgresContainer
    "REDIS_PASSWORD", // RedisContainer, redis-exporter
    "DATA_SOURCE_NAME", // postgres-exporter (a URL with the monitor password)
    "GF_SECURITY_ADMIN_PASSWORD", // Grafana
    "GF_SECURITY_SECRET_KEY",
];

const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|_DSN$|DATABASE_URL|REDIS_URL|DATA_SOURCE/i;
/** Shorter known secrets are not matched inside values: too many false alarms, and generated ones are long. */
const MIN_MATERIAL = 8;

/** Every secret variable the app contract declares, whatever the stack's values. */
export function appSecretNames(): string[] {
    const placeholder = "x";
    const urls = Object.fromEntries(serviceNames.map((n) => [n, placeholder])) as Record<ServiceName, string>;
    const names = new Set<string>();
    for (const name of serviceNames) {
        const env = appEnvironment(
            name,
            { environment: placeholder, logLevel: placeholder, timezone: placeholder, corsOrigins: [], dashboardForceHttps: true, serviceUrls: urls },
            { databaseUrl: placeholder, redisUrl: placeholder, jwtSecret: placeholder, dashboardApiKey: placeholder, dashboardUiApiKey: placeholder },
        );
        for (const k of Object.keys(env.secret)) names.add(k);
    }
    return [...names].sort();
}

/** Variable names under `minimarket:secretEnv` in a stack file (the names are readable; the values are encrypted). */
export function operatorSecretNames(stackFile: string): string[] {
    if (!fs.existsSync(stackFile)) return [];
    const doc = (parseYaml(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const secretEnv = doc.config?.["minimarket:secretEnv"];
    const names = new Set<string>();
    if (typeof secretEnv === "object" && secretEnv !== null) {
        for (const vars of Object.values(secretEnv)) {
            if (typeof vars === "object" && vars !== null && !("secure" in vars)) for (const k of Object.keys(vars)) names.add(k);
        }
    }
    return [...names].sort();
}

export class SecretClassifier {
    private readonly names: Set<string>;
    private readonly material: string[];

    /** @param material known secret values (generated passwords, values of secret variables). */
    constructor(extraNames: string[], material: string[]) {
        this.names = new Set([...appSecretNames(), ...INFRA_SECRET_VARS, ...extraNames]);
        this.material = material.filter((m) => m.length >= MIN_MATERIAL);
    }

    isSecret(name: string, values: (string | undefined)[]): boolean {
        if (this.names.has(name) || CREDENTIAL_NAME.test(name)) return true;
        return values.some((v) => v !== undefined && (looksLikeCredential(v) || this.material.some((m) => v.includes(m))));
    }

    /** Remembers a secret variable's values, so a plain variable that repeats one is hidden too. */
    learn(values: (string | undefined)[]): void {
        for (const v of values) if (v !== undefined && v.length >= MIN_MATERIAL && !this.material.includes(v)) this.material.push(v);
    }

    /** Every known secret value, for the final check that none reached the output. */
    knownSecrets(): string[] {
        return [...this.material];
    }
}

/** Fails closed: the comment is not written if any known secret value appears in it. */
export function assertNoSecrets(text: string, secrets: string[]): void {
    const leaked = secrets.filter((s) => s.length >= MIN_MATERIAL && text.includes(s)).length;
    if (leaked > 0) throw new Error(`refusing to write the comment: it contains ${leaked} known secret value(s); this is a bug in scripts/preview`);
}
