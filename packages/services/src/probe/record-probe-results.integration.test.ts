import { randomUUID } from "node:crypto";
import { getSystemPool } from "@steward/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeResultRow } from "./probe-result-row.ts";
import { recordProbeResults } from "./record-probe-results.ts";
import type { SqlClient } from "./sql.ts";

// Real Postgres (this file's own database). probe_results has no foreign keys: rows need no monitor.
let admin: pg.Pool;
const tenantId = randomUUID();

beforeAll(() => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
});

afterAll(async () => {
  await admin.end();
});

/** The system pool, counting statements. */
function counting() {
  const pool = getSystemPool();
  const db: SqlClient & { statements: number } = {
    statements: 0,
    // biome-ignore lint/suspicious/noExplicitAny: row shapes are declared per query (as in SqlClient)
    async query<R = any>(text: string, values?: unknown[]) {
      db.statements++;
      const r = await pool.query(text, values);
      return { rows: r.rows as R[], rowCount: r.rowCount };
    },
  };
  return db;
}

const day = new Date();
day.setUTCHours(0, 0, 0, 0);

function row(monitorId: string, over: Partial<ProbeResultRow> = {}): ProbeResultRow {
  const scheduledAt = new Date(day.getTime() + 3_600_000 + 123); // milliseconds survive
  return {
    monitorId,
    tenantId,
    scheduledAt,
    checkedAt: new Date(scheduledAt.getTime() + 1_234_567), // 20 min late, still exact
    state: "UP",
    latencyMs: 41.6,
    statusCode: 200,
    error: null,
    ...over,
  };
}

async function stored(monitorId: string) {
  const { rows } = await admin.query(
    `SELECT scheduled_at, checked_at, state::text AS state, latency_ms, status_code, error, region, tenant_id::text AS tenant_id
       FROM probe_results WHERE monitor_id = $1 ORDER BY scheduled_at, region`,
    [monitorId],
  );
  return rows;
}

describe("recordProbeResults", () => {
  it("stores every field exactly, in one statement, and returns the rows it inserted", async () => {
    const m = randomUUID();
    const up = row(m);
    const down = row(m, {
      scheduledAt: new Date(day.getTime() + 3_610_000 + 999),
      checkedAt: new Date(day.getTime() + 3_610_000 + 1_000),
      state: "DOWN",
      latencyMs: null,
      statusCode: 503,
      error: `x${"e".repeat(600)}`,
      region: "eu-west",
    });
    const db = counting();
    const inserted = await recordProbeResults(db, [up, down]);
    expect(db.statements).toBe(1);
    expect(inserted).toEqual([up, down]);
    expect(await stored(m)).toEqual([
      {
        scheduled_at: up.scheduledAt,
        checked_at: up.checkedAt,
        state: "UP",
        latency_ms: 42,
        status_code: 200,
        error: null,
        region: "local",
        tenant_id: tenantId,
      },
      {
        scheduled_at: down.scheduledAt,
        checked_at: down.checkedAt,
        state: "DOWN",
        latency_ms: null,
        status_code: 503,
        error: `x${"e".repeat(499)}`,
        region: "eu-west",
        tenant_id: tenantId,
      },
    ]);
  });

  it("is exactly-once per (monitor, slot, region): duplicates in a flush and retried flushes insert nothing", async () => {
    const m = randomUUID();
    const a = row(m);
    const otherRegion = row(m, { region: "us-east" });
    const db = counting();
    expect(await recordProbeResults(db, [a, { ...a, state: "DOWN" }, otherRegion])).toEqual([a, otherRegion]);
    expect(await recordProbeResults(db, [a, otherRegion])).toEqual([]);
    const next = row(m, { scheduledAt: new Date(a.scheduledAt.getTime() + 10_000) });
    expect(await recordProbeResults(db, [a, next])).toEqual([next]);
    expect(db.statements).toBe(3);
    expect((await stored(m)).map((r) => [r.state, r.region])).toEqual([
      ["UP", "local"],
      ["UP", "us-east"],
      ["UP", "local"],
    ]);
  });

  it("writes nothing for an empty flush and rejects malformed rows before any statement", async () => {
    const db = counting();
    expect(await recordProbeResults(db, [])).toEqual([]);
    const m = randomUUID();
    const bad: [Partial<ProbeResultRow>, ErrorConstructor][] = [
      [{ checkedAt: new Date(Number.NaN) }, RangeError],
      [{ monitorId: `${m},${m}` }, TypeError],
      [{ tenantId: "{}" }, TypeError],
      [{ state: "UP,DOWN" as ProbeResultRow["state"] }, TypeError],
      [{ statusCode: 200.5 }, RangeError],
    ];
    for (const [over, type] of bad) await expect(recordProbeResults(db, [row(m, over)])).rejects.toThrow(type);
    expect(db.statements).toBe(0);
    expect(await stored(m)).toEqual([]);
  });

  it("maps an upper-case monitor id back to its row", async () => {
    const m = randomUUID().toUpperCase();
    const r = row(m);
    expect(await recordProbeResults(counting(), [r])).toEqual([r]);
  });
});
