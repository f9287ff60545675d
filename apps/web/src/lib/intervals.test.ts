import { describe, expect, it } from "vitest";
import { dailyUptime, zoneDaysToUptimeDays } from "./intervals.ts";

describe("dailyUptime", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it("splits intervals into days of the tenant's zone and ignores unknown time", () => {
    const days = dailyUptime(
      [
        { state: "UNKNOWN", startedAt: "2026-11-22T00:00:00Z", endedAt: "2026-11-23T00:00:00Z" },
        { state: "UP", startedAt: "2026-11-23T00:00:00Z", endedAt: "2026-11-24T06:00:00Z" },
        { state: "DOWN", startedAt: "2026-11-24T06:00:00Z", endedAt: "2026-11-24T09:00:00Z" },
        { state: "UP", startedAt: "2026-11-24T09:00:00Z", endedAt: null },
      ],
      "UTC",
      3,
      now,
    );
    expect(days.map((d) => d.label)).toEqual(["22 Nov", "23 Nov", "24 Nov"]);
    expect(days[0]!.uptime).toBeNull();
    expect(days[1]!.uptime).toBe(1);
    expect(days[2]!.uptime).toBeCloseTo(9 / 12, 10);
    expect(days[2]!.downtimeSeconds).toBe(3 * 3600);
  });
  it("uses the zone's midnight, not UTC's", () => {
    const days = dailyUptime([{ state: "UP", startedAt: "2026-11-23T20:00:00Z", endedAt: null }], "Asia/Tokyo", 2, now);
    // 20:00 UTC on the 23rd is 05:00 on the 24th in Tokyo: the 23rd (Tokyo) has no data.
    expect(days.map((d) => [d.label, d.uptime])).toEqual([
      ["23 Nov", null],
      ["24 Nov", 1],
    ]);
  });
});

describe("zoneDaysToUptimeDays", () => {
  const base = { upSeconds: 0, degradedSeconds: 0, downSeconds: 0, unknownSeconds: 0, maintenanceSeconds: 0 };
  it("labels the zone date as is; no data is never up; mostly maintenance is flagged", () => {
    const out = zoneDaysToUptimeDays([
      { ...base, date: "2026-11-24", uptimePct: null },
      { ...base, date: "2026-11-25", upSeconds: 86_000, downSeconds: 400, uptimePct: (100 * 86_000) / 86_400 },
      { ...base, date: "2026-11-26", upSeconds: 100, maintenanceSeconds: 86_300, uptimePct: 100 },
    ]);
    expect(out[0]).toMatchObject({ label: "24 Nov 2026", uptime: null, maintenance: false });
    expect(out[1]).toMatchObject({ label: "25 Nov 2026", downtimeSeconds: 400, maintenance: false });
    expect(out[1]?.uptime).toBeCloseTo(86_000 / 86_400, 12);
    expect(out[2]).toMatchObject({ maintenance: true });
  });
});
