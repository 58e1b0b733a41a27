// @pulumi/command: the real release line is 1.x. package.json has 4.5.0, an SDK whose
// package.json says "v4.5.0" and whose install script asks for a plugin "command v4.5.0"; its
// local.Command has no `logging` input at all. pulumi/pulumi-command has no v4.5.0 tag.
//
// Source read: github.com/pulumi/pulumi-command tag v1.2.1 (commit date 2026-03-03; the newest tag
// in the snapshot, whose HEAD 010bd8e0 of 2026-08-21 has only dependency bumps since).
//   provider/pkg/provider/common/inputs.go:10-14  triggers (replaceOnChanges), create, update, delete
//   provider/pkg/provider/local/base.go:25-32      stdin, logging, interpreter, dir, environment, ...
//   provider/pkg/provider/local/base.go:132-133    outputs stdout, stderr (always captured)
//   provider/pkg/provider/local/commandController.go:34-98  Create / Update / Delete
//   provider/pkg/provider/local/commandOutputs.go:39-115    run(): env, stdin, logging, error text
//   provider/pkg/provider/local/logging.go:9-32            Logging values
// No custom Diff: the pulumi-go-provider default diff replaces on `replaceOnChanges` fields and
// updates on any other change.

import { ProviderSource, ResourceRule, rule } from "./types";

export const commandSource: ProviderSource = {
    pkg: "@pulumi/command (package.json 4.5.0; should be 1.2.1)",
    repository: "github.com/pulumi/pulumi-command",
    revision: "v1.2.1",
    provenance: "tag v1.2.1 read; 4.5.0 has no tag in the repository",
};

const RERUN = "Update runs `update`, or `create` when `update` is unset (commandController.go:77-88)";

export const localCommand: ResourceRule = {
    token: "command:local:Command",
    upstream: "local.Command",
    file: "provider/pkg/provider/local/base.go",
    fields: {
        triggers: rule("triggers", "replace", 10, { note: 'common/inputs.go:10 provider:"replaceOnChanges"; replacement runs create (and the old delete)' }),
        create: rule("create", "update", 12, { note: `common/inputs.go:12; ${RERUN}` }),
        update: rule("update", "update", 13, { note: `common/inputs.go:13; ${RERUN}` }),
        delete: rule("delete", "update", 14, { note: "common/inputs.go:14; stored for Delete" }),
        stdin: rule("stdin", "update", 25, { note: RERUN }),
        logging: rule("logging", "update", 26, { note: RERUN }),
        interpreter: rule("interpreter", "update", 27, { note: RERUN }),
        dir: rule("dir", "update", 28, { note: RERUN }),
        environment: rule("environment", "update", 29, { note: RERUN }),
        assetPaths: rule("assetPaths", "update", 30, { note: RERUN }),
        archivePaths: rule("archivePaths", "update", 31, { note: RERUN }),
        addPreviousOutputInEnv: rule("addPreviousOutputInEnv", "update", 32, { default: true, note: RERUN }),
    },
    notes: [
        "Every input is stored in state as an output too (CommandOutputs embeds CommandInputs): environment and stdin values are in state unless secret.",
        "stdout and stderr are captured into state whatever `logging` says (commandOutputs.go:61-70); logging only chooses what is also streamed to the console.",
        "On failure the error text carries the command and the combined stdout+stderr (commandOutputs.go:112-114), printed whatever `logging` says.",
        "The previous stdout/stderr are passed to the next run as PULUMI_COMMAND_STDOUT/STDERR unless addPreviousOutputInEnv is false (commandOutputs.go:88-95).",
        "In preview nothing runs (commandController.go:47-49, 73-75).",
    ],
};

/** Logging values (logging.go:12-15) and what each streams to the engine log/console. */
export const commandLogging = {
    stdout: { streamsStdout: true, streamsStderr: false },
    stderr: { streamsStdout: false, streamsStderr: true },
    stdoutAndStderr: { streamsStdout: true, streamsStderr: true },
    none: { streamsStdout: false, streamsStderr: false },
} as const;

/** logging.go:27-32: unset logs both streams. */
export function streams(logging: keyof typeof commandLogging | undefined): { streamsStdout: boolean; streamsStderr: boolean } {
    return logging === undefined ? commandLogging.stdoutAndStderr : commandLogging[logging];
}

export const commandRules: ResourceRule[] = [localCommand];
