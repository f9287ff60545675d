/**
 * Live updates (issue 8 item 9, ADR 0016) against real Postgres: the stream ends when the session or the
 * access is lost (re-checked every `recheckMs`), the server sets the cadence, one LISTEN connection and
 * one snapshot per change serve any number of subscribers, and a tenant's change never reaches another's.
 */
import type { Role } from "@steward/domain";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { revokeSession } from "../auth/revoke-session.ts";
import type { SessionUser } from "../auth/validate-session.ts";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../errors.ts";
import {
  createMembership,
  createSession,
  createUser,
  createWorld,
  tenantContext,
  type World,
} from "../testing/factories.ts";
import { MonitorLiveFeed, type MonitorLiveFeedOptions, type MonitorsChange } from "./monitor-live-feed.ts";
import { type WatchMonitorsInput, watchMonitors } from "./watch-monitors.ts";

let w: World;
let admin: pg.Client;
const feeds: MonitorLiveFeed[] = [];
const aborts: AbortController[] = [];

beforeAll(async () => {
  w = await createWorld();
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: "live-test-admin" });
  await admin.connect();
});

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  for (const f of feeds.splice(0)) await f.close();
});

afterAll(async () => {
  await admin.end();
});

function feed(opts: MonitorLiveFeedOptions = {}): MonitorLiveFeed {
  const f = new MonitorLiveFeed({ recheckMs: 60_000, coalesceMs: 50, idleCloseMs: 60_000, ...opts });
  feeds.push(f);
  return f;
}

const sleep = (ms: number) => new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms));

/** One stream with at most one pending next(): `within(ms)` is its next event, or "timeout". */
function reader(it: AsyncGenerator<MonitorsChange>) {
  let pending: Promise<IteratorResult<MonitorsChange>> | null = null;
  return {
    async within(ms: number): Promise<IteratorResult<MonitorsChange> | "timeout"> {
      pending ??= it.next();
      try {
        const r = await Promise.race([pending, sleep(ms)]);
        if (r !== "timeout") pending = null;
        return r;
      } catch (e) {
        pending = null;
        throw e;
      }
    },
    async event(ms = 5_000): Promise<MonitorsChange> {
      const r = await this.within(ms);
      if (r === "timeout") throw new Error(`no event within ${ms} ms`);
      if (r.done) throw new Error("the stream ended");
      return r.value;
    },
  };
}

async function open(user: SessionUser, tenantId: string, f: MonitorLiveFeed, input: object = {}) {
  const ac = new AbortController();
  aborts.push(ac);
  const ctx = await tenantContext(user, tenantId);
  // The input type has no poll period any more; an old client may still send one (it is ignored).
  return { r: reader(watchMonitors(ctx, input as WatchMonitorsInput, ac.signal, { feed: f })), ac };
}

/** A fresh signed-in user with `role` in `tenantId` (its own session, so revoking it touches no other test). */
async function freshUser(tenantId: string, role: Role, scope: string[] = []) {
  const u = await createUser();
  const m = await createMembership({ userId: u.id, tenantId, role, scopeTenantIds: scope });
  const s = await createSession(u.id);
  return { user: { id: u.id, email: u.email, name: u.name, sessionId: s.id } as SessionUser, membershipId: m.id };
}

let flip = 0;
/** A state change of the tenant's monitor, as the ingest would write it (trigger → NOTIFY). */
async function change(monitorId: string) {
  flip++;
  await admin.query(`update monitors set state = $2::"MonitorState", state_since = now() where id = $1`, [
    monitorId,
    flip % 2 ? "DOWN" : "UP",
  ]);
}

/** Counts the statements this process sends to Postgres (every pool and client), the admin's excepted. */
function countQueries() {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (this !== admin) n++;
    return original.apply(this, args);
  };
  return {
    get: () => n,
    restore: () => {
      proto.query = original;
    },
  };
}

async function listenerConnections(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'steward-monitors-live'`,
  );
  return rows[0]!.n;
}

describe("watchMonitors (shared live feed)", () => {
  it("yields the snapshot at once, then when a monitor changes; ends quietly on abort", async () => {
    const f = feed();
    const { r, ac } = await open(w.personas.clientViewerA.user, w.tenants.A.id, f);
    const first = await r.event();
    await change(w.tenants.A.monitorId);
    const second = await r.event();
    expect(second.signature).not.toBe(first.signature);
    ac.abort();
    expect(await r.within(1_000)).toMatchObject({ done: true });
    expect(f.stats().subscribers).toBe(0);
  });

  it("a revoked session (logout) ends the stream within the re-check period", async () => {
    const recheckMs = 200;
    const f = feed({ recheckMs });
    const { user } = await freshUser(w.tenants.A.id, "CLIENT_VIEWER");
    const { r } = await open(user, w.tenants.A.id, f);
    await r.event();
    expect(await r.within(recheckMs * 2)).toBe("timeout"); // still streaming while the session holds
    await revokeSession(user.sessionId);
    const t0 = Date.now();
    await expect(r.within(recheckMs * 5)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(Date.now() - t0).toBeLessThan(recheckMs * 3);
    expect(f.stats()).toMatchObject({ subscribers: 0, sessions: 0 });
  });

  it("a password change (older sessions invalid) ends the stream", async () => {
    const f = feed({ recheckMs: 150 });
    const { user } = await freshUser(w.tenants.A.id, "CLIENT_ADMIN");
    const { r } = await open(user, w.tenants.A.id, f);
    await r.event();
    await admin.query("update users set password_set_at = now() + interval '1 second' where id = $1", [user.id]);
    await expect(r.within(2_000)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("a removed membership ends the stream (NotFound), also when the session itself stays valid", async () => {
    const f = feed({ recheckMs: 150 });
    const { user, membershipId } = await freshUser(w.tenants.A.id, "CLIENT_VIEWER");
    const { r } = await open(user, w.tenants.A.id, f);
    await r.event();
    await admin.query("delete from memberships where id = $1", [membershipId]);
    await expect(r.within(2_000)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a provider engineer whose scope loses the tenant is cut off; the same session's other tenant streams on", async () => {
    const f = feed({ recheckMs: 150 });
    const { user, membershipId } = await freshUser(w.providerId, "ENGINEER", [w.tenants.A.id, w.tenants.B.id]);
    const a = await open(user, w.tenants.A.id, f);
    const b = await open(user, w.tenants.B.id, f);
    await a.r.event();
    await b.r.event();
    await admin.query("update memberships set scope_tenant_ids = array[$2::uuid] where id = $1", [
      membershipId,
      w.tenants.B.id,
    ]);
    await expect(a.r.within(2_000)).rejects.toBeInstanceOf(NotFoundError);
    await change(w.tenants.B.monitorId);
    expect((await b.r.event()).signature).toBeTypeOf("string");
  });

  it("a context without monitor:read never subscribes", async () => {
    const f = feed();
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const it = watchMonitors({ ...ctx, permissions: new Set() }, {}, undefined, { feed: f });
    await expect(it.next()).rejects.toBeInstanceOf(ForbiddenError);
    expect(f.stats().subscribers).toBe(0);
  });

  it("ignores a client-sent poll period: no query at all while nothing changes", async () => {
    const f = feed({ recheckMs: 60_000 });
    const { r } = await open(w.personas.clientViewerA.user, w.tenants.A.id, f, { everyMs: 200 });
    await r.event();
    const q = countQueries();
    try {
      expect(await r.within(1_500)).toBe("timeout");
      expect(q.get()).toBe(0); // the old stream ran its aggregate every 200 ms here (7 times)
    } finally {
      q.restore();
    }
  });

  it("100 subscribers of a tenant cost one LISTEN connection and one snapshot per change, as 1 does", async () => {
    const f = feed({ recheckMs: 60_000, coalesceMs: 100 });
    // Queries per change with 1 subscriber, then with 100 (the same user in 100 tabs, and 10 other users).
    const perChange = async (readers: ReturnType<typeof reader>[]) => {
      const before = f.stats().snapshots;
      const q = countQueries();
      try {
        for (let i = 0; i < 3; i++) {
          await change(w.tenants.A.monitorId);
          await Promise.all(readers.map((r) => r.event()));
        }
        return { queries: q.get() / 3, snapshots: (f.stats().snapshots - before) / 3 };
      } finally {
        q.restore();
      }
    };
    const one = await open(w.personas.clientViewerA.user, w.tenants.A.id, f);
    await one.r.event();
    const single = await perChange([one.r]);

    const readers = [one.r];
    for (let i = 0; i < 89; i++) readers.push((await open(w.personas.clientViewerA.user, w.tenants.A.id, f)).r);
    for (let i = 0; i < 10; i++) {
      const { user } = await freshUser(w.tenants.A.id, "CLIENT_VIEWER");
      readers.push((await open(user, w.tenants.A.id, f)).r);
    }
    await Promise.all(readers.slice(1).map((r) => r.event()));
    expect(f.stats()).toMatchObject({ subscribers: 100, tenants: 1, sessions: 11, listenerConnects: 1 });
    expect(await listenerConnections()).toBe(1);
    const hundred = await perChange(readers);

    expect(single.snapshots).toBe(1);
    expect(hundred.snapshots).toBe(1);
    expect(hundred.queries).toBe(single.queries);
    expect(single.queries).toBeLessThanOrEqual(4); // BEGIN, set tenant, the aggregate, COMMIT
  });

  it("coalesces a burst: 20 changes in a row cost at most two snapshots", async () => {
    const f = feed({ coalesceMs: 1_000 });
    const { r } = await open(w.personas.clientViewerA.user, w.tenants.A.id, f);
    await r.event();
    const before = f.stats().snapshots;
    for (let i = 0; i < 20; i++) await change(w.tenants.A.monitorId);
    await r.event();
    await sleep(1_300);
    expect(f.stats().snapshots - before).toBeLessThanOrEqual(2);
    expect(f.stats().notifications).toBeGreaterThanOrEqual(20);
  });

  it("a change in tenant A never reaches a subscriber of tenant B (and B's snapshot is B's alone)", async () => {
    const f = feed({ coalesceMs: 50 });
    const a = await open(w.personas.clientAdminA.user, w.tenants.A.id, f);
    const b = await open(w.personas.clientAdminB.user, w.tenants.B.id, f);
    const a0 = await a.r.event();
    const b0 = await b.r.event();
    expect(b0.signature).not.toBe(a0.signature);
    for (let i = 0; i < 3; i++) {
      await change(w.tenants.A.monitorId);
      await a.r.event();
    }
    expect(await b.r.within(500)).toBe("timeout");
    await change(w.tenants.B.monitorId);
    const b1 = await b.r.event();
    expect(b1.signature).not.toBe(b0.signature);
    // B's snapshot counts B's monitors only (RLS read as steward_app scoped to B).
    const { rows } = await admin.query<{ n: number }>("select count(*)::int as n from monitors where tenant_id = $1", [
      w.tenants.B.id,
    ]);
    expect(b1.signature.split("|")[0]).toBe(String(rows[0]!.n));
  });
});
