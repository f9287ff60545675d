/**
 * monitor.changes through the tRPC router (issue 8 item 9): a stream ended by the server for a lost
 * session or tenant reaches the client as UNAUTHORIZED / NOT_FOUND (the web then goes to the login page),
 * a lost listener as SERVICE_UNAVAILABLE (the client reconnects), and a client-sent poll period is ignored.
 */
import { MonitorLiveFeed, revokeSession, setMonitorLiveFeed } from "@steward/services";
import { createMembership, createSession, createUser, createWorld, type World } from "@steward/services/testing";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "./context.ts";
import { createCaller } from "./root.ts";

let w: World;
let admin: pg.Client;
let feed: MonitorLiveFeed;
const aborts: AbortController[] = [];

beforeAll(async () => {
  w = await createWorld();
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
});

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await feed?.close();
  setMonitorLiveFeed(null);
});

afterAll(async () => {
  await admin.end();
});

function useFeed(recheckMs = 150) {
  feed = new MonitorLiveFeed({ recheckMs, coalesceMs: 50, idleCloseMs: 60_000 });
  setMonitorLiveFeed(feed);
  return feed;
}

async function freshViewer() {
  const u = await createUser();
  const m = await createMembership({ userId: u.id, tenantId: w.tenants.A.id, role: "CLIENT_VIEWER" });
  const s = await createSession(u.id);
  return { sessionId: s.id, membershipId: m.id };
}

async function subscribe(sessionId: string, input: Record<string, unknown> = {}) {
  const ac = new AbortController();
  aborts.push(ac);
  const caller = createCaller(await createContext({ sessionId, requestId: "live-test" }));
  // The procedure's input type has only the tenant; `input` may carry what an old client still sends.
  const call = caller.monitor.changes as unknown as (
    i: unknown,
    o?: { signal?: AbortSignal },
  ) => Promise<AsyncIterable<unknown>>;
  const stream = await call({ tenantId: w.tenants.A.id, ...input }, { signal: ac.signal });
  return stream[Symbol.asyncIterator]();
}

async function endsWith(it: AsyncIterator<unknown>): Promise<string> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    try {
      const r = await Promise.race([it.next(), new Promise<"t">((res) => setTimeout(() => res("t"), 3_000))]);
      if (r === "t") return "still streaming";
      if (r.done) return "done";
    } catch (e) {
      return e instanceof TRPCError ? e.code : `not a TRPCError: ${e}`;
    }
  }
  return "still streaming";
}

describe("monitor.changes", () => {
  it("ends with UNAUTHORIZED once the session is revoked", async () => {
    useFeed();
    const v = await freshViewer();
    const it = await subscribe(v.sessionId);
    expect((await it.next()).done).toBe(false);
    await revokeSession(v.sessionId);
    expect(await endsWith(it)).toBe("UNAUTHORIZED");
  });

  it("ends with NOT_FOUND once the membership is removed", async () => {
    useFeed();
    const v = await freshViewer();
    const it = await subscribe(v.sessionId);
    expect((await it.next()).done).toBe(false);
    await admin.query("delete from memberships where id = $1", [v.membershipId]);
    expect(await endsWith(it)).toBe("NOT_FOUND");
  });

  it("ends with SERVICE_UNAVAILABLE (a client retry) when the listener connection is lost", async () => {
    useFeed();
    const v = await freshViewer();
    const it = await subscribe(v.sessionId);
    expect((await it.next()).done).toBe(false);
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = 'steward-monitors-live'`,
    );
    expect(await endsWith(it)).toBe("SERVICE_UNAVAILABLE");
  });

  it("accepts and ignores a client-sent poll period (the server sets the cadence)", async () => {
    const f = useFeed(60_000);
    const v = await freshViewer();
    const it = await subscribe(v.sessionId, { everyMs: 200 });
    expect((await it.next()).done).toBe(false);
    const before = f.stats().snapshots;
    // Every statement this process sends to Postgres over 1 s (the old stream polled 5 times here).
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    let queries = 0;
    proto.query = function (this: unknown, ...args: unknown[]) {
      if (this !== admin) queries++;
      return original.apply(this, args);
    };
    try {
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      proto.query = original;
    }
    expect(queries).toBe(0);
    expect(f.stats().snapshots).toBe(before);
  });
});
