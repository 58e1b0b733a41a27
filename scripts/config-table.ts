// npm run config-table: rewrites the README's configuration table from the config schema.
import * as fs from "fs";
import * as path from "path";
import { withConfigTable } from "../config/table";

const readme = path.join(__dirname, "..", "README.md");
fs.writeFileSync(readme, withConfigTable(fs.readFileSync(readme, "utf8")));
console.error("config-table: README.md updated from config/schema.ts");
