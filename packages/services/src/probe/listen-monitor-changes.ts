import { databaseUrls } from "@steward/db";
import pg from "pg";

/** The channel of migration 20261125000100_monitor_change_notify. */
export const MONITOR_CHANGED_CHANNEL = "steward_monitor_changed";

export interface MonitorChangeHandlers {
  /** A monitor's probe settings, schedule, regions or pause changed, or it was created or deleted. */
  onMonitor(monitorId: string): void;
  /** A tenant's SSRF allowlist changed (its monitors' cached copies are stale). */
  onTenant(tenantId: string): void;
  /**
   * The listener (re)connected: notifications sent while it was away are lost, so everything may have
   * changed — drop caches and reconcile in full. Called after the first connect too.
   */
  onResync(): void;
  onError?(err: Error): void;
}

export interface MonitorChangeListener {
  close(): Promise<void>;
}

/**
 * LISTEN for monitor changes on a dedicated connection (steward_system), reconnecting with backoff.
 * Notifications are hints: a periodic full reconcile stays the safety net.
 */
export function listenMonitorChanges(
  handlers: MonitorChangeHandlers,
  opts: { retryMs?: readonly number[]; connectionString?: string } = {},
): MonitorChangeListener {
  const retry = opts.retryMs ?? [250, 1000, 2000, 5000];
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: opts.connectionString ?? databaseUrls().systemDatabaseUrl,
      application_name: "steward-monitor-changes",
    });
    client = c;
    c.on("notification", (msg) => {
      if (msg.channel !== MONITOR_CHANGED_CHANNEL || !msg.payload) return;
      if (msg.payload.startsWith("tenant:")) handlers.onTenant(msg.payload.slice("tenant:".length));
      else handlers.onMonitor(msg.payload);
    });
    c.on("error", (err) => {
      handlers.onError?.(err);
      reconnect(c);
    });
    c.on("end", () => reconnect(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${MONITOR_CHANGED_CHANNEL}`);
      attempt = 0;
      if (!closed) handlers.onResync();
    } catch (err) {
      handlers.onError?.(err as Error);
      reconnect(c);
    }
  };

  const reconnect = (c: pg.Client) => {
    if (closed || client !== c) return; // already handled for this client
    client = null;
    c.end().catch(() => {});
    const delay = retry[Math.min(attempt++, retry.length - 1)] ?? 1000;
    timer = setTimeout(() => void connect(), delay);
    timer.unref();
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
