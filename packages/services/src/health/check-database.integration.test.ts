import { getHealthPool, getSystemDb, getSystemPool } from "@steward/db";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { authenticateWithPassword } from "../auth/authenticate-with-password.ts";
import { validateSession } from "../auth/validate-session.ts";
import { recordHeartbeat } from "../heartbeat/record-heartbeat.ts";
import { createMonitor } from "../monitor/create-monitor.ts";
import { createSession, createUser, createWorld, TEST_PASSWORD, tenantContext } from "../testing/factories.ts";
import { checkDatabase } from "./check-database.ts";

// ADR 0015: readiness checks have their own single connection and identity (login, session validation)
// its own pool; neither waits on the other nor on the worker's BYPASSRLS pool. Asserted by behaviour:
// hold one pool's connections and show the other path still answers.

const LOCK = 815_015;

/** Resolves with the call's value, or "deadline" after `ms` (a deadline, not a sleep). */
function within<T>(p: Promise<T>, ms: number): Promise<T | "deadline"> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<"deadline">((r) => {
      timer = setTimeout(() => r("deadline"), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let admin: pg.Client | undefined;
async function adminClient(): Promise<pg.Client> {
  if (!admin) {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    admin.on("error", () => {});
    await admin.connect();
  }
  return admin;
}

async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Connections of this test database with `applicationName` (optionally: waiting on a lock). */
async function connections(applicationName: string, waitingOnLock = false): Promise<number> {
  const { rows } = await (await adminClient()).query(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = $1 and (not $2 or wait_event_type = 'Lock')`,
    [applicationName, waitingOnLock],
  );
  return rows[0].n as number;
}

let cleanup: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe("pools are separate (behaviour)", () => {
  it("session validation and login do not wait for the BYPASSRLS system pool", async () => {
    const user = await createUser();
    const session = await createSession(user.id);
    // Occupy all 5 connections of the system client: each blocks on an advisory lock the admin holds.
    const a = await adminClient();
    await a.query("select pg_advisory_lock($1)", [LOCK]);
    const blocked = Array.from({ length: 5 }, () =>
      getSystemDb().$transaction(async (tx) => tx.$queryRaw`select pg_advisory_xact_lock(${LOCK}::bigint)`, {
        maxWait: 20_000,
        timeout: 20_000,
      }),
    );
    cleanup = async () => {
      await a.query("select pg_advisory_unlock($1)", [LOCK]);
      await Promise.allSettled(blocked);
    };
    await waitFor(async () => (await connections("steward-system", true)) === 5, "5 blocked system connections");

    expect(await within(validateSession(session.id), 3000)).toMatchObject({ id: user.id, sessionId: session.id });
    const login = await within(authenticateWithPassword({ email: user.email, password: TEST_PASSWORD }), 5000);
    expect(login).toMatchObject({ userId: user.id });
  });

  it("a public heartbeat does not use the BYPASSRLS system pool (a narrow function on the web's role)", async () => {
    const w = await createWorld();
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, { name: "cron", kind: "HEARTBEAT", intervalSeconds: 3600 });
    // Occupy all 5 connections of the raw system pool (the worker's ingest pool).
    const a = await adminClient();
    await a.query("select pg_advisory_lock($1)", [LOCK]);
    const blocked = Array.from({ length: 5 }, () =>
      getSystemPool().query("select pg_advisory_lock($1), pg_advisory_unlock($1)", [LOCK]),
    );
    cleanup = async () => {
      await a.query("select pg_advisory_unlock($1)", [LOCK]);
      await Promise.allSettled(blocked);
    };
    await waitFor(
      async () => (await connections("steward-system-pool", true)) === 5,
      "5 blocked system-pool connections",
    );
    expect(await within(recordHeartbeat(m.heartbeatToken ?? ""), 3000)).toEqual({ ok: true });
  });

  it("50 concurrent readiness checks use one connection and do not delay a session validation", async () => {
    const user = await createUser();
    const session = await createSession(user.id);
    // Unblocked: 50 concurrent checks all succeed, over one connection.
    const ok = await Promise.all(Array.from({ length: 50 }, () => checkDatabase(2000)));
    expect(ok.every(Boolean)).toBe(true);
    expect(await connections("steward-health")).toBe(1);

    // Hold the health connection busy: a flood of checks now waits (and fails by its deadline) …
    const held = await getHealthPool().connect();
    cleanup = async () => held.release();
    let settled = 0;
    const flood = Array.from({ length: 50 }, () =>
      checkDatabase(1000).finally(() => {
        settled++;
      }),
    );
    // … while a session validation meanwhile answers at once, before any of them settles.
    expect(await within(validateSession(session.id), 900)).toMatchObject({ id: user.id });
    expect(settled).toBe(0);
    expect(await connections("steward-health")).toBe(1);
    expect(await Promise.all(flood)).toEqual(Array(50).fill(false));

    held.release();
    cleanup = undefined;
    expect(await checkDatabase(2000)).toBe(true);
  });
});

afterAll(async () => {
  await admin?.end();
});
