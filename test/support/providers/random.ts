// @pulumi/random 4.21.2.
//
// Source read: github.com/hashicorp/terraform-provider-random at commit f8d869dc98d9 (= tag v3.9.0),
// the version pulumi/pulumi-random pins in provider/go.mod at its newest snapshot (HEAD f64d8726,
// 2026-08-14, after tag v4.21.1; the tag v4.21.2 was not in the snapshot, so the pin is inferred).
//   internal/provider/resource_password.go: passwordSchemaV3() at 557; attributes below.
// Plugin Framework resource: every configurable attribute has a RequiresReplace plan modifier and
// there is no in-place Update of the value; `result` is generated once at Create.

import { ProviderSource, ResourceRule, rule } from "./types";

export const randomSource: ProviderSource = {
    pkg: "@pulumi/random@4.21.2",
    repository: "github.com/hashicorp/terraform-provider-random",
    revision: "v3.9.0 (f8d869dc98d9)",
    provenance: "pin read from pulumi/pulumi-random provider/go.mod at HEAD f64d8726 (2026-08-14); v4.21.2 tag not in the snapshot",
};

export const randomPassword: ResourceRule = {
    token: "random:index/randomPassword:RandomPassword",
    upstream: "random_password",
    file: "internal/provider/resource_password.go",
    fields: {
        keepers: rule("keepers", "replace", 570, { note: "RequiresReplaceIfValuesNotNull (576)" }),
        length: rule("length", "replace", 580),
        special: rule("special", "replace", 598, { default: true }),
        upper: rule("upper", "replace", 608, { default: true }),
        lower: rule("lower", "replace", 618, { default: true }),
        numeric: rule("numeric", "replace", 649, { default: true }),
        minNumeric: rule("min_numeric", "replace", 668, { default: 0 }),
        minUpper: rule("min_upper", "replace", 678, { default: 0 }),
        minLower: rule("min_lower", "replace", 688, { default: 0 }),
        minSpecial: rule("min_special", "replace", 698, { default: 0 }),
        overrideSpecial: rule("override_special", "replace", 708, { note: 'RequiresReplaceIf unless "" -> null (714-716)' }),
    },
    notes: ["`result` and `bcryptHash` are computed at Create only; any change above generates a new password."],
};

export const randomRules: ResourceRule[] = [randomPassword];
