import { describe, expect, it } from "vitest";
import { FleetStats, p95 } from "./fleet-heartbeat.ts";

describe("fleet stats", () => {
  it("p95 by nearest rank", () => {
    expect(p95([])).toBeNull();
    expect(p95([5])).toBe(5);
    expect(p95(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(95);
  });

  it("lag = checked − latency − slot; rate over the last minute", () => {
    const s = new FleetStats();
    const now = 1_000_000;
    for (let i = 0; i < 120; i++) {
      s.record(
        { scheduledAt: new Date(now - 1000), checkedAt: new Date(now), latencyMs: 900, region: "eu" },
        now - (119 - i) * 1000,
      );
    }
    const snap = s.snapshot(now);
    expect(snap.lagP95Ms).toBe(100);
    expect(snap.probesPerSecond).toBe(1.02); // 61 samples in [now − 60 s, now]
    expect(s.total).toBe(120);
    expect(s.region).toBe("eu");
  });
});
