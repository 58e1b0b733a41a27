import * as fs from "fs";
import * as path from "path";
import { LABELS } from "../../../facts/endpoints";

/** Label that marks a container as a demo stand-in, visible in `docker ps --filter label=…`. */
export const STANDIN_LABEL = LABELS.standIn;

/** Source of the stand-in server, passed to `python -c` so that no image is built. */
export const standInSource: string = fs.readFileSync(path.join(__dirname, "standin.py"), "utf8");

export function standInCommand(): string[] {
    return ["python", "-u", "-c", standInSource];
}

export function standInEnv(service: string, port: number): Record<string, string> {
    return { STANDIN_SERVICE: service, STANDIN_PORT: String(port) };
}
