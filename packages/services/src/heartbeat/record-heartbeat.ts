import { getAppDb } from "@steward/db";
import { NotFoundError } from "../errors.ts";
import { HEARTBEAT_TOKEN, hashHeartbeatToken } from "./heartbeat-token.ts";

/**
 * One push from a cron job (public endpoint, no session): set last_heartbeat_at = now() on the HEARTBEAT
 * monitor whose token hash matches, through the narrow SECURITY DEFINER function
 * `steward_record_heartbeat` on the web's own role (never the BYPASSRLS system pool: this is
 * unauthenticated traffic). An unknown or malformed token is NotFound with the same message either way
 * (nothing to enumerate). A beat is not audited (it is machine traffic) and does not touch updated_at.
 */
export async function recordHeartbeat(token: string): Promise<{ ok: true }> {
  if (!HEARTBEAT_TOKEN.test(token)) throw new NotFoundError("Not found");
  const [row] = await getAppDb().$queryRaw<{ beat: boolean }[]>`
    select steward_record_heartbeat(${hashHeartbeatToken(token)}) as beat`;
  if (!row?.beat) throw new NotFoundError("Not found");
  return { ok: true };
}
