import { withSystem } from "@steward/db";

/** Readiness probe: true when Postgres answers a trivial query within `timeoutMs`. */
export async function checkDatabase(timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ping = withSystem(async (tx) => {
      await tx.$queryRaw`select 1 as ok`;
      return true;
    });
    return await Promise.race([ping, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
