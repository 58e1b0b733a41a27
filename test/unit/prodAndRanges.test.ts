// Prod's rules on origins and image tags (config/prodRules.ts), the gcp network ranges checked
// together (gcpRanges.ts, cidr.ts), and the raw-value decoding they all start from (parse.ts).

import { expect } from "chai";
import { ConfigError, parseConfig } from "../../config";
import { cidrBounds, overlaps, parseCidr } from "../../config/cidr";
import { decodeValues, parseGcpConfig } from "../../config/parse";

const GCP = {
    project: "minimarket-prod-1",
    sshSourceRanges: ["203.0.113.7/32"],
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey deploy@ci",
    domain: "shop.example.com",
};
const DIGEST = `sha256:${"a".repeat(64)}`;
const images = (image: (name: string) => string) =>
    Object.fromEntries(["agente-deposito", "agente-negocio", "ml-service", "dashboard"].map((n) => [n, { image: image(n) }]));

function prodProblems(values: Record<string, unknown>): string[] {
    const all = { corsOrigins: ["https://shop.example.com"], services: images((n) => `r/${n}:1.0.0`), ...values };
    const strings = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    try {
        parseConfig({ values: strings, secretKeys: new Set() }, "prod");
        return [];
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
}
const cidr = (text: string) => parseCidr(text)!;
const gcpProblems = (extra: Record<string, unknown>) => parseGcpConfig({ ...GCP, ...extra }, { required: true }).problems;

describe("unit: prod rules and network ranges", () => {
    it("names every plain-HTTP origin of prod, in corsOrigins and in the apps' CORS variables", () => {
        const fix = "is plain HTTP; use https:// origins: prod serves the dashboard over HTTPS only";
        expect(prodProblems({ corsOrigins: ["http://a.example.com", "https://ok.example.com", "http://b.example.com"] })).to.deep.equal([
            `minimarket:corsOrigins: "http://a.example.com", "http://b.example.com" ${fix}`,
        ]);
        const services = images((n) => `r/${n}:1.0.0`);
        services.dashboard = { ...services.dashboard, env: { CORS_ORIGINS: ["http://a.example.com", "http://b.example.com"] } } as never;
        services["ml-service"] = { ...services["ml-service"], env: { CORS_ORIGINS: ["https://ok.example.com"] } } as never;
        expect(prodProblems({ services })).to.deep.equal([
            `minimarket:services.dashboard.env.CORS_ORIGINS: "http://a.example.com", "http://b.example.com" ${fix}`,
        ]);
    });

    it("takes a digest as pinned whatever tag it carries, and refuses major.minor tags in prod", () => {
        expect(prodProblems({ services: images((n) => `r/${n}:stable@${DIGEST}`) })).to.deep.equal([]);
        const found = prodProblems({ services: images((n) => (n === "dashboard" ? "r/dashboard:1.10" : `r/${n}:1.10.2`)) });
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^minimarket:services\.dashboard\.image: "r\/dashboard:1\.10" has the moving tag `1\.10`/);
    });

    it("counts the first and last address of a range, so ranges that only touch do not overlap", () => {
        expect(cidrBounds(cidr("10.0.0.0/24"))).to.deep.equal([cidr("10.0.0.0/32").address, cidr("10.0.0.255/32").address]);
        expect(overlaps(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).to.equal(false);
        expect(overlaps(cidr("10.0.0.255/32"), cidr("10.0.0.0/24"))).to.equal(true);
        expect(overlaps(cidr("10.0.0.0/24"), cidr("10.0.0.255/32"))).to.equal(true);
    });

    it("bounds each range's prefix with its own limits", () => {
        expect(gcpProblems({ privateServicesRange: "10.30.0.0/25" })).to.deep.equal([
            'minimarket:gcp.privateServicesRange: "10.30.0.0/25" is not an IPv4 CIDR from /16 to /24, e.g. 10.21.0.0/20',
        ]);
        expect(gcpProblems({ privateServicesRange: "10.30.0.0/24" })).to.deep.equal([]);
        expect(gcpProblems({ dockerAddressPool: "172.18.0.0/23" })).to.deep.equal([
            'minimarket:gcp.dockerAddressPool: "172.18.0.0/23" is not an IPv4 CIDR from /12 to /22 (Docker hands out /24s from it), e.g. 172.17.0.0/16',
        ]);
        expect(gcpProblems({ dockerAddressPool: "172.18.0.0/22" })).to.deep.equal([]);
    });

    it("reports an overlap at the range the operator set, not at a default", () => {
        expect(gcpProblems({ privateServicesRange: "10.20.0.0/16" })).to.deep.equal([
            "minimarket:gcp.privateServicesRange: privateServicesRange (10.20.0.0/16) overlaps networkCidr (10.20.0.0/24, the default); choose ranges that share no address, e.g. `scripts/stack.sh --stack prod config set --path gcp.privateServicesRange <cidr>`",
        ]);
    });

    it("refuses a range given as a list, even one holding a valid CIDR", () => {
        const found = gcpProblems({ networkCidr: ["10.30.0.0/24"] });
        expect(found).to.include('minimarket:gcp.networkCidr: ["10.30.0.0/24"] is not an IPv4 CIDR from /8 to /29, e.g. 10.20.0.0/24');
    });

    it("decodes only values that start as JSON structures; quoted text stays as typed", () => {
        expect(decodeValues({ a: ' ["x"]', b: '"[x]"', c: "x {y}", d: "{bad" })).to.deep.equal({ a: ["x"], b: '"[x]"', c: "x {y}", d: "{bad" });
    });

    it("reads gcp given as JSON text or as a structure, and shows a list as given", () => {
        expect(parseGcpConfig(JSON.stringify(GCP), { required: true }).gcp?.project).to.equal("minimarket-prod-1");
        expect(parseGcpConfig(GCP, { required: true }).gcp?.project).to.equal("minimarket-prod-1");
        expect(parseGcpConfig(['{"project":"p"}'], { required: true }).problems[0]).to.match(
            /^minimarket:gcp: expected an object.*got \["\{\\"project\\":\\"p\\"\}"\]/,
        );
    });

    it("never shows key material pasted into any gcp field", () => {
        const key = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjE";
        const found = parseGcpConfig({ ...GCP, domain: key }, { required: true }).problems;
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^minimarket:gcp\.domain: /);
        expect(found[0]).to.not.include("b3BlbnNzaC1rZXktdjE");
    });
});
