import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertJobId, defineJob } from "./define-job.ts";
import { probeRun } from "./definitions/probe-run.ts";
import {
  monitorIdFromSchedulerId,
  phaseOffsetMs,
  probeSchedulerId,
  slotFor,
  slotFromSchedulerJobId,
} from "./schedule.ts";

describe("probe scheduling maths", () => {
  it("scheduler ids round-trip and contain no ':'", () => {
    const id = randomUUID();
    expect(probeSchedulerId(id)).not.toContain(":");
    expect(monitorIdFromSchedulerId(probeSchedulerId(id))).toBe(id);
    expect(monitorIdFromSchedulerId("other-thing")).toBeNull();
  });

  it("phase offsets are stable, inside (0, interval) and spread out", () => {
    const ids = Array.from({ length: 2000 }, () => randomUUID());
    const offsets = ids.map((id) => phaseOffsetMs(id, 10_000));
    expect(offsets.every((o) => o > 0 && o < 10_000)).toBe(true);
    expect(phaseOffsetMs(ids[0]!, 10_000)).toBe(offsets[0]);
    // 10 buckets of 1 s: none should hold more than twice its fair share.
    const buckets = new Array(10).fill(0);
    for (const o of offsets) buckets[Math.floor(o / 1000)]++;
    expect(Math.max(...buckets)).toBeLessThan(400);
  });

  it("slotFor floors onto the offset grid and is idempotent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.uuid(),
        (t, seconds, id) => {
          const every = seconds * 1000;
          const off = phaseOffsetMs(id, every);
          const slot = slotFor(t, every, off);
          expect(slot).toBeLessThanOrEqual(t);
          expect(t - slot).toBeLessThan(every);
          expect((((slot - off) % every) + every) % every).toBe(0);
          expect(slotFor(slot, every, off)).toBe(slot);
        },
      ),
    );
  });

  it("reads the slot from a scheduler job id", () => {
    expect(slotFromSchedulerJobId(`repeat:${probeSchedulerId(randomUUID())}:1764000000123`)).toBe(1764000000123);
    expect(slotFromSchedulerJobId("custom-id")).toBeNull();
    expect(slotFromSchedulerJobId(undefined)).toBeNull();
  });
});

describe("job definitions", () => {
  it("probe.run validates its payload", () => {
    expect(probeRun.queue).toBe("probes");
    expect(() => probeRun.payload.parse({ monitorId: "nope" })).toThrow();
    const id = randomUUID();
    expect(probeRun.payload.parse({ monitorId: id })).toEqual({ monitorId: id });
  });

  it("names are entity.verb and job ids refuse ':'", () => {
    expect(() => defineJob({ name: "Probe Run", queue: "probes", payload: probeRun.payload })).toThrow();
    expect(() => assertJobId("a:b")).toThrow();
    expect(assertJobId("probe-1")).toBe("probe-1");
  });
});
