import YAML from "yaml";

/**
 * Serialises plain data to YAML. lineWidth 0 keeps long PromQL expressions and
 * Go templates on one line instead of folding them.
 */
export function toYaml(data: unknown): string {
    return YAML.stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}
