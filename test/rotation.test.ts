// Rotation scopes: bumping one secret's rotation counter replaces or updates exactly the resources
// that read that secret, on staging and on prod. The expected scopes are written out below by
// hand; the secret catalog's `consumers` must agree with them, so neither can drift alone.

import { expect } from "chai";
import { SecretConsumer, secretCatalog, SecretName, secretNames } from "../facts/secrets";
import { ProgramRun, runProgram, StackSettings } from "./support/program";
import { Scope, scopeOf } from "./support/scope";
import { realImages, withConfig } from "./support/staging";

const R = "replace" as const;
const U = "update" as const;

/** An app's container gets the secret in its environment (replace); its migration step stores it too (update). */
const app = (service: string, migrates = true): Scope => ({ [`container/${service}`]: R, ...(migrates ? { [`command/${service}-migrate`]: U } : {}) });
const stagingApps = { ...app("agente-deposito"), ...app("agente-negocio"), ...app("ml-service"), ...app("dashboard", false) };
const prodApps = { ...app("agente-deposito"), ...app("agente-negocio"), ...app("ml-service"), ...app("dashboard") };

/** Staging with real images (dashboard has no migration there): each secret's rotation, besides its own RandomPassword. */
const STAGING: Record<SecretName, Scope> = {
    postgresPassword: { "command/postgres-roles": U, ...stagingApps },
    postgresAdminPassword: { "container/postgres": R, "command/postgres-roles": U },
    postgresMonitorPassword: { "command/postgres-roles": U, "container/postgres-exporter": R },
    postgresBackupPassword: { "command/postgres-roles": U, "container/backup": R },
    redisPassword: { "container/redis": R, "container/redis-exporter": R, ...stagingApps },
    jwtSecretDeposito: app("agente-deposito"),
    jwtSecretNegocio: app("agente-negocio"),
    jwtSecretMl: app("ml-service"),
    jwtSecretDashboard: app("dashboard", false),
    dashboardApiKey: app("dashboard", false),
    dashboardUiApiKey: app("dashboard", false),
    grafanaAdminPassword: { "container/grafana": R, "command/grafana-admin-password": U },
    grafanaSecretKey: { "container/grafana": R },
};

/** Prod (Cloud SQL users instead of the role step; no database container, no pg_dump container). */
const PROD: Record<SecretName, Scope> = {
    // Blue/green logins: generation 1 sets the new password on the green login (blue keeps its old
    // one while the apps move), and the roles step re-checks the active login.
    postgresPassword: { "sqlUser/postgres-app-green": U, "command/postgres-roles": U, ...prodApps },
    postgresAdminPassword: {},
    postgresMonitorPassword: { "sqlUser/postgres-monitor": U, "command/postgres-roles": U, "container/postgres-exporter": R },
    postgresBackupPassword: {},
    redisPassword: { "container/redis": R, "container/redis-exporter": R, ...prodApps },
    jwtSecretDeposito: app("agente-deposito"),
    jwtSecretNegocio: app("agente-negocio"),
    jwtSecretMl: app("ml-service"),
    jwtSecretDashboard: app("dashboard"),
    dashboardApiKey: app("dashboard"),
    dashboardUiApiKey: app("dashboard"),
    grafanaAdminPassword: { "container/grafana": R, "command/grafana-admin-password": U },
    grafanaSecretKey: { "container/grafana": R },
};

/** Which catalog consumer each resource above belongs to. */
const CONSUMER: Record<string, SecretConsumer> = {
    ...Object.fromEntries(
        (["agente-deposito", "agente-negocio", "ml-service", "dashboard"] as const).flatMap((s) => [
            [`container/${s}`, s],
            [`command/${s}-migrate`, s],
        ]),
    ),
    "container/postgres": "postgres",
    "command/postgres-roles": "postgres-roles",
    "sqlUser/postgres-app": "postgres-roles",
    "sqlUser/postgres-app-green": "postgres-roles",
    "sqlUser/postgres-monitor": "postgres-roles",
    "container/postgres-exporter": "postgres-exporter",
    "container/backup": "postgres-backup",
    "container/redis": "redis",
    "container/redis-exporter": "redis-exporter",
    "container/grafana": "grafana",
    "command/grafana-admin-password": "grafana",
};

const registryPassword = { config: { registryPassword: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" }, secretKeys: ["registryPassword"] };
const STACKS: Array<{ name: string; settings: StackSettings; table: Record<SecretName, Scope> }> = [
    { name: "staging", settings: realImages, table: STAGING },
    { name: "prod", settings: { stack: "prod", ...registryPassword }, table: PROD },
];

describe("rotating a secret touches exactly the resources that read it", function () {
    this.timeout(300_000);

    it("the tables cover every secret of the catalog, and no other", () => {
        for (const { table } of STACKS) expect(Object.keys(table).sort()).to.deep.equal([...secretNames].sort());
    });

    it("the catalog's consumers are exactly the owners of staging's scopes (prod's are a subset: no database or backup container there)", () => {
        for (const name of secretNames) {
            const owners = (scope: Scope) => [...new Set(Object.keys(scope).map((k) => CONSUMER[k] ?? `(no consumer for ${k})`))].sort();
            expect(owners(STAGING[name]), name).to.deep.equal([...secretCatalog[name].consumers].sort());
            expect(secretCatalog[name].consumers, name).to.include.members(owners(PROD[name]));
        }
    });

    for (const stack of STACKS) {
        describe(stack.name, () => {
            let base: ProgramRun;
            before(async () => {
                base = await runProgram(stack.settings);
                expect(base.error, base.error?.stack).to.equal(undefined);
            });

            for (const name of secretNames) {
                it(`${name}`, async () => {
                    const rotated = await runProgram(withConfig(stack.settings, { rotations: { [name]: 1 } }));
                    expect(rotated.error, rotated.error?.stack).to.equal(undefined);
                    expect(scopeOf(base, rotated)).to.deep.equal({ [`password/${name}`]: R, ...stack.table[name] });
                });
            }
        });
    }
});
