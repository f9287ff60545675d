import type { IngestSummary, ProbeResultRow } from "@steward/services";
import { describe, expect, it } from "vitest";
import { ResultBatcher } from "./batcher.ts";

const summary = (rows: ProbeResultRow[]): IngestSummary => ({
  received: rows.length,
  inserted: rows.length,
  evaluated: rows.length,
  skippedStale: 0,
  changes: [],
  incidentsOpened: 0,
  incidentsReopened: 0,
  incidentsResolved: 0,
});

const row = (monitorId: string, slot: number): ProbeResultRow => ({
  monitorId,
  tenantId: "00000000-0000-4000-8000-000000000000",
  scheduledAt: new Date(slot),
  checkedAt: new Date(slot + 1),
  state: "UP",
  latencyMs: 1,
  statusCode: 200,
  error: null,
});

describe("ResultBatcher", () => {
  it("hurry() flushes pending and later rows without waiting for flushMs", async () => {
    const flushes: number[] = [];
    const b = new ResultBatcher({
      flushMs: 60_000,
      maxRows: 100,
      ingest: async (rows) => {
        flushes.push(rows.length);
        return summary(rows);
      },
    });
    const first = b.add(row("m", 1));
    await new Promise((r) => setTimeout(r, 20));
    expect(flushes).toEqual([]); // waiting for the 60 s timer
    b.hurry();
    await first;
    expect(flushes).toEqual([1]);
    await b.add(row("m", 2)); // resolves without the 60 s wait
    expect(flushes).toEqual([1, 1]);
    await b.close();
  });

  it("flushes at maxRows without waiting for the timer, one flush at a time", async () => {
    const flushes: number[] = [];
    let active = 0;
    let maxActive = 0;
    const b = new ResultBatcher({
      flushMs: 60_000,
      maxRows: 3,
      ingest: async (rows) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setImmediate(r));
        active--;
        flushes.push(rows.length);
        return summary(rows);
      },
    });
    await Promise.all(Array.from({ length: 7 }, (_, i) => (i < 6 ? b.add(row("m", i)) : null)));
    expect(flushes).toEqual([3, 3]);
    const last = b.add(row("m", 6));
    await b.close();
    await last;
    expect(flushes).toEqual([3, 3, 1]);
    expect(maxActive).toBe(1);
    await expect(b.add(row("m", 7))).rejects.toThrow(/closed/);
  });

  it("flushes on the timer", async () => {
    const flushes: number[] = [];
    const b = new ResultBatcher({
      flushMs: 10,
      maxRows: 100,
      ingest: async (rows) => {
        flushes.push(rows.length);
        return summary(rows);
      },
    });
    await Promise.all([b.add(row("a", 1)), b.add(row("b", 1))]);
    expect(flushes).toEqual([2]);
  });

  it("retries a failed flush, then isolates the failing monitor", async () => {
    const errors: number[] = [];
    const b = new ResultBatcher({
      flushMs: 5,
      maxRows: 100,
      retryDelaysMs: [1],
      ingest: async (rows) => {
        if (rows.some((r) => r.monitorId === "poison")) throw new Error("boom");
        return summary(rows);
      },
      onError: (_e, _n, attempt) => errors.push(attempt),
    });
    const good = b.add(row("good", 1));
    const bad = b.add(row("poison", 1));
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("boom");
    expect(errors).toEqual([0, 1, -1]);
  });
});
