// IPv4 CIDR arithmetic behind the network settings (which ranges may reach SSH, which subnets
// are private).

import { expect } from "chai";
import { ipv4ToString, isPrivate, networkAddress, parseCidr } from "../../config/cidr";

const addr = (text: string) => parseCidr(`${text}/32`)!.address;

describe("unit: CIDR arithmetic", () => {
    it("parses a.b.c.d/n into a 32-bit address and a prefix", () => {
        expect(parseCidr("10.1.2.3/8")).to.deep.equal({ address: 10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 2 ** 8 + 3, prefix: 8 });
        expect(parseCidr("0.0.0.0/0")).to.deep.equal({ address: 0, prefix: 0 });
        expect(parseCidr("255.255.255.255/32")).to.deep.equal({ address: 2 ** 32 - 1, prefix: 32 });
    });

    it("rejects anything that is not exactly four octets and a prefix in range", () => {
        for (const bad of [
            "10.0.0.0",
            "10.0.0/8",
            "10.0.0.0.0/8",
            "256.0.0.0/8",
            "10.0.0.256/8",
            "10.0.0.0/33",
            "10.0.0.0/123",
            " 10.0.0.0/8",
            "10.0.0.0/8 ",
            "1000.0.0.0/8",
            "a.b.c.d/8",
            "10.0.0.0/-1",
        ]) {
            expect(parseCidr(bad), bad).to.equal(undefined);
        }
    });

    it("finds the network address of a prefix", () => {
        expect(ipv4ToString(networkAddress(parseCidr("10.1.2.3/8")!))).to.equal("10.0.0.0");
        expect(ipv4ToString(networkAddress(parseCidr("192.168.77.130/25")!))).to.equal("192.168.77.128");
        expect(ipv4ToString(networkAddress(parseCidr("203.0.113.9/32")!))).to.equal("203.0.113.9");
        expect(networkAddress(parseCidr("203.0.113.9/0")!)).to.equal(0);
    });

    it("prints an address as dotted quads", () => {
        expect(ipv4ToString(addr("1.2.3.4"))).to.equal("1.2.3.4");
        expect(ipv4ToString(addr("255.0.254.1"))).to.equal("255.0.254.1");
    });

    it("knows the RFC 1918 ranges, up to their edges", () => {
        for (const ip of ["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"])
            expect(isPrivate(addr(ip)), ip).to.be.true;
        for (const ip of ["9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "8.8.8.8", "0.0.0.0"]) {
            expect(isPrivate(addr(ip)), ip).to.be.false;
        }
    });
});
