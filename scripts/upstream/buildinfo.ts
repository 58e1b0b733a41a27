// Reads the build information the Go linker stores in every binary (what `go version -m` prints),
// so a test can see which module versions a binary was built from without needing Go itself.
// Format: Go's src/debug/buildinfo/buildinfo.go (Go 1.18 and later: strings inline after a
// 32-byte header that starts with "\xff Go buildinf:" on a 16-byte boundary).

import * as fs from "fs";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Header flag: the version and module strings follow the header (Go 1.18+). */
const FLAGS_VERSION_INLINE = 0x2;

export interface GoBuildInfo {
    /** The Go release that built it, e.g. `go1.26.8`. */
    goVersion: string;
    /** The main package's import path. */
    path: string;
    /** Module path → version, for the main module (`mod`) and every dependency (`dep`), replacements applied. */
    modules: Record<string, string>;
    /** `build` settings: `-tags`, `CGO_ENABLED`, `-ldflags`, ... */
    settings: Record<string, string>;
}

function uvarint(buf: Buffer, at: number): [value: number, next: number] {
    let value = 0;
    let shift = 0;
    for (let i = at; i < buf.length && i < at + 10; i++) {
        const byte = buf[i];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return [value, i + 1];
        shift += 7;
    }
    throw new Error("bad varint");
}

function inlineBytes(buf: Buffer, at: number): [bytes: Buffer, next: number] {
    const [length, start] = uvarint(buf, at);
    if (start + length > buf.length) throw new Error("string past the end");
    return [buf.subarray(start, start + length), start + length];
}

/** Parses the text `go version -m` shows (the module info string, framing removed). */
export function parseModuleInfo(goVersion: string, text: string): GoBuildInfo {
    const info: GoBuildInfo = { goVersion, path: "", modules: {}, settings: {} };
    let last: string | undefined;
    for (const line of text.split("\n")) {
        const [kind, ...fields] = line.split("\t");
        if (kind === "path") info.path = fields[0];
        else if (kind === "mod" || kind === "dep") {
            info.modules[fields[0]] = fields[1];
            last = fields[0];
        } else if (kind === "=>" && last) info.modules[last] = fields[1];
        else if (kind === "build") {
            const eq = fields[0].indexOf("=");
            info.settings[fields[0].slice(0, eq)] = fields[0].slice(eq + 1);
        }
    }
    return info;
}

/** The build info of a Go binary, or undefined when the file is not one (or predates Go 1.18). */
export function readGoBuildInfo(file: string): GoBuildInfo | undefined {
    const buf = fs.readFileSync(file);
    for (let at = buf.indexOf(MAGIC); at >= 0; at = buf.indexOf(MAGIC, at + 1)) {
        // The linker aligns the blob; a copy of the magic elsewhere (debug/buildinfo's own) is not.
        if (at % ALIGN !== 0 || !(buf[at + 15] & FLAGS_VERSION_INLINE)) continue;
        try {
            const [version, next] = inlineBytes(buf, at + HEADER_SIZE);
            let [mod] = inlineBytes(buf, next);
            const goVersion = version.toString("utf8");
            if (!goVersion.startsWith("go")) continue;
            // Sentinels of 16 bytes frame the module info.
            if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) mod = mod.subarray(16, mod.length - 16);
            return parseModuleInfo(goVersion, mod.toString("utf8"));
        } catch {
            continue;
        }
    }
    return undefined;
}
