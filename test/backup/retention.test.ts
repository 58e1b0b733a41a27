// Retention and schedule of the backup script, with fixed dates (no clock, no database).

import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "../support/processes";
import { BACKUP_SCRIPT, runScript } from "./pgCluster";

const DAY = 86_400_000;

/** Backup ID of a date: YYYYMMDDTHHMMSSZ. */
function idOf(d: Date): string {
    return d
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}Z$/, "Z");
}

/** ISO 8601 week (year-Www) of a UTC date, computed independently of the script's `date +%G-W%V`. */
function isoWeek(d: Date): string {
    const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    const weekday = t.getUTCDay() || 7;
    t.setUTCDate(t.getUTCDate() + 4 - weekday); // the week's Thursday decides its year
    const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
    const week = Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7);
    return `${t.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The retention rule, stated independently: newest per day for N days, newest per week for W weeks. */
function expectedKeep(ids: Date[], daily: number, weekly: number): string[] {
    const sorted = [...ids].sort((a, b) => b.getTime() - a.getTime());
    const keep = new Set<string>([idOf(sorted[0])]);
    const days = new Set<string>();
    const weeks = new Set<string>();
    for (const d of sorted) {
        const day = idOf(d).slice(0, 8);
        if (!days.has(day)) {
            days.add(day);
            if (days.size <= daily) keep.add(idOf(d));
        }
        const week = isoWeek(d);
        if (!weeks.has(week)) {
            weeks.add(week);
            if (weeks.size <= weekly) keep.add(idOf(d));
        }
    }
    return sorted.map(idOf).filter((id) => keep.has(id));
}

function keep(ids: string[], daily = 7, weekly = 4): string[] {
    const r = runScript(BACKUP_SCRIPT, ["keep"], { BACKUP_KEEP_DAILY: String(daily), BACKUP_KEEP_WEEKLY: String(weekly) }, ids.join("\n") + "\n");
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout.split("\n").filter(Boolean);
}

describe("backup retention", () => {
    it("keeps the newest backup of each of 7 days and of each of 4 ISO weeks (worked example)", () => {
        // Daily at 03:00 from Thu 2026-01-01 to Sun 2026-02-01, plus a manual one on the last day.
        const dates: Date[] = [];
        for (let t = Date.UTC(2026, 0, 1, 3); t <= Date.UTC(2026, 1, 1, 3); t += DAY) dates.push(new Date(t));
        dates.push(new Date(Date.UTC(2026, 1, 1, 14, 30)));
        const kept = keep(dates.map(idOf).reverse());
        expect(kept).to.deep.equal([
            "20260201T143000Z", // newest: day 1 of 7, and week 2026-W05
            "20260131T030000Z",
            "20260130T030000Z",
            "20260129T030000Z",
            "20260128T030000Z",
            "20260127T030000Z",
            "20260126T030000Z", // day 7 (Monday of W05)
            "20260125T030000Z", // Sunday: newest of 2026-W04
            "20260118T030000Z", // 2026-W03
            "20260111T030000Z", // 2026-W02
        ]);
    });

    it("matches the rule for 90 days of backups at several times a day, for several settings", () => {
        const dates: Date[] = [];
        for (let t = Date.UTC(2025, 10, 20, 3); t < Date.UTC(2026, 1, 18); t += DAY / 4) dates.push(new Date(t + (t % 7) * 60_000));
        const shuffled = dates.map(idOf).sort((a, b) => (a.charCodeAt(10) % 3) - (b.charCodeAt(10) % 3) || a.localeCompare(b));
        for (const [daily, weekly] of [
            [7, 4],
            [1, 0],
            [14, 8],
            [3, 12],
        ]) {
            expect(keep(shuffled, daily, weekly), `${daily} daily, ${weekly} weekly`).to.deep.equal(expectedKeep(dates, daily, weekly));
        }
    });

    it("an outage never ages out the last backups: days with a backup count, not calendar days", () => {
        const dates = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2025, 5, 1 + i, 3)));
        // However long ago they are, the newest 7 days' backups stay.
        expect(keep(dates.map(idOf), 7, 0)).to.deep.equal(dates.slice(3).reverse().map(idOf));
    });

    it("ignores names that are not backup IDs", () => {
        expect(keep(["20260101T030000Z", "../../etc/passwd", "20260101T03000Z", ""], 7, 4)).to.deep.equal(["20260101T030000Z"]);
    });

    it("prune deletes exactly the backups outside retention, interrupted runs and orphan dumps", () => {
        const dir = makeTempDir("prune");
        try {
            const dates = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 3)));
            for (const d of dates) {
                fs.writeFileSync(path.join(dir, `backup-${idOf(d)}.dump`), "x");
                fs.writeFileSync(path.join(dir, `backup-${idOf(d)}.manifest`), "format\tminimarket-backup/1\n");
            }
            fs.mkdirSync(path.join(dir, ".tmp-20260301T030000Z"));
            fs.writeFileSync(path.join(dir, "backup-20250101T030000Z.dump"), "orphan");
            fs.writeFileSync(path.join(dir, "unrelated.txt"), "left alone");
            const r = runScript(BACKUP_SCRIPT, ["prune"], { BACKUP_DIR: dir, METRICS_DIR: path.join(dir, "m") });
            expect(r.status, r.stderr).to.equal(0);
            const expected = expectedKeep(dates, 7, 4).flatMap((id) => [`backup-${id}.dump`, `backup-${id}.manifest`]);
            const left = fs.readdirSync(dir).filter((f) => !f.startsWith(".state"));
            expect(left.sort()).to.deep.equal([...expected, "unrelated.txt"].sort());
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("backup schedule", () => {
    const at = (iso: string) => String(Date.parse(iso) / 1000);
    const next = (start: string, interval: number, now: string) => {
        const r = runScript(BACKUP_SCRIPT, ["next-run", start, String(interval), at(now)], {});
        expect(r.status, r.stderr).to.equal(0);
        return new Date(Number(r.stdout.trim()) * 1000).toISOString();
    };

    it("daily at the start time: later today, or tomorrow once it has passed", () => {
        expect(next("03:00", 86400, "2026-03-10T02:59:59Z")).to.equal("2026-03-10T03:00:00.000Z");
        expect(next("03:00", 86400, "2026-03-10T03:00:00Z")).to.equal("2026-03-11T03:00:00.000Z");
        expect(next("03:00", 86400, "2026-12-31T23:00:00Z")).to.equal("2027-01-01T03:00:00.000Z");
    });

    it("every 6 hours, aligned on the start time", () => {
        expect(next("03:00", 21600, "2026-03-10T10:00:00Z")).to.equal("2026-03-10T15:00:00.000Z");
        expect(next("03:00", 21600, "2026-03-10T23:30:00Z")).to.equal("2026-03-11T03:00:00.000Z");
        expect(next("03:00", 21600, "2026-03-10T01:00:00Z")).to.equal("2026-03-10T03:00:00.000Z");
    });

    it("rejects a malformed start time or interval", () => {
        expect(runScript(BACKUP_SCRIPT, ["next-run", "3am", "86400", "0"], {}).status).to.not.equal(0);
        expect(runScript(BACKUP_SCRIPT, ["next-run", "03:00", "0", "0"], {}).status).to.not.equal(0);
    });
});
