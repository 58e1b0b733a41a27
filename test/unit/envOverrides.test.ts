// Variables in `services.<svc>.env` and `secretEnv.<svc>`: names that carry credentials, overrides
// of a setting checked like that setting whatever their type, and secret values never repeated.

import { expect } from "chai";
import { problemsOrNone } from "../config/support";

const problems = (values: Record<string, unknown>, secret: string[] = []) => problemsOrNone(values, { secretKeys: secret });

const env = (vars: unknown) => problems({ services: { dashboard: { env: vars } } });

describe("unit: env overrides at their edges", () => {
    it("tells credential names from the shell's PWD and from names that only contain a credential word", () => {
        expect(env({ PWD: "/app", DATABASE_URL_POOL_SIZE: "5", TURNKEY: "x" })).to.deep.equal([]);
        expect(env({ "FEATURE-FLAG": "1" })).to.deep.equal([
            "minimarket:services.dashboard.env.FEATURE-FLAG: is not a valid environment variable name (A-Z, 0-9, _; not starting with a digit)",
        ]);
        for (const name of ["TOKEN", "KEY", "GOOGLE_CREDENTIAL", "DB_PWD", "REDIS_URL", "DATABASE_URL", "REPLICA_DATABASE_URL", "SESSION_REDIS_URL"]) {
            expect(env({ [name]: "x" }), name).to.have.length(1);
            expect(env({ [name]: "x" })[0], name).to.match(new RegExp(`^minimarket:services\\.dashboard\\.env\\.${name}: carries a credential; `));
        }
    });

    it("checks an override of a setting whatever its type", () => {
        const at = (name: string) => `minimarket:services.dashboard.env.${name}: overrides the `;
        expect(env({ LOG_LEVEL: 5 })).to.deep.equal([
            `${at("LOG_LEVEL")}\`logLevel\` setting for this service and is checked like it: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 5`,
        ]);
        expect(env({ TZ: 5 })).to.deep.equal([`${at("TZ")}\`timezone\` setting for this service and is checked like it: expected a time zone name, got 5`]);
        expect(env({ ENVIRONMENT: ["qa"] })).to.deep.equal([
            `${at("ENVIRONMENT")}\`environment\` setting for this service and is checked like it: must be lowercase letters, digits and dashes (got ["qa"])`,
        ]);
        for (const ok of [true, false, "true", "false"]) expect(env({ DASHBOARD_FORCE_HTTPS: ok }), String(ok)).to.deep.equal([]);
    });

    it("reads an origins override as a list or its JSON text, all strings, and names every bad origin", () => {
        expect(env({ CORS_ORIGINS: ' ["https://a.example.com"]' })).to.deep.equal([]);
        for (const list of [["https://a.example.com", 5], '["https://a.example.com", 5]', "https://a.example.com"]) {
            const found = env({ CORS_ORIGINS: list });
            expect(found, JSON.stringify(list)).to.have.length(1);
            expect(found[0], JSON.stringify(list)).to.include(
                `is checked like it: expected a list of origins, got ${JSON.stringify(list)}; a list is set item by item`,
            );
        }
        expect(env({ DASHBOARD_CORS_ORIGINS: ["ftp://a", "https://b/"] })).to.deep.equal([
            'minimarket:services.dashboard.env.DASHBOARD_CORS_ORIGINS: overrides the `corsOrigins` setting for this service and is checked like it: "ftp://a", "https://b/" are not origins like https://shop.example.com (scheme and host, no path)',
        ]);
    });

    it("says how to set a variable map given as something else, with --secret for secretEnv", () => {
        expect(env([1])).to.deep.equal([
            "minimarket:services.dashboard.env: expected an object of VARIABLE: value; set one with `scripts/stack.sh --stack staging config set --path 'services.dashboard.env.VARIABLE' <value>`",
        ]);
        expect(problems({ secretEnv: { dashboard: [1] } }, ["secretEnv"])).to.deep.equal([
            "minimarket:secretEnv.dashboard: expected an object of VARIABLE: value; set one with `scripts/stack.sh --stack staging config set --secret --path 'secretEnv.dashboard.VARIABLE'`",
        ]);
    });

    it("names the type, never the value, of a secret variable of the wrong type", () => {
        expect(problems({ secretEnv: { dashboard: { API_KEY: { v: "hunter2-secret" } } } }, ["secretEnv"])).to.deep.equal([
            "minimarket:secretEnv.dashboard.API_KEY: expected a string, number, boolean or list, got a value of type object",
        ]);
    });
});
