import { describe, expect, it } from "vitest";
import { dailyUptime } from "./intervals.ts";

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
