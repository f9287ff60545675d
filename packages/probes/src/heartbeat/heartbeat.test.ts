import { describe, expect, it } from "vitest";
import { evaluateHeartbeat, HeartbeatConfig, heartbeatGraceSeconds } from "./heartbeat.ts";

const t0 = Date.UTC(2026, 10, 24, 12, 0, 0);

describe("heartbeat", () => {
  it("grace defaults to 30% of the interval and is bounded 0..86400", () => {
    expect(heartbeatGraceSeconds(HeartbeatConfig.parse({}), 60)).toBe(18);
    expect(heartbeatGraceSeconds(HeartbeatConfig.parse({ graceSeconds: 0 }), 60)).toBe(0);
    expect(HeartbeatConfig.safeParse({ graceSeconds: -1 }).success).toBe(false);
    expect(HeartbeatConfig.safeParse({ graceSeconds: 86_401 }).success).toBe(false);
    expect(HeartbeatConfig.safeParse({ graceSeconds: 1.5 }).success).toBe(false);
  });

  it("ok up to interval + grace after the last beat, then fails naming the silence", () => {
    const base = { lastHeartbeatAt: new Date(t0), createdAt: new Date(t0 - 3_600_000), intervalSeconds: 60 };
    expect(evaluateHeartbeat({ ...base, graceSeconds: 10, now: t0 + 70_000 })).toEqual({ ok: true, silentSeconds: 70 });
    expect(evaluateHeartbeat({ ...base, graceSeconds: 10, now: t0 + 70_001 })).toEqual({
      ok: false,
      silentSeconds: 70,
      error: "no heartbeat for 70 s",
    });
  });

  it("a monitor that never received a beat fails interval + grace after its creation", () => {
    const base = { lastHeartbeatAt: null, createdAt: new Date(t0), intervalSeconds: 10, graceSeconds: 0 };
    expect(evaluateHeartbeat({ ...base, now: t0 + 10_000 }).ok).toBe(true);
    expect(evaluateHeartbeat({ ...base, now: t0 + 12_000 })).toMatchObject({ ok: false, silentSeconds: 12 });
  });
});
