// Lint rules, and the layering of the program as import rules (test/layers.test.ts checks the
// same layering by resolving every import; this gives the same answer in an editor).
import tseslint from "typescript-eslint";

const WIRING = ["**/config", "**/config/*", "**/platforms/*", "**/workloads", "**/deploy", "**/outputs"];
const COMPONENTS = ["**/apps/*", "**/data/*", "**/docker/*", "**/gcp/*", "**/proxy/caddy", "**/observability/containers/*", "**/secrets/*"];
const restrict = (group, message) => ["error", { patterns: [{ group, message }] }];

export default tseslint.config(
    { ignores: ["node_modules/**", "rendered/**", "bin/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
            eqeqeq: ["error", "always"],
        },
    },
    {
        // chai's property assertions (`.to.be.empty`) are expressions by design.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off" },
    },
    {
        files: ["src/facts/**/*.ts"],
        rules: { "no-restricted-imports": restrict(["../*", "@pulumi/*"], "facts import nothing of the program (and no provider)") },
    },
    {
        files: ["src/config/**/*.ts"],
        rules: { "no-restricted-imports": restrict([...COMPONENTS, ...WIRING.filter((p) => !p.includes("config"))], "config reads facts only") },
    },
    {
        files: ["src/observability/render/**/*.ts", "src/rollout/**/*.ts", "src/proxy/caddyfile.ts", "src/data/roleSql.ts", "src/data/backupRoleSql.ts", "src/data/redisServer.ts"],
        rules: { "no-restricted-imports": restrict(["@pulumi/*", ...COMPONENTS, ...WIRING], "renderers are pure: facts and other renderers only") },
    },
    {
        files: ["src/apps/**/*.ts", "src/data/**/*.ts", "src/docker/**/*.ts", "src/gcp/**/*.ts", "src/proxy/**/*.ts", "src/observability/containers/**/*.ts", "src/secrets/**/*.ts"],
        ignores: ["src/data/roleSql.ts", "src/data/redisServer.ts", "src/proxy/caddyfile.ts"],
        rules: { "no-restricted-imports": restrict(WIRING, "components take typed args; they never import config reading or the stack wiring") },
    },
);
