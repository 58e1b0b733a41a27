// Builds the committed fixtures in test/preview/fixtures/ (run: npx ts-node --transpile-only
// test/preview/fixtures.ts). Shapes: `pulumi preview --json` (PreviewDigest), `pulumi stack export
// --show-secrets` (UntypedDeployment) and `pulumi preview --save-plan --show-secrets`
// (DeploymentPlanV1); see scripts/preview/previewJson.ts and secretValues.ts for the sources.
// Secret values are CANARY strings: test/preview/leak.test.ts checks none reaches any output.

import * as fs from "fs";
import * as path from "path";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_STRING } from "../../scripts/preview/secretValues";

export const FIXTURES = path.join(__dirname, "fixtures");
export const TEST_KEY = "test-only-fingerprint-key-0123456789abcdef";

/** Every secret value used by a fixture; none may appear in a comment. */
export const CANARIES = {
    apiKeyOld: "CANARY-dashboard-api-key-old-41c7",
    apiKeyNew: "CANARY-dashboard-api-key-new-9e02",
    uiKey: "CANARY-dashboard-ui-key-55aa",
    jwt: "CANARY-jwt-secret-dashboard-0b1d",
    pgApp: "CANARY-pg-app-pass-77f3",
    pgAdmin: "CANARY-pg-admin-pass-c1a9",
    redis: "CANARY-redis-pass-d4e8",
    weak: "CANARY-1234",
};

const P = "urn:pulumi";
export function urn(stack: string, types: string[], name: string): string {
    return `${P}:${stack}::minimarket::${types.join("$")}::${name}`;
}
const CONTAINER = "docker:index/container:Container";
const APP = ["minimarket:apps:AppTier", "minimarket:apps:AppService"];
const PG = ["minimarket:data:PostgresContainer"];
const OBS = ["minimarket:observability:ObservabilityStack", "minimarket:observability:Prometheus"];

function secret(value: unknown): Record<string, string> {
    return { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) };
}

function dashboardEnv(apiKey: string, logLevel = "INFO"): string[] {
    const env: Record<string, string> = {
        CORS_ORIGINS: '["http://localhost:8080"]',
        DASHBOARD_API_KEY: apiKey,
        DASHBOARD_UI_API_KEY: CANARIES.uiKey,
        DATABASE_URL: `postgresql://minimarket_app:${CANARIES.pgApp}@postgres:5432/inventario_retail`,
        ENVIRONMENT: "staging",
        JWT_SECRET_DASHBOARD: CANARIES.jwt,
        JWT_SECRET_KEY: CANARIES.jwt,
        LOG_LEVEL: logLevel,
        REDIS_URL: `redis://:${CANARIES.redis}@redis:6379/0`,
        TZ: "America/Argentina/Buenos_Aires",
    };
    return Object.keys(env)
        .sort()
        .map((k) => `${k}=${env[k]}`);
}

const pgEnv = [`POSTGRES_DB=inventario_retail`, `POSTGRES_PASSWORD=${CANARIES.pgAdmin}`, "POSTGRES_USER=postgres"];

interface StepSpec {
    op: string;
    urn: string;
    type: string;
    inputs?: Record<string, unknown>;
    newInputs?: Record<string, unknown>;
    /** What the provider computed (oldState only: a step's newState holds the planned inputs). */
    outputs?: Record<string, unknown>;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
    protect?: boolean;
}

/** A step as the engine prints it: secrets masked, both states present where the op has them. */
function step(s: StepSpec): Record<string, unknown> {
    const mask = (inputs?: Record<string, unknown>) => inputs && Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, k === "envs" ? "[secret]" : v]));
    const state = (inputs?: Record<string, unknown>) => ({ urn: s.urn, custom: true, type: s.type, inputs: mask(inputs), protect: s.protect });
    return {
        op: s.op,
        urn: s.urn,
        provider: `${P}:staging::minimarket::pulumi:providers:docker::host-docker::3f1c0a52-0b0e-4b3e-9d7e-1a2b3c4d5e6f`,
        oldState: s.op === "create" ? undefined : { ...state(s.inputs), id: "c0ffee", outputs: mask({ ...s.inputs, ...s.outputs }) },
        newState: s.op === "delete" ? undefined : state(s.newInputs ?? s.inputs),
        diffReasons: s.diffReasons,
        replaceReasons: s.replaceReasons,
        detailedDiff: s.detailedDiff ?? null,
    };
}

/** The digest of a preview of `stack`: the stack's own step first, as the engine writes it. */
function digest(steps: Record<string, unknown>[], same: number, stack = "staging"): Record<string, unknown> {
    const summary: Record<string, number> = { same: same + 1 };
    for (const s of steps) summary[s.op as string] = (summary[s.op as string] ?? 0) + 1;
    const root = { op: "same", urn: urn(stack, ["pulumi:pulumi:Stack"], `minimarket-${stack}`), oldState: { type: "pulumi:pulumi:Stack" }, detailedDiff: null };
    return {
        config: { "minimarket:environment": stack, "minimarket:platform": "docker" },
        steps: [root, ...steps],
        duration: 4213000000,
        changeSummary: summary,
    };
}

function stateExport(resources: { urn: string; type: string; inputs: Record<string, unknown> }[]): unknown {
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-11-20T10:00:00Z", magic: "", version: "v3.248.0" },
            resources: resources.map((r) => ({ ...r, custom: true, id: "c0ffee" })),
        },
    };
}

function plan(updates: Record<string, Record<string, unknown>>): unknown {
    const resourcePlans = Object.fromEntries(
        Object.entries(updates).map(([u, inputs]) => [
            u,
            {
                goal: { type: CONTAINER, name: u.split("::").pop(), custom: true, inputDiff: { updates: inputs }, protect: false },
                steps: ["update"],
                state: {},
            },
        ]),
    );
    return { manifest: { time: "2026-11-20T10:01:00Z", magic: "", version: "v3.248.0" }, resourcePlans };
}

function write(caseName: string, file: string, data: unknown, root = FIXTURES): void {
    const target = path.join(root, caseName, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof data === "string" ? data : JSON.stringify(data, null, 4) + "\n");
}

const dashboard = urn("staging", [...APP, CONTAINER], "dashboard");

export function generate(alertsYml: string): void {
    // 1. One secret rotated (`pulumi config set --secret dashboardApiKey ...`) and LOG_LEVEL changed.
    // `envs` is ForceNew in terraform-provider-docker v4.5.0: a changed variable replaces the container.
    const envDiff = { "envs[1]": { kind: "update-replace", inputDiff: true }, "envs[6]": { kind: "update-replace", inputDiff: true } };
    write(
        "secret-rotation",
        "staging.preview.json",
        digest(
            [
                step({
                    op: "replace",
                    urn: dashboard,
                    type: CONTAINER,
                    inputs: { envs: "x", image: "sha256:5be1" },
                    diffReasons: ["envs"],
                    replaceReasons: ["envs"],
                    detailedDiff: envDiff,
                }),
            ],
            41,
        ),
    );
    write(
        "secret-rotation",
        "staging.state.json",
        stateExport([{ urn: dashboard, type: CONTAINER, inputs: { envs: secret(dashboardEnv(CANARIES.apiKeyOld)), image: "sha256:5be1" } }]),
    );
    write("secret-rotation", "staging.plan.json", plan({ [dashboard]: { envs: secret(dashboardEnv(CANARIES.apiKeyNew, "DEBUG")) } }));

    // 2. One image bump: a new RemoteImage, the container replaced (image forces it), release step re-run.
    // The new image is pulled by this deploy, so the preview cannot know its ID yet.
    const deposito = urn("staging", [...APP, CONTAINER], "agente-deposito");
    const oldImage = urn(
        "staging",
        ["minimarket:platform:DockerPlatform", "docker:index/remoteImage:RemoteImage"],
        "image-registry-example-com-minimarket-agente-deposito-1-4-2",
    );
    const newImage = urn(
        "staging",
        ["minimarket:platform:DockerPlatform", "docker:index/remoteImage:RemoteImage"],
        "image-registry-example-com-minimarket-agente-deposito-1-5-0",
    );
    const migrate = urn("staging", [...APP, "command:local:Command"], "agente-deposito-migrate");
    const oldId = `sha256:${"aa11".repeat(16)}`;
    write(
        "image-bump",
        "staging.preview.json",
        digest(
            [
                step({
                    op: "create",
                    urn: newImage,
                    type: "docker:index/remoteImage:RemoteImage",
                    inputs: { name: "registry.example.com/minimarket/agente-deposito:1.5.0", keepLocally: true },
                }),
                step({
                    op: "replace",
                    urn: migrate,
                    type: "command:local:Command",
                    inputs: { triggers: ["agente-deposito-c0ffee"] },
                    newInputs: { triggers: [UNKNOWN_STRING] },
                    replaceReasons: ["triggers"],
                    detailedDiff: { "triggers[0]": { kind: "update-replace", inputDiff: true } },
                }),
                step({ op: "delete-replaced", urn: deposito, type: CONTAINER, inputs: { image: oldId, memory: 512 } }),
                step({
                    op: "replace",
                    urn: deposito,
                    type: CONTAINER,
                    inputs: { image: oldId, memory: 512 },
                    newInputs: { image: UNKNOWN_STRING, memory: 768 },
                    replaceReasons: ["image"],
                    diffReasons: ["image", "memory"],
                    detailedDiff: { image: { kind: "update-replace", inputDiff: true }, memory: { kind: "update", inputDiff: true } },
                }),
                step({
                    op: "create-replacement",
                    urn: deposito,
                    type: CONTAINER,
                    inputs: { image: oldId, memory: 512 },
                    newInputs: { image: UNKNOWN_STRING, memory: 768 },
                    replaceReasons: ["image"],
                }),
                step({
                    op: "delete",
                    urn: oldImage,
                    type: "docker:index/remoteImage:RemoteImage",
                    inputs: { name: "registry.example.com/minimarket/agente-deposito:1.4.2" },
                    outputs: { imageId: oldId, repoDigest: `registry.example.com/minimarket/agente-deposito@sha256:${"c3".repeat(32)}` },
                }),
            ],
            38,
        ),
    );
    write(
        "image-bump",
        "staging.events.jsonl",
        events([{ policyLoadEvent: {} }, { policyAnalyzeStackSummaryEvent: { policyPackName: "minimarket", passed: ["credentials-only-in-secret-places"] } }]),
    );

    // 3. An alert threshold change: Prometheus gets new rule files (uploads); the render shows the line.
    const prometheus = urn("staging", [...OBS, CONTAINER], "prometheus");
    write(
        "alert-threshold",
        "staging.preview.json",
        digest(
            [
                // `upload` is ForceNew too: a changed file replaces the container.
                step({
                    op: "replace",
                    urn: prometheus,
                    type: CONTAINER,
                    inputs: { uploads: "[secret]" },
                    diffReasons: ["uploads"],
                    replaceReasons: ["uploads"],
                    detailedDiff: { "uploads[1].content": { kind: "update-replace", inputDiff: true } },
                }),
            ],
            41,
        ),
    );
    write("alert-threshold", "base/prometheus/etc/prometheus/rules/alerts.yml", alertsYml);
    write(
        "alert-threshold",
        "head/prometheus/etc/prometheus/rules/alerts.yml",
        alertsYml
            .replace("service:http_errors:ratio_rate5m > 0.05", "service:http_errors:ratio_rate5m > 0.03")
            .replace("More than 5% of the requests", "More than 3% of the requests"),
    );

    // 4. PostgreSQL's volume replaced (renamed): flagged; the container follows.
    const volume = urn("staging", [...PG, "docker:index/volume:Volume"], "postgres-data");
    const pg = urn("staging", [...PG, CONTAINER], "postgres");
    write(
        "postgres-volume",
        "staging.preview.json",
        digest(
            [
                step({ op: "delete-replaced", urn: pg, type: CONTAINER, inputs: { envs: "x" } }),
                step({
                    op: "replace",
                    urn: volume,
                    type: "docker:index/volume:Volume",
                    inputs: { name: "minimarket-staging-pgdata" },
                    newInputs: { name: "minimarket-staging-pgdata2" },
                    replaceReasons: ["name"],
                    detailedDiff: { name: { kind: "update-replace", inputDiff: true } },
                }),
                step({
                    op: "replace",
                    urn: pg,
                    type: CONTAINER,
                    inputs: { envs: "x" },
                    replaceReasons: ["volumes"],
                    detailedDiff: { "volumes[0].volumeName": { kind: "update-replace", inputDiff: true } },
                }),
                step({ op: "create-replacement", urn: pg, type: CONTAINER, inputs: { envs: "x" }, replaceReasons: ["volumes"] }),
            ],
            39,
        ),
    );
    write("postgres-volume", "staging.state.json", stateExport([{ urn: pg, type: CONTAINER, inputs: { envs: secret(pgEnv) } }]));
    write("postgres-volume", "staging.plan.json", plan({}));

    // 5. No change.
    write("no-change", "staging.preview.json", digest([{ op: "same", urn: dashboard }], 42));

    // 6. Policy findings: PostgreSQL's port published (two mandatory violations from the pack, so the
    // preview itself would fail), an unpinned image (advisory), and a debug container whose
    // environment is not marked secret (the preview shows it in plain text).
    const debug = urn("staging", [CONTAINER], "debug-shell");
    write(
        "policy-violation",
        "staging.preview.json",
        digest(
            [
                step({
                    op: "update",
                    urn: pg,
                    type: CONTAINER,
                    inputs: { ports: [] },
                    newInputs: { ports: [{ internal: 5432, external: 5432 }] },
                    diffReasons: ["ports"],
                    detailedDiff: { "ports[0]": { kind: "add", inputDiff: true } },
                }),
                {
                    ...step({ op: "create", urn: debug, type: CONTAINER, inputs: { image: "postgres:latest" } }),
                    newState: {
                        urn: debug,
                        custom: true,
                        type: CONTAINER,
                        inputs: { image: "postgres:latest", envs: [`PGPASSWORD=${CANARIES.pgAdmin}`, "PGHOST=postgres"] },
                    },
                },
            ],
            40,
        ),
    );
    write(
        "policy-violation",
        "staging.events.jsonl",
        events([
            { policyLoadEvent: {} },
            violation(
                pg,
                "data-services-publish-no-host-port",
                "mandatory",
                "PostgreSQL, Redis and the exporters publish no host port, not even on 127.0.0.1",
                "`postgres` publishes 0.0.0.0:5432->5432/tcp on the Docker host. Why: whoever reaches the host can then try passwords. Fix: remove the port mapping (`ports`).",
            ),
            violation(
                pg,
                "only-people-ports-published",
                "mandatory",
                "Only the entry proxy publishes ports",
                "`postgres` publishes 0.0.0.0:5432->5432/tcp on every address of the host. Why: only the entry proxy faces people. Fix: serve it through the proxy.",
            ),
            violation(
                debug,
                "images-pinned-outside-prod",
                "advisory",
                "Images on stacks other than prod are pinned too",
                "`debug-shell` runs `postgres:latest`, which is not pinned (`latest` or no tag). Why: two deploys can run different code. Fix: name an exact version tag.",
            ),
        ]),
    );

    // 7. A failed preview of prod: the log repeats secrets the state export holds, and ones it does not.
    write(
        "failed-preview",
        "prod.state.json",
        stateExport([{ urn: urn("prod", [...PG, CONTAINER], "postgres"), type: CONTAINER, inputs: { envs: secret(pgEnv) } }]),
    );
    write(
        "failed-preview",
        // What `pulumi preview` printed on stderr (not *.log: .gitignore leaves those out).
        "prod.stderr.txt",
        [
            "Previewing update (prod):",
            "  pulumi:pulumi:Stack minimarket-prod running",
            "\u001b[31merror:\u001b[0m docker:index/container:Container resource 'postgres': POSTGRES_PASSWORD=" + CANARIES.pgAdmin + " was refused",
            `    error: Get "https://registry.example.com/v2/": dial tcp: DATABASE_URL=postgresql://minimarket_app:${CANARIES.pgApp}@postgres:5432/inventario_retail`,
            `    {"auths": {"registry.example.com": {"password": "${CANARIES.redis}"}}}`,
            "    -----BEGIN OPENSSH PRIVATE KEY-----",
            `    ${CANARIES.weak}-key-material`,
            "    -----END OPENSSH PRIVATE KEY-----",
            "error: preview failed",
            "",
        ].join("\n"),
    );
}

/** An engine event log: one apitype.EngineEvent per line. */
function events(list: Record<string, unknown>[]): string {
    return list.map((e, i) => JSON.stringify({ sequence: i, timestamp: 1763600000 + i, ...e })).join("\n") + "\n";
}

/** A policyEvent as pkg/engine/events.go policyViolationEvent writes it (colour tags included). */
function violation(resourceUrn: string, policyName: string, enforcementLevel: string, description: string, finding: string): Record<string, unknown> {
    return {
        policyEvent: {
            resourceUrn,
            message: `<{%reset%}>${description}\n${finding}<{%reset%}>\n`,
            color: "raw",
            policyName,
            policyPackName: "minimarket",
            policyPackVersion: "1.0.0",
            policyPackVersionTag: "1.0.0",
            enforcementLevel,
        },
    };
}

/** Too big to commit (over 1 MB): built into `root` by the golden test instead. */
export function generateLarge(root: string): void {
    // 6. Large: many containers updated on prod, every dashboard file rewritten.
    const many = Array.from({ length: 400 }, (_, i) =>
        step({
            op: "update",
            urn: urn("prod", [...OBS, CONTAINER], `exporter-${String(i).padStart(3, "0")}`),
            type: CONTAINER,
            inputs: { memory: 128 },
            newInputs: { memory: 256 },
            diffReasons: ["memory"],
            detailedDiff: { memory: { kind: "update", inputDiff: true } },
        }),
    );
    write("large", "prod.preview.json", digest(many, 12, "prod"), root);
    for (let i = 0; i < 12; i++) {
        const lines = (tag: string) =>
            Array.from({ length: 400 }, (_, j) => `    "panel_${j}": { "title": "${tag} panel ${j} of dashboard ${i}" },`).join("\n") + "\n";
        write("large", `base/grafana/etc/grafana/dashboards/d${i}.json`, lines("old"), root);
        write("large", `head/grafana/etc/grafana/dashboards/d${i}.json`, lines("new"), root);
    }
}

if (require.main === module) {
    const alerts = fs.readFileSync(process.argv[2], "utf8");
    generate(alerts);
}
