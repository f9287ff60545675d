import { checkDatabase } from "@steward/services";
import { getRedis } from "~/server/redis.ts";

export const dynamic = "force-dynamic";

async function checkRedis(): Promise<boolean> {
  try {
    const redis = getRedis();
    const pong = await Promise.race([redis.ping(), new Promise<string>((r) => setTimeout(() => r("timeout"), 2000))]);
    return pong === "PONG";
  } catch {
    return false;
  }
}

/** Readiness: Postgres and Redis both reachable. No auth (excluded in proxy.ts). */
export async function GET(): Promise<Response> {
  const [database, redis] = await Promise.all([checkDatabase(), checkRedis()]);
  const ok = database && redis;
  return Response.json(
    { status: ok ? "ok" : "unavailable", checks: { database: database ? "ok" : "fail", redis: redis ? "ok" : "fail" } },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
