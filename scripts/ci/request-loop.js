// A bounded request loop: GETs `url` from two workers until `stopFile` exists, `maxSeconds` have
// passed or `maxRequests` were sent, then writes counts and latencies to `outFile` as JSON.
// Usage: node scripts/ci/request-loop.js <url> <stopFile> <outFile> <maxSeconds> <maxRequests>
"use strict";
const fs = require("fs");

async function main() {
    const [url, stopFile, outFile, maxSeconds, maxRequests] = process.argv.slice(2);
    const deadline = Date.now() + Number(maxSeconds) * 1000;
    const limit = Number(maxRequests);
    const times = [];
    const errors = {};
    let sent = 0;
    let failed = 0;
    const worker = async () => {
        while (sent < limit && Date.now() < deadline && !fs.existsSync(stopFile)) {
            sent++;
            const start = Date.now();
            try {
                const r = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
                await r.arrayBuffer();
                if (r.status >= 500) {
                    failed++;
                    errors[`HTTP ${r.status}`] = (errors[`HTTP ${r.status}`] || 0) + 1;
                }
            } catch (e) {
                failed++;
                const why = String((e && e.cause && e.cause.code) || (e && e.name) || e);
                errors[why] = (errors[why] || 0) + 1;
            }
            times.push(Date.now() - start);
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    };
    await Promise.all([worker(), worker()]);
    times.sort((a, b) => a - b);
    const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : 0);
    fs.writeFileSync(outFile, JSON.stringify({ requests: sent, failed, errors, p50: at(0.5), p95: at(0.95), max: times.length ? times[times.length - 1] : 0 }));
}

main().catch((e) => {
    console.error(`request loop: ${e}`);
    process.exit(1);
});
