import { describe, expect, it } from "vitest";
import { CATCH_UP_WINDOW_MS, slotsDueAfter } from "./catch-up.ts";
import { isStalledSchedulerRun } from "./processors/probe-run.ts";

const every = 10_000;
const slot = 1_795_000_003_217;

describe("slotsDueAfter", () => {
  it("lists the grid slots after the slot that are due by now", () => {
    expect(slotsDueAfter(slot, every, slot + 35_000)).toEqual([slot + 10_000, slot + 20_000, slot + 30_000]);
    expect(slotsDueAfter(slot, every, slot + 30_000)).toEqual([slot + 10_000, slot + 20_000, slot + 30_000]);
    expect(slotsDueAfter(slot, every, slot + 9_999)).toEqual([]);
  });

  it("keeps only the window before now (a long outage is not replayed)", () => {
    const now = slot + 3_600_000 + 5_000;
    const slots = slotsDueAfter(slot, every, now);
    expect(slots).toHaveLength(CATCH_UP_WINDOW_MS / every);
    expect(slots[0]).toBeGreaterThanOrEqual(now - CATCH_UP_WINDOW_MS);
    expect(slots.at(-1)).toBe(slot + 3_600_000);
    expect(slots.every((s) => (s - slot) % every === 0)).toBe(true);
  });

  it("caps the count for very short intervals", () => {
    expect(slotsDueAfter(slot, 100, slot + 60_000).length).toBe(120);
  });
});

describe("isStalledSchedulerRun", () => {
  const id = `repeat:probe-6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab:${slot}`;
  it("is true only for a scheduler job that starts again", () => {
    expect(isStalledSchedulerRun({ id, attemptsStarted: 1, stalledCounter: 0 })).toBe(false);
    expect(isStalledSchedulerRun({ id, attemptsStarted: 2, stalledCounter: 1 })).toBe(true);
    expect(isStalledSchedulerRun({ id, attemptsStarted: 1, stalledCounter: 1 })).toBe(true);
    expect(isStalledSchedulerRun({ id: "catchup-x-1", attemptsStarted: 2, stalledCounter: 1 })).toBe(false);
  });
});
