import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollDailyRollups } from "./roll-daily-rollups.ts";
import { ROLLUP_LOCK_SQL, readWatermarks } from "./rollup-watermarks.ts";

// Real Postgres (this file's own database). The daily roller plans its days from the watermarks, then
// rolls each day under the rollup lock. A late flush (ADR 0010) can pull the hourly coverage back in
// between; the roller must then not sum that day from stale hourly rows nor cover it.
const H = 3_600_000;
const DAY = 24 * H;

let admin: pg.Pool;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
});

afterAll(async () => {
  await admin.end();
});

describe("daily roll vs a late flush (real Postgres)", () => {
  it("re-checks the hourly coverage under the lock and stops at a day it no longer covers", async () => {
    const D = Math.floor(Date.now() / DAY) * DAY; // today, 00:00 UTC
    await admin.query(`INSERT INTO rollup_watermarks (name, covered_from, covered_until) VALUES ('hourly', $1, $2)`, [
      new Date(D - 3 * DAY),
      new Date(D),
    ]);

    // A late flush holds the rollup lock while the roller plans days D-3 .. D-1.
    const flush = await admin.connect();
    await flush.query("BEGIN");
    await flush.query(ROLLUP_LOCK_SQL);
    const roll = rollDailyRollups({ from: new Date(D - 3 * DAY), to: new Date(D) });
    for (let i = 0; ; i++) {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      if (rows[0]!.n > 0) break;
      if (i > 200) throw new Error("the roller never waited for the rollup lock");
      await new Promise((r) => setTimeout(r, 25));
    }
    // The flush pulls the hourly coverage back into day D-2 (its 22:00 hour) and commits.
    await flush.query(`UPDATE rollup_watermarks SET covered_until = $1 WHERE name = 'hourly'`, [
      new Date(D - DAY - 2 * H),
    ]);
    await flush.query("COMMIT");
    flush.release();

    const out = await roll;
    // Day D-3 is still covered by hourly rows and is rolled; D-2 and D-1 are not.
    expect(out.statements).toBe(1);
    expect(out.rolled).toEqual({ from: new Date(D - 3 * DAY), to: new Date(D - 2 * DAY) });
    expect((await readWatermarks(admin)).daily).toEqual({ from: new Date(D - 3 * DAY), until: new Date(D - 2 * DAY) });
  });
});
