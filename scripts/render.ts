// npm run render -- --stack <name> --out <dir> [--project-dir <dir>]
//
// Writes every config file the stack delivers to its containers, laid out as
// <out>/<container>/<path inside the container>, rendered by the same functions the deployment
// uses. Secrets are replaced by visible placeholders; nothing here needs the Pulumi CLI.

import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig, rawConfigOf, readStackFile, scheduledBackups, SECRET_PLACEHOLDER, stackFilePath } from "../config";
import { renderStackFiles, SECRET_PLACEHOLDERS } from "../renderers/observability";

interface Options {
    stack: string;
    out: string;
    projectDir: string;
}

function parseArgs(argv: string[]): Options {
    const opts: Partial<Options> = { projectDir: path.join(__dirname, "..") };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (flag === "--stack") opts.stack = value;
        else if (flag === "--out") opts.out = value;
        else if (flag === "--project-dir") opts.projectDir = value;
        else throw new Error(`unknown argument ${flag}; usage: npm run render -- --stack <name> --out <dir>`);
        i++;
    }
    if (!opts.stack || !opts.out) throw new Error("usage: npm run render -- --stack <name> --out <dir>");
    return opts as Options;
}

export function render(opts: Options): string[] {
    const file = stackFilePath(opts.stack, opts.projectDir);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${file}; the stacks are the Pulumi.<stack>.yaml files`);
    const stackFile = readStackFile(file, {
        "minimarket:slackWebhookUrl": SECRET_PLACEHOLDERS.slackWebhookUrl,
        "minimarket:deadMansSwitchUrl": SECRET_PLACEHOLDERS.deadMansSwitchUrl,
    });
    const raw = rawConfigOf(stackFile);
    // Deploy-only credentials are not needed to render; stand in for one that is not set yet.
    if (raw.values.registryPassword === undefined) {
        raw.values.registryPassword = SECRET_PLACEHOLDER;
        raw.secretKeys.add("registryPassword");
    }
    const config = parseConfig(raw, opts.stack);
    const { files } = renderStackFiles({
        environment: config.environment,
        slackWebhookUrl: config.slackWebhookUrl,
        deadMansSwitchUrl: config.deadMansSwitchUrl,
        runbookBaseUrl: config.runbookBaseUrl,
        backups: scheduledBackups(config),
        timezone: config.timezone,
    });
    const written: string[] = [];
    for (const [key, content] of Object.entries(files).sort()) {
        const target = path.join(opts.out, key);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
        written.push(key);
    }
    return written;
}

if (require.main === module) {
    try {
        const opts = parseArgs(process.argv.slice(2));
        const written = render(opts);
        for (const f of written) console.log(path.join(opts.out, f));
        console.error(`render: ${written.length} files for stack ${opts.stack} in ${opts.out}`);
    } catch (e) {
        console.error(e instanceof ConfigError ? e.message : `render: ${(e as Error).message}`);
        process.exit(1);
    }
}
