import { getSystemPool } from "@steward/db";

export interface WorkerHeartbeat {
  id: string;
  region: string;
  hostname: string;
  pid: number;
  concurrency: number | null;
  startedAt: Date;
  lagP95Ms: number | null;
  probesPerSecond: number;
  probesTotal: number;
}

/**
 * The worker's heartbeat (every 5 s): one upsert of its probe_workers row as steward_system. System
 * actor, provider-level table: no tenant, no audit (it would be one row per worker every 5 s).
 */
export async function recordWorkerHeartbeat(hb: WorkerHeartbeat): Promise<void> {
  await getSystemPool().query(
    `INSERT INTO probe_workers AS w (id, region, hostname, pid, concurrency, started_at, last_heartbeat_at,
                                     lag_p95_ms, probes_per_second, probes_total)
     VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET region = EXCLUDED.region, last_heartbeat_at = now(),
       concurrency = EXCLUDED.concurrency, lag_p95_ms = EXCLUDED.lag_p95_ms,
       probes_per_second = EXCLUDED.probes_per_second, probes_total = EXCLUDED.probes_total`,
    [
      hb.id,
      hb.region,
      hb.hostname,
      hb.pid,
      hb.concurrency,
      hb.startedAt,
      hb.lagP95Ms,
      hb.probesPerSecond,
      hb.probesTotal,
    ],
  );
}
