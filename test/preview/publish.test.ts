// One comment per PR, updated in place, against a local stand-in for the GitHub REST API.

import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { MARKER } from "../../scripts/preview/comment";
import { publish, worthPosting } from "../../scripts/preview/publish";

interface Call {
    method: string;
    url: string;
    body?: { body: string };
}

async function withApi(existing: { id: number; body: string }[], run: (api: string, calls: Call[]) => Promise<void>): Promise<void> {
    const calls: Call[] = [];
    const server = http.createServer((req, res) => {
        let data = "";
        req.on("data", (c) => (data += c));
        req.on("end", () => {
            calls.push({ method: req.method!, url: req.url!, body: data ? JSON.parse(data) : undefined });
            const page = Number(new URL(req.url!, "http://x").searchParams.get("page") ?? "1");
            res.setHeader("Content-Type", "application/json");
            res.end(JSON.stringify(req.method === "GET" ? existing.slice((page - 1) * 100, page * 100) : { id: 1 }));
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
        await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls);
    } finally {
        server.close();
    }
}

const opts = (api: string, hasChanges: boolean) => ({
    apiUrl: api,
    repository: "minimarket/infra",
    pullRequest: 7,
    token: "t",
    body: `${MARKER}\nnew`,
    hasChanges,
});

describe("preview comment publishing", () => {
    it("creates the comment when there is none and there are changes", async () => {
        await withApi([{ id: 3, body: "looks good" }], async (api, calls) => {
            expect(await publish(opts(api, true))).to.deep.equal({ kind: "create" });
            expect(calls.map((c) => `${c.method} ${c.url.split("?")[0]}`)).to.deep.equal([
                "GET /repos/minimarket/infra/issues/7/comments",
                "POST /repos/minimarket/infra/issues/7/comments",
            ]);
        });
    });

    it("updates the earlier comment in place, found on a later page", async () => {
        const existing = [...Array.from({ length: 100 }, (_, i) => ({ id: i + 10, body: "chat" })), { id: 555, body: `${MARKER}\nold` }];
        await withApi(existing, async (api, calls) => {
            expect(await publish(opts(api, true))).to.deep.equal({ kind: "update", id: 555 });
            const patch = calls.find((c) => c.method === "PATCH")!;
            expect(patch.url).to.equal("/repos/minimarket/infra/issues/comments/555");
            expect(patch.body!.body).to.include("new");
        });
    });

    it("posts nothing for a PR without changes, but turns an earlier comment into 'no changes'", async () => {
        await withApi([], async (api, calls) => {
            expect(await publish(opts(api, false))).to.deep.equal({ kind: "skip" });
            expect(calls.filter((c) => c.method !== "GET")).to.have.length(0);
        });
        await withApi([{ id: 9, body: `${MARKER}\nold` }], async (api) => {
            expect(await publish(opts(api, false))).to.deep.equal({ kind: "update", id: 9 });
        });
    });

    it("a failed preview or a policy finding gets a comment even without changes", () => {
        expect(worthPosting({ hasChanges: false })).to.equal(false);
        expect(worthPosting({ hasChanges: false, failed: false, violations: 0 })).to.equal(false);
        expect(worthPosting({ hasChanges: true, failed: false, violations: 0 })).to.equal(true);
        expect(worthPosting({ hasChanges: false, failed: true, violations: 0 })).to.equal(true);
        expect(worthPosting({ hasChanges: false, failed: false, violations: 2 })).to.equal(true);
    });
});
