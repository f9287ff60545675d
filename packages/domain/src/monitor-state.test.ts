import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type MonitorCounters,
  type MonitorPolicy,
  type MonitorState,
  nextMonitorState,
  type ProbeOutcome,
  silentMonitorState,
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

  it("fewer than `confirmations` unknown outcomes in a row change nothing but their own counter", () => {
    const cur: MonitorCounters = { state: "UP", consecutiveFailures: 1, consecutiveSuccesses: 0 };
    expect(nextMonitorState(policy, cur, { kind: "unknown" })).toEqual({
      ...cur,
      consecutiveUnknowns: 1,
      changed: false,
      previousState: "UP",
      resultState: "UNKNOWN",
    });
  });

  it("`confirmations` unknown outcomes in a row make the state UNKNOWN (never silently up or down)", () => {
    for (const start of ["UP", "DEGRADED", "DOWN"] as const) {
      const trace = run(policy, { state: start, consecutiveFailures: 0, consecutiveSuccesses: 0 }, [
        { kind: "unknown" },
        { kind: "unknown" },
      ]);
      expect(trace.map((t) => t.state)).toEqual([start, "UNKNOWN"]);
      expect(trace[1]).toMatchObject({ changed: true, previousState: start, consecutiveUnknowns: 2 });
    }
  });

  it("a monitor that was DOWN when it became UNKNOWN needs recoveryThreshold successes to be UP", () => {
    const down: MonitorCounters = { state: "DOWN", consecutiveFailures: 2, consecutiveSuccesses: 0 };
    const trace = run(policy, down, [
      { kind: "unknown" },
      { kind: "unknown" },
      { kind: "ok", latencyMs: 5 },
      { kind: "ok", latencyMs: 5 },
    ]);
    expect(trace.map((t) => t.state)).toEqual(["DOWN", "UNKNOWN", "UNKNOWN", "UP"]);
    // ... and a failure before that recovery is DOWN again at once (the streak still stands).
    const again = run(policy, down, [
      { kind: "unknown" },
      { kind: "unknown" },
      { kind: "ok", latencyMs: 5 },
      { kind: "fail" },
    ]);
    expect(again.map((t) => t.state)).toEqual(["DOWN", "UNKNOWN", "UNKNOWN", "DOWN"]);
  });

  it("a monitor without a failure streak leaves UNKNOWN on its first success; DOWN still needs confirmations", () => {
    const up: MonitorCounters = { state: "UP", consecutiveFailures: 0, consecutiveSuccesses: 4 };
    expect(
      run(policy, up, [{ kind: "unknown" }, { kind: "unknown" }, { kind: "ok", latencyMs: 5 }]).at(-1)?.state,
    ).toBe("UP");
    const trace = run(policy, up, [{ kind: "unknown" }, { kind: "unknown" }, { kind: "fail" }, { kind: "fail" }]);
    expect(trace.map((t) => t.state)).toEqual(["UP", "UNKNOWN", "UNKNOWN", "DOWN"]);
  });

  it("MAINTENANCE is not changed by probes", () => {
    const cur: MonitorCounters = { state: "MAINTENANCE", consecutiveFailures: 0, consecutiveSuccesses: 0 };
    const trace = run(policy, cur, [{ kind: "fail" }, { kind: "fail" }, { kind: "fail" }]);
    expect(trace.every((t) => t.state === "MAINTENANCE" && !t.changed)).toBe(true);
  });

  /** No run of unknown outcomes reaches `confirmations`. */
  const shortUnknownRuns = (p: MonitorPolicy, outcomes: ProbeOutcome[]) => {
    let run = 0;
    for (const o of outcomes) {
      run = o.kind === "unknown" ? run + 1 : 0;
      if (run >= p.confirmations) return false;
    }
    return true;
  };

  it("property: runs of fewer than `confirmations` unknown outcomes are invisible", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 40 }), (p, s, outcomes) => {
        fc.pre(s.state !== "UNKNOWN" && shortUnknownRuns(p, outcomes));
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

  it("property: `confirmations` unknown outcomes in a row always end UNKNOWN", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 30 }), (p, s, prefix) => {
        const unknowns: ProbeOutcome[] = Array.from({ length: p.confirmations }, () => ({ kind: "unknown" }));
        expect(run(p, s, [...prefix, ...unknowns]).at(-1)?.state).toBe("UNKNOWN");
      }),
    );
  });

  it("property: entering DOWN from UP/DEGRADED requires the last `confirmations` counted outcomes to be failures", () => {
    fc.assert(
      fc.property(policyArb, startArb, fc.array(outcomeArb, { maxLength: 40 }), (p, s, outcomes) => {
        const trace = run(p, s, outcomes);
        trace.forEach((t, i) => {
          if (t.changed && t.state === "DOWN") expect(outcomes[i]?.kind).toBe("fail");
          if (t.changed && t.state === "DOWN" && t.previousState !== "UNKNOWN") {
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
          if (t.changed && t.previousState === "DOWN" && t.state !== "UNKNOWN") {
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
          // (in UNKNOWN a standing failure streak is kept while successes accumulate towards recovery)
          if (t.state !== "UNKNOWN") expect(t.consecutiveFailures === 0 || t.consecutiveSuccesses === 0).toBe(true);
          expect(t.changed).toBe(t.state !== t.previousState);
        }
      }),
    );
  });
});

describe("silentMonitorState", () => {
  const policy = { confirmations: 3 };
  it("makes a silent region UNKNOWN at once; a DOWN one keeps its failure streak", () => {
    expect(silentMonitorState(policy, { state: "UP", consecutiveFailures: 0, consecutiveSuccesses: 9 })).toMatchObject({
      state: "UNKNOWN",
      changed: true,
      consecutiveFailures: 0,
      consecutiveUnknowns: 3,
    });
    const down = silentMonitorState(policy, { state: "DOWN", consecutiveFailures: 1, consecutiveSuccesses: 0 });
    expect(down).toMatchObject({ state: "UNKNOWN", consecutiveFailures: 3 });
    // ... so recovering from there needs recoveryThreshold successes (nextMonitorState's rule)
    const p = { confirmations: 3, recoveryThreshold: 2, degradedThresholdMs: null };
    const one = nextMonitorState(p, down, { kind: "ok", latencyMs: 1 });
    expect(one.state).toBe("UNKNOWN");
    expect(nextMonitorState(p, one, { kind: "ok", latencyMs: 1 }).state).toBe("UP");
  });
  it("leaves MAINTENANCE and UNKNOWN as they are", () => {
    expect(
      silentMonitorState(policy, { state: "MAINTENANCE", consecutiveFailures: 0, consecutiveSuccesses: 0 }).changed,
    ).toBe(false);
    expect(
      silentMonitorState(policy, { state: "UNKNOWN", consecutiveFailures: 0, consecutiveSuccesses: 0 }).changed,
    ).toBe(false);
  });
});
