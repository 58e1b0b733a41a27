// Shapes of the provider facts in this directory. Each fact is read from a provider's own source
// (repository, tag and line are recorded next to it), so a test built on them fails the way a real
// `pulumi up` would, not the way the mocks (which accept anything) do.

/**
 * How the provider applies a change of one field:
 * - "replace": ForceNew / RequiresReplace / replaceOnChanges; the resource is re-created.
 * - "update": the provider's Update sends it to the API (the real object changes in place).
 * - "ignored": not ForceNew, yet Update never sends it, while Read reports the real value. The new
 *   value is only written to state; the next refresh reads the old one back and the diff returns.
 * - "state-only": a setting of the provider itself (wait, timeouts, deletion policies). Update only
 *   records it; Read never overwrites it, so the diff does not return.
 */
export type ChangeKind = "replace" | "update" | "ignored" | "state-only";

export interface FieldRule {
    /** Attribute name upstream (Terraform schema), for looking it up. */
    tf: string;
    change: ChangeKind;
    /** Line of the attribute in the resource's `file`. */
    line: number;
    /** Optional+Computed upstream: an absent input keeps whatever is in state (no diff). */
    computed?: boolean;
    /** Schema Default: an absent input means this value. */
    default?: unknown;
    /** TypeSet upstream: element order never matters. */
    set?: boolean;
    /** Nested block (MaxItems 1 objects, lists and sets of objects). */
    fields?: Record<string, FieldRule>;
    /** Kind when the input is removed and state keeps a value, if not `change` (Update sends nothing). */
    unsetIs?: ChangeKind;
    /** DiffSuppressFunc / StateFunc equivalent: values equal after this are no change. */
    normalize?: (value: unknown) => unknown;
    /** Why the kind is what it is, when the schema alone does not say (Update code, CustomizeDiff). */
    note?: string;
}

export interface ResourceRule {
    /** Pulumi type token, as the engine registers it. */
    token: string;
    /** Upstream resource name. */
    upstream: string;
    /** Source file of the schema, relative to the repository of the provider. */
    file: string;
    fields: Record<string, FieldRule>;
    /** Whether the Pulumi provider itself replaces this type delete-first. */
    deleteBeforeReplace?: boolean;
    notes?: string[];
}

export interface ProviderSource {
    /** Package and version in package.json. */
    pkg: string;
    /** Repository and revision actually read. */
    repository: string;
    revision: string;
    /** What was verified, and what could not be. */
    provenance: string;
}

/** Shortcut for the many rows of a schema table. */
export function rule(tf: string, change: ChangeKind, line: number, extra: Omit<FieldRule, "tf" | "change" | "line"> = {}): FieldRule {
    return { tf, change, line, ...extra };
}

/** Last path segment: tpgresource.CompareSelfLinkOrResourceName / CompareResourceNames. */
export function resourceName(value: unknown): unknown {
    return typeof value === "string" ? value.replace(/\/+$/, "").split("/").pop() : value;
}

/** tpgresource.CompareSelfLinkRelativePaths: `projects/...` path with or without the API prefix. */
export function relativePath(value: unknown): unknown {
    return typeof value === "string" ? value.replace(/^https:\/\/[^/]+\/[^/]+\/[^/]+\//, "").replace(/^\/+/, "") : value;
}
