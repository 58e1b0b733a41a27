// A reader of the Alloy syntax subset the renderer writes, following Alloy's own scanner and
// parser (grafana/alloy at 66ebea8, syntax/scanner/scanner.go and syntax/parser/internal.go):
// - a newline ends a statement only after an identifier, literal, `]`, `}` or `)` (the scanner
//   inserts a TERMINATOR there, like Go); statements must be separated by one;
// - in lists and objects, elements are separated by `,` (a trailing one is allowed); a newline
//   right after an element without its comma is the error "missing ','";
// - double-quoted strings cannot span lines and are unquoted like Go's strconv.Unquote
//   (syntax/internal/transform/value.go);
// - an object key is an identifier or a string; a block name is dotted identifiers, followed by
//   an optional string label.
// Tests use it to read the rendered file back: what Alloy would see, not what we meant to write.

import { AlloyExpr, AlloyNode, AlloyValue } from "../../renderers/observability/alloy";

type Tok = { t: "ident" | "string" | "number" | "punct" | "term" | "eof"; v: string; line: number };

const PUNCT = new Set(["{", "}", "[", "]", "(", ")", "=", ",", "."]);
const ENDS_STATEMENT = new Set(["ident", "string", "number"]);

function unquote(raw: string, line: number): string {
    const body = raw.slice(1, -1);
    let out = "";
    for (let i = 0; i < body.length; i++) {
        const ch = body[i];
        if (ch !== "\\") {
            out += ch;
            continue;
        }
        const e = body[++i];
        const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
        if (e in simple) {
            out += simple[e];
            continue;
        }
        const hex = (n: number) => {
            const digits = body.slice(i + 1, i + 1 + n);
            if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new Error(`line ${line}: bad escape \\${e}${digits}`);
            i += n;
            return parseInt(digits, 16);
        };
        if (e === "x") out += String.fromCharCode(hex(2));
        else if (e === "u") out += String.fromCodePoint(hex(4));
        else if (e === "U") out += String.fromCodePoint(hex(8));
        else if (/[0-7]/.test(e) && /^[0-7]{2}$/.test(body.slice(i + 1, i + 3))) {
            out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
            i += 2;
        } else throw new Error(`line ${line}: unknown escape sequence \\${e}`);
    }
    return out;
}

function scan(text: string): Tok[] {
    const toks: Tok[] = [];
    let line = 1;
    let i = 0;
    const last = () => toks[toks.length - 1];
    const insertTerm = () => {
        const l = last();
        return l !== undefined && (ENDS_STATEMENT.has(l.t) || (l.t === "punct" && ["]", "}", ")"].includes(l.v)));
    };
    while (i < text.length) {
        const ch = text[i];
        if (ch === "\n") {
            if (insertTerm()) toks.push({ t: "term", v: "\n", line });
            line++;
            i++;
        } else if (ch === " " || ch === "\t" || ch === "\r") {
            i++;
        } else if (text.startsWith("//", i)) {
            while (i < text.length && text[i] !== "\n") i++;
        } else if (/[A-Za-z_]/.test(ch)) {
            const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
            toks.push({ t: "ident", v: m[0], line });
            i += m[0].length;
        } else if (/[0-9]/.test(ch)) {
            const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
            toks.push({ t: "number", v: m[0], line });
            i += m[0].length;
        } else if (ch === '"') {
            let j = i + 1;
            while (j < text.length && text[j] !== '"') {
                if (text[j] === "\n") throw new Error(`line ${line}: string literal not terminated`);
                j += text[j] === "\\" ? 2 : 1;
            }
            if (j >= text.length) throw new Error(`line ${line}: string literal not terminated`);
            toks.push({ t: "string", v: unquote(text.slice(i, j + 1), line), line });
            i = j + 1;
        } else if (PUNCT.has(ch)) {
            toks.push({ t: "punct", v: ch, line });
            i++;
        } else {
            throw new Error(`line ${line}: illegal character ${JSON.stringify(ch)}`);
        }
    }
    if (insertTerm()) toks.push({ t: "term", v: "\n", line });
    toks.push({ t: "eof", v: "", line });
    return toks;
}

/** Parses an Alloy file into the renderer's node shape (references become AlloyExpr). */
export function parseAlloy(text: string): AlloyNode[] {
    const toks = scan(text);
    let p = 0;
    const peek = () => toks[p];
    const fail = (what: string): never => {
        throw new Error(`line ${peek().line}: expected ${what}, got ${peek().t} ${JSON.stringify(peek().v)}`);
    };
    const isPunct = (v: string) => peek().t === "punct" && peek().v === v;
    const expectPunct = (v: string) => (isPunct(v) ? toks[p++] : fail(`"${v}"`));
    const ident = () => (peek().t === "ident" ? toks[p++].v : fail("identifier"));

    function dotted(): string[] {
        const parts = [ident()];
        while (isPunct(".")) {
            p++;
            parts.push(ident());
        }
        return parts;
    }

    function list<T>(close: string, item: () => T): T[] {
        const items: T[] = [];
        while (!isPunct(close)) {
            items.push(item());
            if (isPunct(close)) break;
            if (!isPunct(",")) fail(`"," or "${close}" (missing ',')`);
            p++;
        }
        p++;
        return items;
    }

    function value(): AlloyValue {
        const tok = peek();
        if (tok.t === "string") return toks[p++].v;
        if (tok.t === "number") return Number(toks[p++].v);
        if (tok.t === "ident" && (tok.v === "true" || tok.v === "false")) return toks[p++].v === "true";
        if (tok.t === "ident") return new AlloyExpr(dotted().join("."));
        if (isPunct("[")) {
            p++;
            return list("]", value);
        }
        if (isPunct("{")) {
            p++;
            const fields = list("}", (): [string, AlloyValue] => {
                const key = peek().t === "string" ? toks[p++].v : ident();
                expectPunct("=");
                return [key, value()];
            });
            const keys = fields.map(([k]) => k);
            if (new Set(keys).size !== keys.length) throw new Error(`duplicate object key in ${JSON.stringify(keys)}`);
            return Object.fromEntries(fields);
        }
        return fail("expression");
    }

    function body(until: "}" | "eof"): AlloyNode[] {
        const nodes: AlloyNode[] = [];
        const done = () => (until === "eof" ? peek().t === "eof" : isPunct("}"));
        while (!done()) {
            const name = dotted();
            if (isPunct("=")) {
                if (name.length !== 1) fail("a single identifier as attribute name");
                p++;
                nodes.push({ kind: "attribute", name: name[0], value: value() });
            } else {
                const label = peek().t === "string" ? toks[p++].v : undefined;
                expectPunct("{");
                const inner = body("}");
                expectPunct("}");
                nodes.push({ kind: "block", name: name.join("."), label, body: inner });
            }
            if (done()) break;
            if (peek().t !== "term") fail("a newline after the statement");
            p++;
        }
        return nodes;
    }

    const nodes = body("eof");
    return nodes;
}
