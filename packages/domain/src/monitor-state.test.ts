import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type MonitorCounters,
  type MonitorPolicy,
  type MonitorState,
  nextMonitorState,
  type ProbeOutcome,
} from "./monitor-state.ts";

const policyArb = fc.record({
  confirmations: fc.integer({ min: 1, max: 5 }),
  recoveryThreshold: fc.integer({ min: 1, max: 5 }),
  degradedThresholdMs: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null }),
});

const outcomeArb: fc.Arbitrary<ProbeOutcome> = fc.oneof(
  fc.record({ kind: fc.constant("ok" as const), latencyMs: fc.integer({ min: 0, max: 5000 }) }),
  fc.record({ kind: fc.constant("fail" as const) }),
  fc.record({ kind: fc.constant("unknown" as const) }),
);

const startArb: fc.Arbitrary<MonitorCounters> = fc
  .constantFrom<MonitorState>("UNKNOWN", "UP", "DEGRADED", "DOWN")
  .map((state) => ({ state, consecutiveFailures: 0, consecutiveSuccesses: 0 }));

function run(policy: MonitorPolicy, start: MonitorCounters, outcomes: ProbeOutcome[]) {
  const trace = [];
  let cur = start;
  for (const o of outcomes) {
    const t = nextMonitorState(policy, cur, o);
    trace.push(t);
    cur = t;
  }
  return trace;
}

describe("nextMonitorState", () => {
  const policy: MonitorPolicy = { confirmations: 2, recoveryThreshold: 2, degradedThresholdMs: 1000 };
  const fresh: MonitorCounters = { state: "UNKNOWN", consecutiveFailures: 0, consecutiveSuccesses: 0 };

  it("goes DOWN only on the confirmation-th failure", () => {
    const [a, b] = run(policy, { ...fresh, state: "UP" }, [{ kind: "fail" }, { kind: "fail" }]);
    expect(a).toMatchObject({ state: "UP", changed: false, consecutiveFailures: 1, resultState: "DOWN" });
    expect(b).toMatchObject({ state: "DOWN", changed: true, previousState: "UP", consecutiveFailures: 2 });
  });

  it("recovers only after recoveryThreshold successes, to DEGRADED when slow", () => {
    const down: MonitorCounters = { state: "DOWN", consecutiveFailures: 3, consecutiveSuccesses: 0 };
    const [a, b] = run(policy, down, [
      { kind: "ok", latencyMs: 10 },
      { kind: "ok", latencyMs: 1500 },
    ]);
    expect(a).toMatchObject({ state: "DOWN", changed: false, consecutiveSuccesses: 1, consecutiveFailures: 0 });
    expect(b).toMatchObject({ state: "DEGRADED", changed: true, previousState: "DOWN" });
  });

  it("a first success leaves UNKNOWN at once; UP and DEGRADED follow latency", () => {
    const [a, b, c] = run(policy, fresh, [
      { kind: "ok", latencyMs: 20 },
      { kind: "ok", latencyMs: 1001 },
      { kind: "ok", latencyMs: 1000 },
    ]);
    expect(a).toMatchObject({ state: "UP", changed: true });
    expect(b).toMatchObject({ state: "DEGRADED", changed: true, resultState: "DEGRADED" });
    expect(c).toMatchObject({ state: "UP", changed: true });
  });

  it("an unknown outcome changes nothing", () => {
    const cur: MonitorCounters = { state: "UP", consecutiveFailures: 1, consecutiveSuccesses: 0 };
    expect(nextMonitorState(policy, cur, { kind: "unknown" })).toEqual({
      ...cur,
      changed: false,
      previousState: "UP",
      resultState: "UNKNOWN",
    });
  });

  it("MAINTENANCE is not changed by probes", () => {
    const cur: MonitorCounters = { state: "MAINTENANCE", consecutiveFailures: 0, consecutiveSuccesses: 0 };
    const trace = run(policy, cur, [{ kind: "fail" }, { kind: "fail" }, { kind: "fail" }]);
    expect(trace.every((t) => t.state === "MAINTENANCE" && !t.changed)).toBe(true);
  });

  it("property: unknown outcomes are invisible (same result as the sequence without them)", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 40 }), (p, s, outcomes) => {
        const withUnknown = run(p, s, outcomes).at(-1) ?? { ...s };
        const without = run(
          p,
          s,
          outcomes.filter((o) => o.kind !== "unknown"),
        ).at(-1) ?? { ...s };
        expect({
          state: withUnknown.state,
          f: withUnknown.consecutiveFailures,
          s: withUnknown.consecutiveSuccesses,
        }).toEqual({ state: without.state, f: without.consecutiveFailures, s: without.consecutiveSuccesses });
      }),
    );
  });

  it("property: entering DOWN requires the last `confirmations` counted outcomes to be failures", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 40 }), (p, s, outcomes) => {
        const trace = run(p, s, outcomes);
        trace.forEach((t, i) => {
          if (t.changed && t.state === "DOWN") {
            const counted = outcomes.slice(0, i + 1).filter((o) => o.kind !== "unknown");
            const tail = counted.slice(-p.confirmations);
            expect(tail.length).toBe(p.confirmations);
            expect(tail.every((o) => o.kind === "fail")).toBe(true);
          }
        });
      }),
    );
  });

  it("property: leaving DOWN requires the last `recoveryThreshold` counted outcomes to be successes", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 40 }), (p, s, outcomes) => {
        const trace = run(p, s, outcomes);
        trace.forEach((t, i) => {
          if (t.changed && t.previousState === "DOWN") {
            expect(["UP", "DEGRADED"]).toContain(t.state);
            const counted = outcomes.slice(0, i + 1).filter((o) => o.kind !== "unknown");
            const tail = counted.slice(-p.recoveryThreshold);
            expect(tail.length).toBe(p.recoveryThreshold);
            expect(tail.every((o) => o.kind === "ok")).toBe(true);
          }
        });
      }),
    );
  });

  it("property: `confirmations` consecutive failures always end DOWN; counters stay consistent", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 30 }), (p, s, prefix) => {
        const fails: ProbeOutcome[] = Array.from({ length: p.confirmations }, () => ({ kind: "fail" }));
        const trace = run(p, s, [...prefix, ...fails]);
        expect(trace.at(-1)?.state).toBe("DOWN");
        for (const t of trace) {
          expect(t.consecutiveFailures === 0 || t.consecutiveSuccesses === 0).toBe(true);
          expect(t.changed).toBe(t.state !== t.previousState);
        }
      }),
    );
  });
});
