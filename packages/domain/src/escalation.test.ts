import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BusinessCalendar } from "./business-hours.ts";
import { type EscalationPolicy, planEscalation } from "./escalation.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 14); // Monday 09:00 in New York
const ny: BusinessCalendar = {
  timeZone: "America/New_York",
  weekly: [[], ...Array.from({ length: 5 }, () => [{ start: "09:00", end: "17:00" }]), []],
};

const policy: EscalationPolicy = {
  steps: [
    { delayMinutes: 0, targets: [{ type: "schedule", id: "primary" }] },
    {
      delayMinutes: 15,
      targets: [
        { type: "user", id: "lead" },
        { type: "channel", id: "slack" },
      ],
    },
  ],
  repeat: 1,
};

describe("planEscalation", () => {
  it("fires steps after their delays and repeats the policy", () => {
    const r = planEscalation(policy, { triggeredAt: T0, now: T0 + 60 * MIN });
    expect(r.due.map((n) => [n.dedupKey, (n.at.getTime() - T0) / MIN])).toEqual([
      ["0:0:0", 0],
      ["1:0:0", 15],
      ["1:0:1", 15],
      ["0:1:0", 15],
      ["1:1:0", 30],
      ["1:1:1", 30],
    ]);
    expect(r.finished).toBe(true);
    expect(r.nextWakeUp).toBeNull();
  });

  it("reports the next wake-up and stops at acknowledgement", () => {
    const early = planEscalation(policy, { triggeredAt: T0, now: T0 + 5 * MIN });
    expect(early.due.map((n) => n.dedupKey)).toEqual(["0:0:0"]);
    expect(early.nextWakeUp?.getTime()).toBe(T0 + 15 * MIN);
    const acked = planEscalation(policy, { triggeredAt: T0, acknowledgedAt: T0 + 10 * MIN, now: T0 + 60 * MIN });
    expect(acked.due.map((n) => n.dedupKey)).toEqual(["0:0:0"]);
    expect(acked.finished).toBe(true);
    const resolved = planEscalation(policy, { triggeredAt: T0, resolvedAt: T0, now: T0 + 60 * MIN });
    expect(resolved.due).toEqual([]);
  });

  it("skips steps whose business-hours condition does not hold, keeping later steps' times", () => {
    const p: EscalationPolicy = {
      steps: [
        { delayMinutes: 0, targets: [{ type: "user", id: "day" }], condition: { calendar: ny, when: "inside" } },
        { delayMinutes: 0, targets: [{ type: "user", id: "night" }], condition: { calendar: ny, when: "outside" } },
        { delayMinutes: 10, targets: [{ type: "user", id: "boss" }] },
      ],
      repeat: 0,
    };
    const day = planEscalation(p, { triggeredAt: T0, now: T0 + 60 * MIN });
    expect(day.due.map((n) => n.target.id)).toEqual(["day", "boss"]);
    const night = planEscalation(p, { triggeredAt: T0 - 60 * MIN, now: T0 + 60 * MIN });
    expect(night.due.map((n) => [n.target.id, (n.at.getTime() - T0) / MIN])).toEqual([
      ["night", -60],
      ["boss", -50],
    ]);
  });

  it("rejects a repeating policy without any delay (it would loop instantly)", () => {
    expect(() =>
      planEscalation(
        { steps: [{ delayMinutes: 0, targets: [{ type: "user", id: "u" }] }], repeat: 3 },
        { triggeredAt: 0, now: 0 },
      ),
    ).toThrow();
  });
});

const policyArb: fc.Arbitrary<EscalationPolicy> = fc.record({
  steps: fc.array(
    fc.record({
      delayMinutes: fc.integer({ min: 1, max: 120 }),
      targets: fc.array(
        fc.record({
          type: fc.constantFrom("user" as const, "schedule" as const, "channel" as const),
          id: fc.string({ minLength: 1, maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      condition: fc.option(
        fc.record({ calendar: fc.constant(ny), when: fc.constantFrom("inside" as const, "outside" as const) }),
        {
          nil: undefined,
        },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  repeat: fc.integer({ min: 0, max: 3 }),
});

describe("planEscalation (properties)", () => {
  it("never notifies at or after acknowledgement, is idempotent and grows monotonically", () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 0, max: 3 * 1440 }),
        fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 1500 }),
        (pol, startMin, ackMin, nowMin, extraMin) => {
          const triggeredAt = T0 + startMin * MIN;
          // Half the time, acknowledge exactly when some step fires (the boundary case).
          const fireMins: number[] = [];
          let m = 0;
          for (let r = 0; r <= pol.repeat; r++) {
            for (const st of pol.steps) {
              m += st.delayMinutes;
              fireMins.push(m);
            }
          }
          const snapped = ackMin !== undefined && ackMin % 2 === 0 ? fireMins[ackMin % fireMins.length] : ackMin;
          const acknowledgedAt = snapped === undefined ? undefined : triggeredAt + snapped * MIN;
          const now = triggeredAt + nowMin * MIN;
          const a = planEscalation(pol, { triggeredAt, acknowledgedAt, now });
          expect(planEscalation(pol, { triggeredAt, acknowledgedAt, now })).toEqual(a);
          for (const n of a.due) {
            expect(n.at.getTime()).toBeLessThanOrEqual(now);
            if (acknowledgedAt !== undefined) expect(n.at.getTime()).toBeLessThan(acknowledgedAt);
          }
          expect(new Set(a.due.map((n) => n.dedupKey)).size).toBe(a.due.length);
          if (a.nextWakeUp) {
            expect(a.nextWakeUp.getTime()).toBeGreaterThan(now);
            if (acknowledgedAt !== undefined) expect(a.nextWakeUp.getTime()).toBeLessThan(acknowledgedAt);
          }
          const b = planEscalation(pol, { triggeredAt, acknowledgedAt, now: now + extraMin * MIN });
          expect(b.due.slice(0, a.due.length)).toEqual(a.due);
          // The next wake-up is exactly when the first new notification appears.
          const firstNew = b.due[a.due.length];
          if (firstNew) expect(firstNew.at.getTime()).toBe(a.nextWakeUp?.getTime());
        },
      ),
      { numRuns: 150 },
    );
  });
});
