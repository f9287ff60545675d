import { getSystemPool } from "@steward/db";
import { LATENCY_BUCKET_COUNT, LATENCY_THRESHOLDS } from "@steward/domain";
import type { SqlClient } from "../probe/sql.ts";
import type { Coverage } from "./rollup-plan.ts";
import { HOUR_MS } from "./rollup-plan.ts";
import { BIN_ORIGIN, ROLLUP_COLUMNS, UPSERT_SET } from "./rollup-sql.ts";
import { extendWatermark, ROLLUP_LOCK_SQL, readWatermarks } from "./rollup-watermarks.ts";

export interface RollHourlyInput {
  /** UTC hour boundaries; [from, to). */
  from: Date;
  to: Date;
  /** Open state intervals end here; defaults to the wall clock. */
  now?: Date;
  /** Hours per statement (default 6). */
  batchHours?: number;
  /**
   * An hour becomes "covered" (readers trust its rollup) once it ended at least this long before `now`
   * (default 120 s): results of that hour still in flight (batcher flush, ingest lag) are then in.
   */
  settleMs?: number;
}

export interface RollHourlyResult {
  statements: number;
  upserted: number;
  deleted: number;
  coverage: Coverage | null;
}

/**
 * One statement per batch of hours, for every monitor at once (set-based): seconds per state from the
 * state_intervals overlapping each hour (exact, in ms; open intervals end at `now`), probe counts and a
 * latency histogram from the probe_results of the batch (scheduled_at bounds: partition-pruned), upserted
 * with INSERT … ON CONFLICT DO UPDATE; rows of the batch's hours that no longer have data are deleted in
 * the same statement. Re-running over the same data changes nothing but rolled_at (idempotent).
 */
export function hourlyRollupSql(): string {
  const thresholds = `ARRAY[${LATENCY_THRESHOLDS.join(",")}]::int[]`;
  return `
WITH hours AS (
  SELECT h AS bucket_start, h + interval '1 hour' AS bucket_end
    FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') AS h
),
iv AS (
  SELECT si.tenant_id, si.monitor_id, si.state, si.started_at,
         LEAST(COALESCE(si.ended_at, $3::timestamptz), $3::timestamptz) AS ended_at
    FROM state_intervals si
   WHERE si.started_at < LEAST($2::timestamptz, $3::timestamptz)
     AND (si.ended_at IS NULL OR si.ended_at > $1::timestamptz)
),
pieces AS (
  SELECT iv.tenant_id, iv.monitor_id, hours.bucket_start, iv.state,
         round(extract(epoch FROM (LEAST(iv.ended_at, hours.bucket_end) - GREATEST(iv.started_at, hours.bucket_start))) * 1000)::bigint AS ms
    FROM iv JOIN hours ON iv.started_at < hours.bucket_end AND iv.ended_at > hours.bucket_start
),
st AS (
  SELECT tenant_id, monitor_id, bucket_start,
         COALESCE(sum(ms) FILTER (WHERE state = 'UP'), 0) AS up_ms,
         COALESCE(sum(ms) FILTER (WHERE state = 'DEGRADED'), 0) AS degraded_ms,
         COALESCE(sum(ms) FILTER (WHERE state = 'DOWN'), 0) AS down_ms,
         COALESCE(sum(ms) FILTER (WHERE state = 'UNKNOWN'), 0) AS unknown_ms,
         COALESCE(sum(ms) FILTER (WHERE state = 'MAINTENANCE'), 0) AS maintenance_ms
    FROM pieces GROUP BY 1, 2, 3
),
g AS (
  SELECT tenant_id, monitor_id, date_bin('1 hour', scheduled_at, ${BIN_ORIGIN}) AS bucket_start,
         width_bucket(latency_ms, ${thresholds}) AS b,
         count(*) FILTER (WHERE state IN ('UP', 'DEGRADED')) AS ok,
         count(*) FILTER (WHERE state = 'DOWN') AS fail,
         count(*) FILTER (WHERE state NOT IN ('UP', 'DEGRADED', 'DOWN')) AS unk,
         count(latency_ms) AS lc, sum(latency_ms) AS ls, min(latency_ms) AS lmin, max(latency_ms) AS lmax
    FROM probe_results
   WHERE scheduled_at >= $1::timestamptz AND scheduled_at < $2::timestamptz
   GROUP BY 1, 2, 3, 4
),
pc AS (
  SELECT tenant_id, monitor_id, bucket_start, sum(ok) AS ok, sum(fail) AS fail, sum(unk) AS unk,
         sum(lc) AS lc, COALESCE(sum(ls), 0) AS ls, min(lmin) AS lmin, max(lmax) AS lmax
    FROM g GROUP BY 1, 2, 3
),
hd AS (
  SELECT k.monitor_id, k.bucket_start, array_agg(COALESCE(g.lc, 0)::int ORDER BY i.i) AS hist
    FROM (SELECT DISTINCT monitor_id, bucket_start FROM g WHERE b IS NOT NULL) k
    CROSS JOIN generate_series(0, ${LATENCY_BUCKET_COUNT - 1}) AS i(i)
    LEFT JOIN g ON g.monitor_id = k.monitor_id AND g.bucket_start = k.bucket_start AND g.b = i.i
   GROUP BY 1, 2
),
keys AS (
  SELECT tenant_id, monitor_id, bucket_start FROM st
  UNION
  SELECT tenant_id, monitor_id, bucket_start FROM pc
),
del AS (
  DELETE FROM monitor_rollups_hourly r
   WHERE r.bucket_start >= $1::timestamptz AND r.bucket_start < $2::timestamptz
     AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.monitor_id = r.monitor_id AND k.bucket_start = r.bucket_start)
  RETURNING 1
),
ins AS (
  INSERT INTO monitor_rollups_hourly (${ROLLUP_COLUMNS.join(", ")})
  SELECT k.monitor_id, k.bucket_start, k.tenant_id,
         COALESCE(st.up_ms, 0), COALESCE(st.degraded_ms, 0), COALESCE(st.down_ms, 0),
         COALESCE(st.unknown_ms, 0), COALESCE(st.maintenance_ms, 0),
         COALESCE(pc.ok, 0), COALESCE(pc.fail, 0), COALESCE(pc.unk, 0),
         COALESCE(hd.hist, array_fill(0, ARRAY[${LATENCY_BUCKET_COUNT}])),
         COALESCE(pc.lc, 0), COALESCE(pc.ls, 0), pc.lmin, pc.lmax, $3::timestamptz
    FROM keys k
    LEFT JOIN st ON st.monitor_id = k.monitor_id AND st.bucket_start = k.bucket_start
    LEFT JOIN pc ON pc.monitor_id = k.monitor_id AND pc.bucket_start = k.bucket_start
    LEFT JOIN hd ON hd.monitor_id = k.monitor_id AND hd.bucket_start = k.bucket_start
  ON CONFLICT (monitor_id, bucket_start) DO UPDATE SET ${UPSERT_SET}
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS upserted, (SELECT count(*) FROM del)::int AS deleted`;
}

function assertAligned(t: Date, step: number, what: string) {
  if (t.getTime() % step !== 0) throw new RangeError(`${what} must be aligned (${t.toISOString()})`);
}

/** Pool-like: `pg` Pool (getSystemPool() by default). */
interface Connectable {
  connect(): Promise<SqlClient & { release: (err?: Error | boolean) => void }>;
}

export async function inTransaction<T>(pool: Connectable, fn: (db: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    await client.query(ROLLUP_LOCK_SQL);
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

export async function rollHourlyRollups(input: RollHourlyInput): Promise<RollHourlyResult> {
  const now = input.now ?? new Date();
  const batch = Math.max(1, Math.floor(input.batchHours ?? 6)) * HOUR_MS;
  const settle = input.settleMs ?? 120_000;
  assertAligned(input.from, HOUR_MS, "from");
  assertAligned(input.to, HOUR_MS, "to");
  const sql = hourlyRollupSql();
  const out: RollHourlyResult = { statements: 0, upserted: 0, deleted: 0, coverage: null };
  const settledUntil = Math.floor((now.getTime() - settle) / HOUR_MS) * HOUR_MS;
  for (let t = input.from.getTime(); t < input.to.getTime(); t += batch) {
    const from = new Date(t);
    const to = new Date(Math.min(t + batch, input.to.getTime()));
    await inTransaction(getSystemPool(), async (db) => {
      const { rows } = await db.query<{ upserted: number; deleted: number }>(sql, [from, to, now]);
      out.statements += 1;
      out.upserted += rows[0]?.upserted ?? 0;
      out.deleted += rows[0]?.deleted ?? 0;
      const until = Math.min(to.getTime(), settledUntil);
      out.coverage = await extendWatermark(db, "hourly", from, new Date(Math.max(until, from.getTime())));
    });
  }
  if (out.statements === 0) out.coverage = (await readWatermarks(getSystemPool())).hourly;
  return out;
}
