import { getSystemPool } from "@steward/db";

/** Worker readiness: the system pool answers `select 1` within timeoutMs. */
export async function pingProbeStore(timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      getSystemPool()
        .query("select 1")
        .then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
