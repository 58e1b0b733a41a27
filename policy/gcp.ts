// Google Cloud: prod's Cloud SQL keeps its data safe whatever runs the apps (the VM today, any
// other runtime later), and the firewall lets people reach the entry point and nothing else.
// Field names are the gcp provider's (@pulumi/gcp 9.37.0, terraform-provider-google
// google_sql_database_instance and google_compute_firewall).

import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { isProdStack } from "../facts/endpoints";
import { finding, FIREWALL, forType, isUnknown, known, knownItems, Props, SQL_INSTANCE, stackOf } from "./resources";

/** A policy over prod's Cloud SQL instances (environment label or stack prod). */
function prodInstance(check: (settings: Props, props: Props, args: ResourceValidationArgs, report: ReportViolation) => void) {
    return forType(SQL_INSTANCE, (props, args, report) => {
        const environment = known(() => props.settings?.userLabels?.environment);
        if (!isProdStack(environment, stackOf(args.urn))) return;
        check(props.settings ?? {}, props, args, report);
    });
}

const FLAG_FIX = "in Pulumi.prod.yaml under `minimarket:gcp` `cloudSql`";

export const cloudSqlPrivateIpOnly: ResourceValidationPolicy = {
    name: "cloudsql-private-ip-only",
    description: "Prod's Cloud SQL has a private IP only: no public address, no authorized networks",
    enforcementLevel: "mandatory",
    validateResource: prodInstance((settings, _props, args, report) => {
        const ip = settings.ipConfiguration ?? {};
        const problems: string[] = [];
        // The API turns a public IPv4 address on unless ipv4Enabled is false.
        if (known(() => ip.ipv4Enabled) !== false) problems.push("has a public IPv4 address (`ipv4Enabled` is not false)");
        if (!isUnknown(() => ip.privateNetwork) && !known(() => ip.privateNetwork)) problems.push("is on no private network (`privateNetwork`)");
        const authorized = knownItems(
            () => ip.authorizedNetworks,
            (n) => n.value as string,
        );
        if (authorized.length) problems.push(`authorizes ${authorized.join(", ")}`);
        for (const p of problems) {
            report(
                finding(
                    `\`${args.name}\` ${p}`,
                    "the database of every order and stock level would answer from the internet, protected only by passwords; the apps reach it over the VPC",
                    "set `ipConfiguration` `ipv4Enabled: false` with `privateNetwork` and no `authorizedNetworks` (components/gcp/cloudSql.ts); reach it from a laptop with the Cloud SQL Auth Proxy over IAM",
                ),
            );
        }
    }),
};

export const cloudSqlPointInTimeRecovery: ResourceValidationPolicy = {
    name: "cloudsql-point-in-time-recovery",
    description: "Prod's Cloud SQL has automated backups and point-in-time recovery",
    enforcementLevel: "mandatory",
    validateResource: prodInstance((settings, _props, args, report) => {
        const backup = settings.backupConfiguration ?? {};
        if (known(() => backup.enabled) === true && known(() => backup.pointInTimeRecoveryEnabled) === true) return;
        report(
            finding(
                `\`${args.name}\` has no point-in-time recovery`,
                "without it a bad migration or a mistaken DELETE can only be undone to the last daily backup, losing up to a day of sales",
                `set \`pointInTimeRecovery: true\` ${FLAG_FIX} (backupConfiguration enabled and pointInTimeRecoveryEnabled)`,
            ),
        );
    }),
};

export const cloudSqlHighAvailability: ResourceValidationPolicy = {
    name: "cloudsql-high-availability",
    description: "Prod's Cloud SQL is regional (a standby in a second zone)",
    // Advisory: a zonal instance halves the cost; a team may choose it knowingly, and the comment says so.
    enforcementLevel: "advisory",
    validateResource: prodInstance((settings, _props, args, report) => {
        if (known(() => settings.availabilityType) === "REGIONAL") return;
        report(
            finding(
                `\`${args.name}\` is zonal`,
                "a zone outage or the instance's own maintenance takes the shop down until it is back; a regional instance fails over in about a minute",
                `set \`highAvailability: true\` ${FLAG_FIX} (availabilityType REGIONAL)`,
            ),
        );
    }),
};

export const cloudSqlDeletionProtection: ResourceValidationPolicy = {
    name: "cloudsql-deletion-protection",
    description: "Prod's Cloud SQL cannot be deleted by Pulumi or in the console while protection is on",
    enforcementLevel: "mandatory",
    validateResource: prodInstance((settings, props, args, report) => {
        const problems: string[] = [];
        // The provider's own guard defaults to on (deletion_protection); the API's has to be asked for.
        if (known(() => props.deletionProtection) === false) problems.push("`deletionProtection` (the provider's guard) is off");
        if (known(() => settings.deletionProtectionEnabled) !== true)
            problems.push("`settings.deletionProtectionEnabled` (the API's guard, which also covers the console and gcloud) is not on");
        for (const p of problems) {
            report(
                finding(
                    `\`${args.name}\`: ${p}`,
                    "one mistaken `pulumi destroy`, a rename that replaces it, or a click in the console deletes the database with its data",
                    `set \`deletionProtection: true\` ${FLAG_FIX}; turn it off only in a pull request of its own, right before a deliberate teardown`,
                ),
            );
        }
    }),
};

/** A week of daily backups. */
export const MIN_RETAINED_BACKUPS = 7;

export const cloudSqlBackupsRetained: ResourceValidationPolicy = {
    name: "cloudsql-backups-retained",
    description: `Prod's Cloud SQL keeps at least ${MIN_RETAINED_BACKUPS} automated backups, and keeps them after the instance is deleted`,
    enforcementLevel: "mandatory",
    validateResource: prodInstance((settings, _props, args, report) => {
        const backup = settings.backupConfiguration ?? {};
        const problems: string[] = [];
        if (known(() => backup.enabled) !== true) problems.push("takes no automated backups");
        const retained = known(() => backup.backupRetentionSettings?.retainedBackups);
        // The API keeps 7 when nothing is set.
        // Stryker disable next-line ConditionalExpression: retained is a number or undefined, and undefined < 7 is false.
        if (typeof retained === "number" && retained < MIN_RETAINED_BACKUPS) problems.push(`keeps only ${retained} backups`);
        if (known(() => settings.retainBackupsOnDelete) !== true) problems.push("deletes its backups with the instance (`retainBackupsOnDelete` is not on)");
        for (const p of problems) {
            report(
                finding(
                    `\`${args.name}\` ${p}`,
                    "backups are the way back from a corruption found late or from the instance's deletion; if they go with it, so does the data",
                    `set \`backupRetentionDays\` to ${MIN_RETAINED_BACKUPS} or more ${FLAG_FIX}; components/backup/cloudSqlRetention.ts keeps backups on delete`,
                ),
            );
        }
    }),
};

/** People reach the entry proxy: HTTP (ACME challenges, the redirect) and HTTPS. */
export const PEOPLE_FIREWALL_PORTS: readonly number[] = [80, 443];
/** Deploys reach the Docker host over SSH, from the configured ranges only. */
export const OPERATOR_PORTS: readonly number[] = [22];

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The port specs of an `allows` entry beyond `allowed` ("every port" when it names none: all of them). */
function extraPorts(allow: Props, allowed: readonly number[]): string[] {
    const protocol = known(() => allow.protocol) as string | undefined;
    // ICMP has no ports: it opens no service.
    if (protocol === "icmp") return [];
    const specs = knownItems(
        () => allow.ports,
        (p) => String(p),
    );
    if (protocol === "all" || specs.length === 0) return ["every port"];
    return specs.filter((spec) => {
        const [from, to = from] = spec.split("-").map(Number);
        for (let port = from; port <= to; port++) if (!allowed.includes(port)) return true;
        return false;
    });
}

export const firewallPeoplePortsOnly: ResourceValidationPolicy = {
    name: "firewall-people-ports-only",
    description: "Firewall rules let the internet reach HTTP and HTTPS only; SSH only from named ranges; nothing else",
    enforcementLevel: "mandatory",
    validateResource: forType(FIREWALL, (props, args, report) => {
        if ((known(() => props.direction) ?? "INGRESS") !== "INGRESS") return;
        const ranges = knownItems(
            () => props.sourceRanges,
            (r) => r as string,
        );
        const tagged =
            knownItems(
                () => props.sourceTags,
                (t) => t as string,
            ).length +
            knownItems(
                () => props.sourceServiceAccounts,
                (t) => t as string,
            ).length;
        // An ingress rule with no source at all applies to every source (the API defaults to 0.0.0.0/0).
        const fromAnywhere = ranges.some((r) => ANYWHERE.includes(r)) || (ranges.length === 0 && tagged === 0);
        const allowed = fromAnywhere ? PEOPLE_FIREWALL_PORTS : [...PEOPLE_FIREWALL_PORTS, ...OPERATOR_PORTS];
        const allows = knownItems(
            () => props.allows,
            (a) => a as Props,
        );
        for (const allow of allows) {
            const extra = extraPorts(allow, allowed);
            if (extra.length === 0) continue;
            report(
                finding(
                    `\`${args.name}\` opens ${extra.join(", ")} (${known(() => allow.protocol)}) to ${fromAnywhere ? "the whole internet" : ranges.concat(tagged ? ["tagged sources"] : []).join(", ")}`,
                    "people reach the shop through the proxy on 80 and 443; SSH is for deploys from known ranges; every other port leads to a service that trusts its network (Docker's API, the exporters, PostgreSQL)",
                    fromAnywhere
                        ? "open only tcp 80 and 443 to 0.0.0.0/0; restrict anything else to `gcp.sshSourceRanges`"
                        : "open only 22 (SSH), 80 and 443; reach other services through an SSH tunnel",
                ),
            );
        }
    }),
};
