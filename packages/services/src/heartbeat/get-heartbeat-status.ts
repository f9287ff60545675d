import { getSystemPool } from "@steward/db";

export interface HeartbeatStatus {
  lastHeartbeatAt: Date | null;
  createdAt: Date;
}

/** For the worker: a push monitor's last beat and creation time, read fresh (one primary-key read). */
export async function getHeartbeatStatus(monitorId: string): Promise<HeartbeatStatus | null> {
  const { rows } = await getSystemPool().query<{ last_heartbeat_at: Date | null; created_at: Date }>(
    "SELECT last_heartbeat_at, created_at FROM monitors WHERE id = $1",
    [monitorId],
  );
  const r = rows[0];
  return r ? { lastHeartbeatAt: r.last_heartbeat_at, createdAt: r.created_at } : null;
}
