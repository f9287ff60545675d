import { getSystemPool } from "@steward/db";
import { NotFoundError } from "../errors.ts";
import { HEARTBEAT_TOKEN, hashHeartbeatToken } from "./heartbeat-token.ts";

/**
 * One push from a cron job (public endpoint, no session): as the system actor, set last_heartbeat_at =
 * now() on the HEARTBEAT monitor whose token hash matches — one indexed UPDATE on the unique hash. An
 * unknown or malformed token is NotFound with the same message either way (nothing to enumerate). A beat
 * is not audited (it is machine traffic) and does not touch updated_at (the dashboard's change poll).
 */
export async function recordHeartbeat(token: string): Promise<{ ok: true }> {
  if (!HEARTBEAT_TOKEN.test(token)) throw new NotFoundError("Not found");
  const { rowCount } = await getSystemPool().query(
    `UPDATE monitors SET last_heartbeat_at = now()
      WHERE heartbeat_token_hash = $1 AND kind = 'HEARTBEAT'`,
    [hashHeartbeatToken(token)],
  );
  if (!rowCount) throw new NotFoundError("Not found");
  return { ok: true };
}
