// npm run config-table: rewrites the configuration table of docs/configuration.md from the config
// schema, and says whether anything changed.
import * as fs from "fs";
import * as path from "path";
import { TABLE_PAGE, withConfigTable } from "../config/table";

/** Rewrites the page when its table is out of date; returns what it did, for the message. */
export function updateConfigTable(file: string): "updated" | "unchanged" {
    const before = fs.readFileSync(file, "utf8");
    const after = withConfigTable(before);
    if (after === before) return "unchanged";
    fs.writeFileSync(file, after);
    return "updated";
}

if (require.main === module) {
    const result = updateConfigTable(path.join(__dirname, "..", TABLE_PAGE));
    console.error(
        result === "updated"
            ? `config-table: ${TABLE_PAGE} updated from config/schema.ts`
            : `config-table: ${TABLE_PAGE} already matches config/schema.ts; nothing changed`,
    );
}
