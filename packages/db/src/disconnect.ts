import { disconnectClients } from "./client.ts";
import { closeHealthPool } from "./health.ts";
import { closeSystemPool } from "./pool.ts";
import { closeTenantReadPool } from "./with-tenant-read.ts";

/** Disconnects every client and pool this package created (graceful shutdown, test teardown). */
export async function disconnectAll(): Promise<void> {
  await Promise.all([disconnectClients(), closeSystemPool(), closeTenantReadPool(), closeHealthPool()]);
}
