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

  const unreachable = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

  it("keeps the rows while the database is unreachable and writes them once it is back", async () => {
    let down = 6;
    const written: string[] = [];
    const b = new ResultBatcher({
      flushMs: 5,
      maxRows: 2,
      retryDelaysMs: [1],
      outageRetryMs: [1, 2, 5],
      ingest: async (rows) => {
        if (down-- > 0) throw unreachable();
        written.push(...rows.map((r) => `${r.monitorId}@${r.scheduledAt.getTime()}`));
        return summary(rows);
      },
    });
    const acks: string[] = [];
    const adds = ["a", "b", "c", "d", "e"].map((m) => b.add(row(m, 7)).then(() => acks.push(m)));
    await new Promise((r) => setTimeout(r, 15));
    expect(acks).toEqual([]); // nothing acknowledged while nothing is committed
    await Promise.all(adds);
    expect(written.sort()).toEqual(["a@7", "b@7", "c@7", "d@7", "e@7"]);
    expect(acks.sort()).toEqual(["a", "b", "c", "d", "e"]);
    await b.close();
  });

  it("an outage longer than maxOutageMs fails the rows; other errors are not waited for", async () => {
    const b = new ResultBatcher({
      flushMs: 1,
      maxRows: 10,
      retryDelaysMs: [1],
      outageRetryMs: [2],
      maxOutageMs: 30,
      ingest: async () => {
        throw unreachable();
      },
    });
    const t0 = performance.now();
    await expect(b.add(row("a", 1))).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
    await b.close();

    let calls = 0;
    const c = new ResultBatcher({
      flushMs: 1,
      maxRows: 10,
      retryDelaysMs: [1],
      outageRetryMs: [1],
      ingest: async () => {
        calls++;
        throw Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: "22P02" });
      },
    });
    await expect(c.add(row("x", 1))).rejects.toMatchObject({ cause: { code: "22P02" } });
    expect(calls).toBe(2); // first try and one retry, no waiting for a database that is there
    await c.close();
  });

  it("a stopping worker (hurry, then close) waits for the database only for closeGraceMs", async () => {
    const b = new ResultBatcher({
      flushMs: 1,
      maxRows: 10,
      retryDelaysMs: [],
      outageRetryMs: [2],
      closeGraceMs: 20,
      ingest: async () => {
        throw unreachable();
      },
    });
    const pending = b.add(row("a", 1));
    const other = b.add(row("b", 1));
    for (const p of [pending, other]) p.catch(() => {});
    await new Promise((r) => setTimeout(r, 50)); // waiting out the outage (default: 15 min)
    const t0 = performance.now();
    // The worker's stop(): hurry() first, then it waits for its active jobs, i.e. for these rows.
    b.hurry();
    await expect(pending).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    await expect(other).rejects.toThrow("database unreachable"); // the whole batch at once
    expect(performance.now() - t0).toBeLessThan(1_000);
    await b.close();
  });

  it("a throwing onFlush/onError callback does not strand the rows", async () => {
    let fail = true;
    const b = new ResultBatcher({
      flushMs: 1,
      maxRows: 10,
      retryDelaysMs: [1],
      ingest: async (rows) => {
        if (fail) {
          fail = false;
          throw new Error("blip");
        }
        return summary(rows);
      },
      onFlush: () => {
        throw new Error("logger broke");
      },
      onError: () => {
        throw new Error("logger broke");
      },
    });
    await expect(b.add(row("a", 1))).resolves.toBeUndefined();
    await b.close();
  });
});
