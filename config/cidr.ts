// IPv4 CIDR arithmetic for the network settings: parse strictly, find the network address, and
// tell private ranges from public ones.

export interface Cidr {
    address: number;
    prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    return { address: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

export function networkAddress(c: Cidr): number {
    const size = 2 ** (32 - c.prefix);
    return Math.floor(c.address / size) * size;
}

export function isPrivate(address: number): boolean {
    const inRange = (base: string) => {
        const c = parseCidr(base)!;
        return networkAddress({ address, prefix: c.prefix }) === c.address;
    };
    return inRange("10.0.0.0/8") || inRange("172.16.0.0/12") || inRange("192.168.0.0/16");
}

export function ipv4ToString(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** First and last address of a range. */
export function cidrBounds(c: Cidr): [number, number] {
    const start = networkAddress(c);
    return [start, start + 2 ** (32 - c.prefix) - 1];
}

/** Whether two ranges share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    const [a0, a1] = cidrBounds(a);
    const [b0, b1] = cidrBounds(b);
    return a0 <= b1 && b0 <= a1;
}
