// Lint rules, and the layering of the program as import rules (test/layers.test.ts checks the
// same layering by resolving every import; this gives the same answer in an editor). Each layer
// is a top-level folder: facts ← config, renderers ← components ← stacks (docs/architecture.md).
import tseslint from "typescript-eslint";

const CONFIG = ["**/config", "**/config/*"];
const RENDERERS = ["**/renderers/**"];
const COMPONENTS = ["**/components/**"];
const STACKS = ["**/stacks", "**/stacks/*"];
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
        files: ["facts/**/*.ts"],
        rules: { "no-restricted-imports": restrict(["../*", "@pulumi/*"], "facts import nothing of the program (and no provider)") },
    },
    {
        files: ["config/**/*.ts"],
        rules: { "no-restricted-imports": restrict([...RENDERERS, ...COMPONENTS, ...STACKS], "config reads facts only") },
    },
    {
        files: ["renderers/**/*.ts"],
        rules: { "no-restricted-imports": restrict(["@pulumi/*", ...CONFIG, ...COMPONENTS, ...STACKS], "renderers are pure: facts and other renderers only") },
    },
    {
        // The policy pack (policy/) checks the program: it reads facts, never what it checks.
        files: ["policy/**/*.ts"],
        rules: { "no-restricted-imports": restrict([...CONFIG, ...RENDERERS, ...COMPONENTS, ...STACKS, "**/scripts/**", "**/test/**"], "the policy pack imports facts/ and itself only") },
    },
    {
        files: ["components/**/*.ts"],
        rules: { "no-restricted-imports": restrict([...CONFIG, ...STACKS], "components take typed args; they never import config reading or the stacks") },
    },
);
