// Small Markdown helpers: values are shown in <code> with HTML escaped, so no value can break out
// of a table cell, start a link or close the comment's hidden marker.

export function escapeHtml(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MAX_VALUE = 200;

/** A long value elided in the middle, where versions, hosts and file names rarely are: its start and end stay. */
export function elide(s: string, max = MAX_VALUE): string {
    if (s.length <= max) return s;
    const tail = Math.floor(max / 3);
    return `${s.slice(0, max - tail)}…${s.slice(-tail)} (${s.length} chars)`;
}

/** A value in a table cell: escaped, pipes and newlines neutralised, long values elided in the middle. */
export function code(s: string): string {
    const short = elide(s);
    return `<code>${escapeHtml(short).replace(/\|/g, "&#124;").replace(/\r?\n/g, "⏎")}</code>`;
}

/** A fence longer than any backtick run inside, so a diff cannot close its own code block. */
export function fence(body: string, lang = ""): string {
    const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
    const f = "`".repeat(longest + 1);
    return `${f}${lang}\n${body}\n${f}`;
}
