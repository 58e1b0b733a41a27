// The formats of `minimarket:backup` at their edges: bucket URLs by the bucket naming rules of
// Cloud Storage and S3, the endpoint and region of an S3-compatible store, the schedules.

import { expect } from "chai";
import { backupSchema } from "../../config/backupSchema";
import { formatIssues } from "../../config/parse";

function backup(value: unknown) {
    const r = backupSchema.safeParse(value);
    return r.success ? { config: r.data, problems: [] as string[] } : { config: undefined, problems: formatIssues(r.error.issues, "staging", ["backup"]) };
}

const offsite = (o: Record<string, unknown>) => backup({ offsite: o });

describe("unit: backup formats at their edges", () => {
    it("offsite.url: gs:// or s3://, a bucket of 3-63 characters starting and ending with a letter or digit, then a prefix", () => {
        // Cloud Storage "Bucket naming": 3-63 characters; lowercase letters, digits, dashes, underscores and dots;
        // starts and ends with a letter or digit. S3 "General purpose bucket naming rules" are the same without underscores.
        const max = "a" + "b".repeat(61) + "9";
        for (const [url, kind, bucket, prefix] of [
            ["gs://abc", "gcs", "abc", ""],
            ["s3://9a9", "s3", "9a9", ""],
            [`gs://${max}/x`, "gcs", max, "x"],
            ["gs://my_bucket.backups-1/Staging_2/pg.v1-a/", "gcs", "my_bucket.backups-1", "Staging_2/pg.v1-a"],
        ]) {
            const { config, problems } = offsite({ url });
            expect(problems, url).to.deep.equal([]);
            expect(config!.offsite, url).to.deep.include({ kind, bucket, prefix });
        }
        for (const url of [
            "gs://ab",
            `gs://${max}c`,
            "gs://-abc",
            "gs://abc-",
            "gs://Abc",
            "gs://a+c",
            "gs://abc/x y",
            "gs://abc/x?y",
            "gs://abc/x~",
            " gs://abc",
            "xgs://abc",
            "gs://abc ",
            "gcs://abc",
            "gs:/abc",
        ]) {
            expect(offsite({ url }).problems, url).to.deep.equal([
                `minimarket:backup.offsite.url: ${JSON.stringify(url)} is not a bucket URL such as gs://minimarket-backups/staging or s3://minimarket-backups/staging`,
            ]);
        }
    });

    it("offsite.url is required, and a url of the wrong type is one problem", () => {
        const required = [
            "minimarket:backup.offsite.url: is required: a bucket URL such as gs://minimarket-backups/staging or s3://minimarket-backups/staging",
        ];
        expect(offsite({}).problems).to.deep.equal(required);
        expect(offsite({ url: 5, region: "eu-west-1" }).problems).to.deep.equal(required);
    });

    it("offsite.endpoint: https:// and a host (and port), nothing after", () => {
        for (const endpoint of ["https://s3.example.com", "https://minio.example.com:9000/"]) {
            const { config, problems } = offsite({ url: "s3://abc", endpoint });
            expect(problems, endpoint).to.deep.equal([]);
            expect(config!.offsite!.endpoint).to.equal(endpoint);
        }
        for (const endpoint of [
            "http://s3.example.com",
            "https://s3.example.com/abc",
            "xhttps://s3.example.com",
            "https://s3.example.com//",
            "https://",
            "https://s 3",
        ]) {
            expect(offsite({ url: "s3://abc", endpoint }).problems, endpoint).to.deep.equal([
                "minimarket:backup.offsite.endpoint: is not an https:// endpoint of an S3-compatible store",
            ]);
        }
    });

    it("offsite.region: 2-32 lowercase letters, digits and dashes", () => {
        // AWS regions (us-east-1, ap-southeast-2), and `auto` as Cloudflare R2 spells it.
        for (const region of ["eu", "us-east-1", "auto", "r".repeat(32)]) {
            const { config, problems } = offsite({ url: "s3://abc", region });
            expect(problems, region).to.deep.equal([]);
            expect(config!.offsite!.region).to.equal(region);
        }
        for (const region of ["a", "r".repeat(33), "US-east-1", "us_east_1", "us-east-1!"]) {
            expect(offsite({ url: "s3://abc", region }).problems, region).to.deep.equal([
                "minimarket:backup.offsite.region: is not a region such as us-east-1",
            ]);
        }
    });

    it("hours: whole numbers from a number or its digits, listed in the message when not allowed", () => {
        expect(backup({ intervalHours: "12" }).config!.intervalHours).to.equal(12);
        expect(backup({ drillIntervalHours: "168" }).config!.drillIntervalHours).to.equal(168);
        expect(backup({ intervalHours: [6] }).problems).to.deep.equal([
            "minimarket:backup.intervalHours: [6] is not valid: hours between backups; it must divide 24; one of 1, 2, 3, 4, 6, 8, 12, 24",
        ]);
        const drill = "hours between restore drills; one of 1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168";
        expect(backup({ drillIntervalHours: "36" }).problems).to.deep.equal([`minimarket:backup.drillIntervalHours: 36 is not valid: ${drill}`]);
        expect(backup({ drillIntervalHours: "daily" }).problems).to.deep.equal([`minimarket:backup.drillIntervalHours: "daily" is not valid: ${drill}`]);
    });

    it("times: HH:MM with each key's own example; snapshots on the six 4-hour slots of the day", () => {
        expect(backup({ drillStartTime: "4:30" }).problems).to.deep.equal(['minimarket:backup.drillStartTime: "4:30" is not a UTC time as HH:MM, e.g. 04:30']);
        for (const startTime of ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]) {
            const { config, problems } = backup({ diskSnapshots: { startTime } });
            expect(problems, startTime).to.deep.equal([]);
            expect(config!.diskSnapshots.startTime).to.equal(startTime);
        }
        for (const startTime of ["02:00", "08:30", "24:00"]) expect(backup({ diskSnapshots: { startTime } }).problems, startTime).to.have.length(1);
    });
});
