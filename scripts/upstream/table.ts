// The table `npm run upstream-tools` prints: one line per tool, the version the program deploys
// beside the version the tests run, read from the binaries themselves.

import { Tool } from "./catalog";
import { Located } from "./locate";

export interface ToolRow {
    tool: Tool;
    /** The first binary of the tool the tests will find, if any. */
    located?: Located;
    binaries: string[];
    /** Why binaries of the tool are missing. */
    missing: string[];
    outcome?: { note?: string; failed?: string };
}

/** Versions compare without a leading `v` (`v2.11.4` deploys what `2.11.4` tests). */
export function sameVersion(a: string, b: string): boolean {
    return a.replace(/^v/, "") === b.replace(/^v/, "");
}

function origin(row: ToolRow): string {
    const { tool, located } = row;
    if (tool.unavailable) return `not run: ${tool.unavailable}`;
    if (!located) return `MISSING: ${row.missing.join("; ")}`;
    const source = tool.fallback?.source;
    switch (located.origin) {
        case "go":
            return `go build ${tool.go!.module}@${tool.go!.version}${tool.go!.difference ? " (see docs: built without the web UI)" : ""}`;
        case "go-fallback":
            return `go build ${source?.kind === "go" ? `${source.recipe.module}@${source.recipe.version}` : "?"}: ${tool.fallback!.reason}`;
        case "debian":
            return `Debian 13 ${source?.kind === "debian" ? source.package : "?"}: ${tool.fallback!.reason}`;
    }
}

export function renderTable(rows: ToolRow[]): string {
    const lines = [["tool", "deployed", "tested", "", "from"]];
    for (const row of rows) {
        const tested = row.tool.unavailable ? "-" : (row.located?.version ?? "MISSING");
        const mark = row.located && sameVersion(row.tool.deployed, row.located.version) ? "=" : "≠";
        lines.push([row.tool.name, row.tool.deployed, tested, mark, origin(row)]);
    }
    const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
    return lines.map((l) => l.map((cell, i) => (i === l.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")).join("\n");
}
