import type { SqlClient } from "../probe/sql.ts";
import { type Coverage, DAY_MS, floorTo, HOUR_MS } from "./rollup-plan.ts";

export type RollupLevel = "hourly" | "daily";

/** Serialises rollup writers (several workers may run the job; BullMQ runs one, this makes sure). */
export const ROLLUP_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('steward_rollups'))";

export async function readWatermarks(db: SqlClient): Promise<Record<RollupLevel, Coverage | null>> {
  const { rows } = await db.query<{ name: RollupLevel; covered_from: Date; covered_until: Date }>(
    "SELECT name, covered_from, covered_until FROM rollup_watermarks",
  );
  const out: Record<RollupLevel, Coverage | null> = { hourly: null, daily: null };
  for (const r of rows) out[r.name] = { from: r.covered_from, until: r.covered_until };
  return out;
}

/**
 * Extend `level`'s coverage with [from, until) when it touches the current coverage (or there is none).
 * A disjoint range leaves the watermark alone: coverage stays one contiguous range, so readers never
 * mistake a gap for "no data". Returns the coverage after the update.
 */
export async function extendWatermark(
  db: SqlClient,
  level: RollupLevel,
  from: Date,
  until: Date,
): Promise<Coverage | null> {
  if (!(until > from)) return (await readWatermarks(db))[level];
  const { rows } = await db.query<{ covered_from: Date; covered_until: Date }>(
    `INSERT INTO rollup_watermarks AS w (name, covered_from, covered_until, updated_at)
     VALUES ($1, $2::timestamptz, $3::timestamptz, now())
     ON CONFLICT (name) DO UPDATE
        SET covered_from = LEAST(w.covered_from, EXCLUDED.covered_from),
            covered_until = GREATEST(w.covered_until, EXCLUDED.covered_until),
            updated_at = now()
      WHERE EXCLUDED.covered_from <= w.covered_until AND EXCLUDED.covered_until >= w.covered_from
     RETURNING covered_from, covered_until`,
    [level, from, until],
  );
  const r = rows[0];
  if (r) return { from: r.covered_from, until: r.covered_until };
  return (await readWatermarks(db))[level];
}

/**
 * Late data at `at` (a result or state change in an hour already rolled): pull each watermark back to
 * the start of `at`'s hour (hourly) and UTC day (daily), never below its own `from`. Readers then take
 * that hour onward from raw rows (exact at once), and the rollup job rolls it again from there. Call it
 * in the transaction that writes the late data, holding ROLLUP_LOCK_SQL, so a rollup run in progress
 * cannot extend the coverage over data it did not see (ADR 0010). Returns how many watermarks moved.
 */
export async function retractWatermarks(db: SqlClient, at: Date): Promise<number> {
  const hour = new Date(floorTo(at.getTime(), HOUR_MS));
  const day = new Date(floorTo(at.getTime(), DAY_MS));
  const { rowCount } = await db.query(
    `UPDATE rollup_watermarks AS w
        SET covered_until = GREATEST(w.covered_from, t.until), updated_at = now()
       FROM (VALUES ('hourly', $1::timestamptz), ('daily', $2::timestamptz)) AS t(name, until)
      WHERE w.name = t.name AND w.covered_until > t.until`,
    [hour, day],
  );
  return rowCount ?? 0;
}
