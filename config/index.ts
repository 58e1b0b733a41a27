// Stack configuration: the schema of every `minimarket:*` key, how raw CLI values are parsed
// against it, and the committed stack files read the way the CLI reads them.
export * from "./backupSchema";
export * from "./capacity";
export * from "./capacityReport";
export * from "./cidr";
export * from "./gcpSchema";
export * from "./load";
export * from "./parse";
export * from "./rules";
export * from "./schema";
export * from "./stackConfig";
export * from "./stackFile";
