// The three private ranges of the prod host and its network, checked together: the VM's subnet,
// the range Google's managed services (Cloud SQL, Memorystore) draw from, and the pool Docker
// carves its bridge networks from on the VM. A container whose bridge overlaps the managed
// services' range routes their replies into the bridge: it cannot reach Cloud SQL.

import { z } from "zod";
import { Cidr, ipv4ToString, isPrivate, networkAddress, overlaps, parseCidr } from "./cidr";
import { problem, show } from "./fields";

export const rangeDefaults = {
    networkCidr: "10.20.0.0/24",
    /** Google asks for at least a /24; a /20 leaves room for Memorystore and a Cloud SQL clone. */
    privateServicesRange: "10.21.0.0/20",
    /** Docker's own default pools start at 172.17.0.0/16; pinned so no daemon default can drift. */
    dockerAddressPool: "172.17.0.0/16",
} as const;

/** Prefix bounds per range: [widest, narrowest]. */
const LIMITS: Record<keyof typeof rangeDefaults, [number, number, string]> = {
    networkCidr: [8, 29, "an IPv4 CIDR from /8 to /29"],
    // Service Networking allocations are /16 to /24 (Cloud SQL needs a /24 of its own).
    privateServicesRange: [16, 24, "an IPv4 CIDR from /16 to /24"],
    // Docker hands out /24 subnets from the pool: it must hold at least a few.
    dockerAddressPool: [12, 22, "an IPv4 CIDR from /12 to /22 (Docker hands out /24s from it)"],
};

/** Checks each configured range on its own, then that no two of them overlap. */
export function checkRanges(ctx: z.RefinementCtx, g: Record<string, unknown>): void {
    // Stryker disable next-line ArrayDeclaration: a non-range item has NaN bounds, which overlap nothing
    const parsed: Array<[string, Cidr]> = [];
    for (const key of Object.keys(rangeDefaults) as Array<keyof typeof rangeDefaults>) {
        const configured = g[key] !== undefined;
        const value = configured ? g[key] : rangeDefaults[key];
        const cidr = checkRange(ctx, key, value, configured);
        if (cidr) parsed.push([key, cidr]);
    }
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            const [a, ca] = parsed[i];
            const [b, cb] = parsed[j];
            if (!overlaps(ca, cb)) continue;
            const shown = (k: string, c: Cidr) => `${k} (${ipv4ToString(c.address)}/${c.prefix}${g[k] === undefined ? ", the default" : ""})`;
            problem(
                ctx,
                [g[b] !== undefined ? b : a],
                `${shown(b, cb)} overlaps ${shown(a, ca)}; choose ranges that share no address, e.g. \`{config} set --path gcp.${b} <cidr>\``,
            );
        }
    }
}

function checkRange(ctx: z.RefinementCtx, key: keyof typeof rangeDefaults, value: unknown, configured: boolean): Cidr | undefined {
    const [min, max, what] = LIMITS[key];
    const cidr = typeof value === "string" ? parseCidr(value) : undefined;
    if (!configured) return cidr;
    if (!cidr || cidr.prefix < min || cidr.prefix > max) {
        problem(ctx, [key], `${show(value)} is not ${what}, e.g. ${rangeDefaults[key]}`);
    } else if (!isPrivate(cidr.address)) {
        problem(ctx, [key], `${String(value)} is not a private (RFC 1918) range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
    } else if (cidr.address !== networkAddress(cidr)) {
        problem(ctx, [key], `${String(value)} has host bits set; the network address is ${ipv4ToString(networkAddress(cidr))}/${cidr.prefix}`);
    } else {
        return cidr;
    }
    return undefined;
}
