import { describe, expect, it } from "vitest";
import { zoneDaysToUptimeDays } from "./intervals.ts";

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
