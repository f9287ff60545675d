import { databaseUrls, withTenant as dbWithTenant } from "@steward/db";
import type { Permission } from "@steward/domain";
import pg from "pg";
import { resolveAccess } from "../access/resolve-access.ts";
import { validateSession } from "../auth/validate-session.ts";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../errors.ts";

/** The channel of migration 20261204060000_monitor_live_notify (payload: a tenant id). */
export const MONITORS_LIVE_CHANNEL = "steward_monitors_live";
/** Session and access are checked again at least this often during a stream. */
export const LIVE_RECHECK_MS = 30_000;
/** At most one snapshot per tenant per this period (bursts of changes are folded into one). */
export const LIVE_COALESCE_MS = 1_000;
/** The listener connection is closed this long after the last subscriber left. */
export const LIVE_IDLE_CLOSE_MS = 30_000;

export interface MonitorsChange {
  /** Opaque: changes whenever a monitor of the tenant changes state, is paused/resumed, added or removed. */
  signature: string;
  at: Date;
}

export interface MonitorLiveFeedOptions {
  /** Re-check period of session and access (default 30 s; tests use less). */
  recheckMs?: number;
  /** Minimum spacing of two snapshots of one tenant (default 1 s). */
  coalesceMs?: number;
  /** Close the listener this long after the last subscriber left (default 30 s). */
  idleCloseMs?: number;
  /** The LISTEN connection (default: steward_app; LISTEN needs no table privilege). */
  connectionString?: string;
}

/** Who a subscription is for; checked again every `recheckMs`. */
export interface LiveSubscriberIdentity {
  tenantId: string;
  userId: string;
  sessionId: string;
  /** The permission the subscriber must keep in the tenant. */
  permission: Permission;
}

export interface LiveSubscription {
  /**
   * The next change (the first is the tenant's current snapshot); null once `signal` aborts or the feed
   * closes. Rejects when the stream must end: session or access lost, or the database unreachable.
   */
  next(signal?: AbortSignal): Promise<MonitorsChange | null>;
  close(): void;
}

/** Counters for tests and the B14 benchmark (what this process asked of the database). */
export interface MonitorLiveFeedStats {
  /** LISTEN connections opened. */
  listenerConnects: number;
  /** Notifications received on the channel (any tenant). */
  notifications: number;
  /** Snapshot queries run (one per tenant per coalesced change, shared by the tenant's subscribers). */
  snapshots: number;
  /** Session + access re-checks run (one per session per period, shared by the session's subscribers). */
  rechecks: number;
  subscribers: number;
  tenants: number;
  sessions: number;
  listening: boolean;
}

/** The listener connection was lost: subscribers end, clients reconnect (SERVICE_UNAVAILABLE). */
export class LiveFeedUnavailableError extends Error {
  readonly code = "08006"; // connection_failure: isDatabaseUnavailable() maps it to 503 / a client retry
  constructor(message = "Live updates: connection terminated") {
    super(message);
    this.name = "LiveFeedUnavailableError";
  }
}

class Subscriber implements LiveSubscription {
  private pending: MonitorsChange | null = null;
  private error: unknown = null;
  private ended = false;
  private lastSignature: string | null = null;
  private waiter: { resolve: (v: MonitorsChange | null) => void; reject: (e: unknown) => void } | null = null;

  constructor(
    readonly who: LiveSubscriberIdentity,
    private readonly feed: MonitorLiveFeed,
  ) {}

  /** A snapshot of the tenant: delivered only when it differs from the last one this subscriber got. */
  push(change: MonitorsChange): void {
    if (this.ended || this.error || change.signature === this.lastSignature) return;
    this.lastSignature = change.signature;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(change);
    } else {
      this.pending = change; // a slow reader only ever holds the latest
    }
  }

  fail(err: unknown): void {
    if (this.ended || this.error) return;
    this.error = err;
    this.feed.remove(this);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(err);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.feed.remove(this);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(null);
    }
  }

  next(signal?: AbortSignal): Promise<MonitorsChange | null> {
    if (this.error) return Promise.reject(this.error);
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return Promise.resolve(p);
    }
    if (this.ended || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = null;
        resolve(null);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiter = {
        resolve: (v) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(v);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
    });
  }

  close(): void {
    this.end();
  }
}

interface TenantFeed {
  id: string;
  subs: Set<Subscriber>;
  /** The last snapshot (valid: the listener has been up since it was read, else the feed was dropped). */
  signature: string | null;
  at: Date;
  dirty: boolean;
  running: boolean;
  timer: NodeJS.Timeout | null;
  lastRunAt: number;
}

interface SessionWatch {
  sessionId: string;
  userId: string;
  subs: Set<Subscriber>;
  timer: NodeJS.Timeout;
  checking: boolean;
}

/**
 * The live monitor feed of one process (ADR 0016): ONE LISTEN connection, whatever the number of open
 * streams; per tenant one snapshot query per coalesced change, shared by every subscriber of the tenant;
 * per session one re-check (validateSession + resolveAccess) every `recheckMs`, shared by every stream of
 * that session, which ends the session's streams that lost their session, tenant or permission.
 */
export class MonitorLiveFeed {
  private readonly recheckMs: number;
  private readonly coalesceMs: number;
  private readonly idleCloseMs: number;
  private readonly connectionString: string | undefined;
  private readonly tenants = new Map<string, TenantFeed>();
  private readonly sessions = new Map<string, SessionWatch>();
  private client: pg.Client | null = null;
  private ready: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private subscriberCount = 0;
  private readonly counters = { listenerConnects: 0, notifications: 0, snapshots: 0, rechecks: 0 };

  constructor(opts: MonitorLiveFeedOptions = {}) {
    this.recheckMs = opts.recheckMs ?? LIVE_RECHECK_MS;
    this.coalesceMs = opts.coalesceMs ?? LIVE_COALESCE_MS;
    this.idleCloseMs = opts.idleCloseMs ?? LIVE_IDLE_CLOSE_MS;
    this.connectionString = opts.connectionString;
  }

  stats(): MonitorLiveFeedStats {
    return {
      ...this.counters,
      subscribers: this.subscriberCount,
      tenants: this.tenants.size,
      sessions: this.sessions.size,
      listening: this.client !== null && this.ready !== null,
    };
  }

  /**
   * A stream of the tenant's changes for an already authorised caller (the API checked session, tenant
   * and permission for this request); from now on re-checked every `recheckMs`.
   */
  async subscribe(who: LiveSubscriberIdentity): Promise<LiveSubscription> {
    if (this.closed) throw new LiveFeedUnavailableError("Live updates are shutting down");
    const id = who.tenantId.toLowerCase();
    const sub = new Subscriber({ ...who, tenantId: id }, this);
    this.add(sub);
    try {
      await this.ensureListening();
    } catch (err) {
      sub.fail(err);
      throw err;
    }
    const tf = this.tenants.get(id);
    if (!tf) return sub; // ended meanwhile (listener lost, feed closed): next() says so
    if (tf.signature !== null) sub.push({ signature: tf.signature, at: tf.at });
    else if (!tf.running && !tf.timer) this.schedule(tf); // else the snapshot under way reaches it too
    return sub;
  }

  /** Ends every stream (they see the end of the stream) and closes the listener. */
  async close(): Promise<void> {
    this.closed = true;
    for (const tf of [...this.tenants.values()]) for (const s of [...tf.subs]) s.end();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.closeListener();
  }

  // --- bookkeeping -----------------------------------------------------------------------------------

  private add(sub: Subscriber): void {
    const { tenantId, sessionId, userId } = sub.who;
    let tf = this.tenants.get(tenantId);
    if (!tf) {
      tf = {
        id: tenantId,
        subs: new Set(),
        signature: null,
        at: new Date(0),
        dirty: false,
        running: false,
        timer: null,
        lastRunAt: 0,
      };
      this.tenants.set(tenantId, tf);
    }
    tf.subs.add(sub);
    let sw = this.sessions.get(sessionId);
    if (!sw) {
      const watch: SessionWatch = {
        sessionId,
        userId,
        subs: new Set(),
        checking: false,
        timer: setInterval(() => void this.recheck(watch), this.recheckMs),
      };
      watch.timer.unref();
      sw = watch;
      this.sessions.set(sessionId, sw);
    }
    sw.subs.add(sub);
    this.subscriberCount++;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }

  /** Called by a subscriber that ended or failed. */
  remove(sub: Subscriber): void {
    const tf = this.tenants.get(sub.who.tenantId);
    if (!tf?.subs.delete(sub)) return;
    this.subscriberCount--;
    if (tf.subs.size === 0) {
      if (tf.timer) clearTimeout(tf.timer);
      this.tenants.delete(tf.id);
    }
    const sw = this.sessions.get(sub.who.sessionId);
    if (sw?.subs.delete(sub) && sw.subs.size === 0) {
      clearInterval(sw.timer);
      this.sessions.delete(sw.sessionId);
    }
    if (this.subscriberCount === 0 && !this.closed && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.subscriberCount === 0) void this.closeListener();
      }, this.idleCloseMs);
      this.idleTimer.unref();
    }
  }

  private failAll(err: unknown): void {
    for (const tf of [...this.tenants.values()]) for (const s of [...tf.subs]) s.fail(err);
  }

  // --- session and access, every recheckMs ----------------------------------------------------------

  private async recheck(sw: SessionWatch): Promise<void> {
    if (sw.checking || this.sessions.get(sw.sessionId) !== sw) return;
    sw.checking = true;
    this.counters.rechecks++;
    try {
      const user = await validateSession(sw.sessionId);
      if (!user || user.id !== sw.userId) {
        const err = new UnauthenticatedError("Your session has ended; sign in again");
        for (const s of [...sw.subs]) s.fail(err);
        return;
      }
      const access = await resolveAccess(user.id);
      for (const s of [...sw.subs]) {
        const t = access.tenants.find((x) => x.id === s.who.tenantId);
        if (!t) s.fail(new NotFoundError("Tenant not found"));
        else if (!t.permissions.includes(s.who.permission)) {
          s.fail(new ForbiddenError(`Missing permission ${s.who.permission}`, { permission: s.who.permission }));
        }
      }
    } catch (err) {
      // Cannot tell whether the session still holds: fail closed (the client reconnects and is checked anew).
      for (const s of [...sw.subs]) s.fail(err);
    } finally {
      sw.checking = false;
    }
  }

  // --- snapshots, at most one per tenant per coalesceMs ---------------------------------------------

  private schedule(tf: TenantFeed): void {
    tf.dirty = true;
    if (tf.running || tf.timer) return;
    const wait = Math.max(0, tf.lastRunAt + this.coalesceMs - Date.now());
    tf.timer = setTimeout(() => {
      tf.timer = null;
      void this.run(tf);
    }, wait);
  }

  private async run(tf: TenantFeed): Promise<void> {
    if (this.tenants.get(tf.id) !== tf) return;
    tf.dirty = false;
    tf.running = true;
    tf.lastRunAt = Date.now();
    try {
      this.counters.snapshots++;
      const signature = await signatureOf(tf.id);
      tf.signature = signature;
      tf.at = new Date();
      const change = { signature, at: tf.at };
      for (const s of [...tf.subs]) s.push(change);
    } catch (err) {
      for (const s of [...tf.subs]) s.fail(err);
    } finally {
      tf.running = false;
      if (tf.dirty && this.tenants.get(tf.id) === tf) this.schedule(tf);
    }
  }

  private onNotify(payload: string): void {
    this.counters.notifications++;
    const tf = this.tenants.get(payload.toLowerCase());
    if (tf) this.schedule(tf);
  }

  // --- the one LISTEN connection ----------------------------------------------------------------------

  private ensureListening(): Promise<void> {
    this.ready ??= this.connect();
    return this.ready;
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: this.connectionString ?? databaseUrls().appDatabaseUrl,
      application_name: "steward-monitors-live",
    });
    this.client = c;
    c.on("notification", (msg) => {
      if (msg.channel === MONITORS_LIVE_CHANNEL && msg.payload) this.onNotify(msg.payload);
    });
    c.on("error", (err) => this.lost(c, err));
    c.on("end", () => this.lost(c, new LiveFeedUnavailableError()));
    try {
      await c.connect();
      await c.query(`LISTEN ${MONITORS_LIVE_CHANNEL}`);
      this.counters.listenerConnects++;
    } catch (err) {
      this.lost(c, err);
      throw err;
    }
  }

  /**
   * The listener is gone: notifications may have been missed, so no cached snapshot can be trusted. Every
   * stream ends with a retryable error; each client reconnects, and the next subscribe listens anew.
   */
  private lost(c: pg.Client, err: unknown): void {
    if (this.client !== c) return;
    this.client = null;
    this.ready = null;
    c.end().catch(() => {});
    this.failAll(
      new LiveFeedUnavailableError(`Live updates: ${err instanceof Error ? err.message : "connection lost"}`),
    );
  }

  private async closeListener(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.ready = null;
    await c?.end().catch(() => {});
  }
}

/** The tenant's snapshot: one cheap aggregate over its monitors, read as steward_app under RLS. */
async function signatureOf(tenantId: string): Promise<string> {
  const [row] = await dbWithTenant(
    tenantId,
    (tx) =>
      tx.$queryRaw<{ sig: string }[]>`
      select concat_ws('|', count(*), max(state_since), count(*) filter (where paused),
                       count(*) filter (where state = 'DOWN'), count(*) filter (where state = 'DEGRADED'),
                       count(*) filter (where state = 'UP'), sum(hashtext(id::text)))::text as sig
        from monitors where tenant_id = ${tenantId}::uuid`,
  );
  return row?.sig ?? "";
}

const GLOBAL_KEY = Symbol.for("steward.monitorLiveFeed");
type Holder = { [GLOBAL_KEY]?: MonitorLiveFeed };

/** The process's feed (one listener per web process; kept on globalThis so dev reloads share it). */
export function getMonitorLiveFeed(): MonitorLiveFeed {
  const g = globalThis as Holder;
  g[GLOBAL_KEY] ??= new MonitorLiveFeed();
  return g[GLOBAL_KEY];
}

/** Replace the process's feed (tests: a short re-check period). Returns the previous one. */
export function setMonitorLiveFeed(feed: MonitorLiveFeed | null): MonitorLiveFeed | undefined {
  const g = globalThis as Holder;
  const prev = g[GLOBAL_KEY];
  if (feed) g[GLOBAL_KEY] = feed;
  else delete g[GLOBAL_KEY];
  return prev;
}
