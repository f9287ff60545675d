import { phaseOffsetMs, probeSchedulerId } from "@steward/jobs";
import { describe, expect, it } from "vitest";
import { slotOf } from "./probe-run.ts";

const id = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab";
const every = 10_000;
const off = phaseOffsetMs(id, every);
const slot = 1_795_000_000_000 - (1_795_000_000_000 % every) + off;

describe("slotOf", () => {
  it("uses the slot in a scheduler job id, so a retry hits the same slot", () => {
    const job = { id: `repeat:${probeSchedulerId(id)}:${slot}`, timestamp: slot - 9_000, opts: { delay: 9_000 } };
    expect(slotOf(job, {}, every, off)).toBe(slot);
    expect(slotOf({ ...job, timestamp: slot + 50_000, opts: {} }, {}, every, off)).toBe(slot);
  });

  it("prefers an explicit scheduledAt and floors it onto the grid", () => {
    const job = { id: "adhoc-1", timestamp: 0, opts: {} };
    expect(slotOf(job, { scheduledAt: slot + 1234 }, every, off)).toBe(slot);
  });

  it("falls back to the job's due time", () => {
    const job = { id: "adhoc-2", timestamp: slot - 100, opts: { delay: 2_000 } };
    expect(slotOf(job, {}, every, off)).toBe(slot);
  });
});
