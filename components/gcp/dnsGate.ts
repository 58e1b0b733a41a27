// The order of a first prod deploy: Caddy asks Let's Encrypt for certificates the moment it starts,
// and failed validations back off for hours. So Caddy starts only once `gcp.dnsReady` is set, and
// then only after every public name resolves to the VM's static address.

import { shellCommand } from "../../renderers/shell";

/** Node (which runs the program anyway) resolves like the system: /etc/hosts, then DNS. */
const CHECK_JS = `
const dns = require("dns").promises;
const [ip, attempts, interval, ...hosts] = process.argv.slice(1);
(async () => {
    let wrong = [];
    for (let i = 1; i <= Number(attempts); i++) {
        wrong = [];
        for (const host of hosts) {
            const found = await dns.lookup(host, { all: true, family: 4 }).then((a) => a.map((x) => x.address), () => []);
            if (!found.includes(ip)) wrong.push(host + " -> " + (found.join(", ") || "nothing"));
        }
        if (wrong.length === 0) { console.log("DNS ready: " + hosts.join(", ") + " -> " + ip); return; }
        if (i < Number(attempts)) await new Promise((r) => setTimeout(r, Number(interval) * 1000));
    }
    console.error("not resolving to the VM (" + ip + "): " + wrong.join("; ") + ". Create the A records of the stack output dnsRecords, wait for them to propagate, and run pulumi up again.");
    process.exit(1);
})();
`;

/** A command that exits 0 once every host resolves to `ip`, or 1 naming those that do not. */
export function dnsCheckCommand(hosts: string[], ip: string, attempts = 30, intervalSeconds = 10): string {
    return shellCommand(["node", "-e", CHECK_JS, ip, String(attempts), String(intervalSeconds), ...hosts]);
}

/** What to do next, as the stack output `nextSteps`; `entryPoint` runs a command on the stack (`scripts/stack.sh --stack prod`). */
export function nextSteps(dnsReady: boolean, records: Record<string, string>, entryPoint: string): string[] {
    const lines = Object.entries(records).map(([host, ip]) => `A record ${host} -> ${ip}`);
    return dnsReady
        ? [`HTTPS is served once these resolve (checked before Caddy starts): ${lines.join("; ")}`]
        : [
              `Create these DNS records at your DNS provider: ${lines.join("; ")}`,
              `When they resolve (dig +short <name>), run \`${entryPoint} config set --path gcp.dnsReady true\` and \`${entryPoint} up\`: only then does Caddy start and ask Let's Encrypt for certificates.`,
          ];
}
