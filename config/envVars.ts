// The variable maps `services.<svc>.env` (plain) and `secretEnv.<svc>` (secret). Plain values
// are not secret, but a variable named like a credential belongs in secretEnv; a variable the
// program sets from a setting (LOG_LEVEL from logLevel, TZ from timezone, …) is checked like that
// setting, so an override cannot slip past the checks. Secret values are never repeated.

import { z } from "zod";
import { listCommands, problem, show } from "./fields";
import { timezoneProblem } from "./timezones";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export const ENVIRONMENT = /^[a-z][a-z0-9-]{0,30}$/;
/** A browser origin: scheme and host (and port), nothing after. */
export const ORIGIN = /^https?:\/\/[^\s/]+$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The problem with a value of a list of origins (`corsOrigins` or an override), or undefined. */
export function originsProblem(origins: readonly string[]): string | undefined {
    const bad = origins.filter((o) => !ORIGIN.test(o));
    return bad.length
        ? `${bad.map(show).join(", ")} ${bad.length === 1 ? "is not an origin" : "are not origins"} like https://shop.example.com (scheme and host, no path)`
        : undefined;
}

/** A list override as the apps parse it (pydantic-settings: a JSON array), or undefined. */
export function listValue(v: unknown): string[] | undefined {
    if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? v : undefined;
    try {
        // Text that is not a JSON array (a number, `true`, a bare URL) is no list either.
        const parsed: unknown = JSON.parse(String(v));
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed;
    } catch {
        // not JSON
    }
    return undefined;
}

type Check = (v: unknown) => string | undefined;
const checkOrigins: Check = (v) => {
    const list = listValue(v);
    return list ? originsProblem(list) : `expected a list of origins, got ${show(v)}; ${listCommands(v)}`;
};

/** Variables the program sets from a setting; an override is checked the way that setting is. */
const SETTING_VARS: Record<string, { setting: string; check: Check }> = {
    LOG_LEVEL: {
        setting: "logLevel",
        check: (v) =>
            typeof v === "string" && (LOG_LEVELS as readonly string[]).includes(v.toUpperCase())
                ? undefined
                : `must be one of ${LOG_LEVELS.join(", ")}, got ${show(v)}`,
    },
    TZ: { setting: "timezone", check: (v) => (typeof v === "string" ? timezoneProblem(v) : `expected a time zone name, got ${show(v)}`) },
    ENVIRONMENT: {
        setting: "environment",
        check: (v) => (typeof v === "string" && ENVIRONMENT.test(v) ? undefined : `must be lowercase letters, digits and dashes (got ${show(v)})`),
    },
    CORS_ORIGINS: { setting: "corsOrigins", check: checkOrigins },
    DASHBOARD_CORS_ORIGINS: { setting: "corsOrigins", check: checkOrigins },
    DASHBOARD_FORCE_HTTPS: {
        setting: "dashboardForceHttps",
        check: (v) => ([true, false, "true", "false"].includes(v as string | boolean) ? undefined : `expected true or false, got ${show(v)}`),
    },
};

/** The names of the overrides that stand for a setting (prod rules read the CORS ones). */
export const corsVars = ["CORS_ORIGINS", "DASHBOARD_CORS_ORIGINS"] as const;

function render(name: string, v: unknown): string {
    // Lists reach pydantic-settings as JSON arrays; the log level as the apps' logging expects it.
    if (Array.isArray(v)) return JSON.stringify(v);
    return name === "LOG_LEVEL" ? String(v).toUpperCase() : String(v);
}

/** One variable map: names checked, values rendered as the apps parse them. */
export function envMap(kind: "plain" | "secret") {
    const secret = kind === "secret";
    return z
        .record(z.string(), z.unknown(), {
            error: secret
                ? "expected an object of VARIABLE: value; set one with `{config} set --secret --path '{key}.VARIABLE'`"
                : "expected an object of VARIABLE: value; set one with `{config} set --path '{key}.VARIABLE' <value>`",
        })
        .superRefine((vars, ctx) => {
            for (const [name, v] of Object.entries(vars)) {
                if (!ENV_NAME.test(name)) {
                    problem(ctx, [name], "is not a valid environment variable name (A-Z, 0-9, _; not starting with a digit)");
                } else if (!["string", "number", "boolean"].includes(typeof v) && !Array.isArray(v)) {
                    // A secret value is never repeated, not even when it has the wrong type.
                    problem(ctx, [name], `expected a string, number, boolean or list, got ${secret ? `a value of type ${typeof v}` : show(v)}`);
                } else if (secret && v === "") {
                    problem(ctx, [name], "is empty; set the value with `{config} set --secret --path '{key}'`, or remove it with `{rm}`");
                } else if (!secret && SETTING_VARS[name]) {
                    const { setting, check } = SETTING_VARS[name];
                    const why = check(v);
                    if (why) problem(ctx, [name], `overrides the \`${setting}\` setting for this service and is checked like it: ${why}`);
                }
            }
        })
        .transform((vars) =>
            Object.fromEntries(
                Object.entries(vars)
                    .filter(([name]) => ENV_NAME.test(name))
                    .map(([name, v]) => [name, render(name, v)]),
            ),
        );
}
