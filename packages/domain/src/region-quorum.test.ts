import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MonitorState } from "./monitor-state.ts";
import { regionQuorumState } from "./region-quorum.ts";

describe("regionQuorumState", () => {
  it.each([
    // states, quorum, expected
    [["UP"], 1, "UP"],
    [["DOWN"], 1, "DOWN"],
    [["UNKNOWN"], 1, "UNKNOWN"],
    [["DEGRADED"], 1, "DEGRADED"],
    [["UP", "UP", "DOWN"], 2, "DEGRADED"], // one region down: partial outage, not DOWN
    [["UP", "DOWN", "DOWN"], 2, "DOWN"],
    [["DOWN", "DOWN", "UNKNOWN"], 2, "DOWN"],
    [["UP", "UP", "UNKNOWN"], 2, "UP"], // even if the silent one were down: 1 < 2
    [["UP", "UNKNOWN", "UNKNOWN"], 2, "UNKNOWN"], // two silent regions could be down: undecided
    [["UP", "DOWN", "UNKNOWN"], 2, "UNKNOWN"],
    [["UP", "DOWN", "UNKNOWN"], 1, "DOWN"],
    [["UP", "UP", "UP"], 3, "UP"],
    [["DOWN", "DOWN", "UP"], 3, "DEGRADED"],
    [["UNKNOWN", "UNKNOWN", "UNKNOWN"], 1, "UNKNOWN"],
    [["MAINTENANCE", "UP"], 1, "UNKNOWN"], // maintenance is not a region verdict: counts as silent
    [[], 1, "UNKNOWN"],
  ] as [MonitorState[], number, string][])("%j with N=%i → %s", (states, n, expected) => {
    expect(regionQuorumState(states, n).state).toBe(expected);
  });

  it("clamps the quorum into 1..M", () => {
    expect(regionQuorumState(["DOWN", "UP"], 5)).toMatchObject({ state: "DEGRADED", quorum: 2 });
    expect(regionQuorumState(["DOWN", "UP"], 0)).toMatchObject({ state: "DOWN", quorum: 1 });
  });

  const stateArb = fc.constantFrom<MonitorState>("UP", "DEGRADED", "DOWN", "UNKNOWN");
  const caseArb = fc
    .array(stateArb, { minLength: 1, maxLength: 8 })
    .chain((states) => fc.tuple(fc.constant(states), fc.integer({ min: 1, max: states.length })));

  it("property: the verdict equals brute force over every way the silent regions could be", () => {
    fc.assert(
      fc.property(caseArb, ([states, n]) => {
        const silent = states.filter((s) => s === "UNKNOWN").length;
        const down = states.filter((s) => s === "DOWN").length;
        // DOWN for sure, DOWN impossible, or it depends on the silent regions.
        const canBeDown = down + silent >= n;
        const mustBeDown = down >= n;
        const v = regionQuorumState(states, n).state;
        if (mustBeDown) expect(v).toBe("DOWN");
        else if (!canBeDown) expect(["UP", "DEGRADED"]).toContain(v);
        else expect(v).toBe("UNKNOWN");
      }),
    );
  });

  it("property: one more DOWN region never makes the verdict better", () => {
    const rank = { UP: 0, DEGRADED: 1, UNKNOWN: 2, DOWN: 3 } as const;
    fc.assert(
      fc.property(caseArb, fc.nat(), ([states, n], i) => {
        const j = i % states.length;
        const worse = states.map((s, k) => (k === j ? "DOWN" : s));
        const a = regionQuorumState(states, n).state;
        const b = regionQuorumState(worse, n).state;
        if (states[j] !== "UNKNOWN") expect(rank[b]).toBeGreaterThanOrEqual(rank[a]);
      }),
    );
  });
});
