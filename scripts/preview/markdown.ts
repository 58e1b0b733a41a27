// Small Markdown helpers: values are shown in <code> with HTML escaped, so no value can break out
// of a table cell, start a link or close the comment's hidden marker.

export function escapeHtml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MAX_VALUE = 200;

/** A value in a table cell: escaped, pipes and newlines neutralised, long values shortened visibly. */
export function code(s: string): string {
    const short = s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}… (${s.length} chars)` : s;
    return `<code>${escapeHtml(short).replace(/\|/g, "&#124;").replace(/\r?\n/g, "⏎")}</code>`;
}

/** A fence longer than any backtick run inside, so a diff cannot close its own code block. */
export function fence(body: string, lang = ""): string {
    const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
    const f = "`".repeat(longest + 1);
    return `${f}${lang}\n${body}\n${f}`;
}
