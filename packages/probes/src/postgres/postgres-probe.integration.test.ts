import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { freePort, probeCtx } from "../testing/peers.ts";
import { PostgresProbeConfig, postgresProbe } from "./postgres-probe.ts";

// Peer: the machine's PostgreSQL, this test file's own database (set up by @steward/db/testing).
const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
const base = {
  host: url.hostname,
  port: Number(url.port || 5432),
  database: decodeURIComponent(url.pathname.slice(1)),
  user: decodeURIComponent(url.username),
  ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
};
const cfg = (over: Record<string, unknown> = {}) => PostgresProbeConfig.parse({ ...base, ...over });

// A canary value in a table, a table name and a role name: none may ever reach a probe result.
const CANARY = "canary-Database-replica-ERP-7f3a";
let admin: pg.Client;
beforeAll(async () => {
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query("create table if not exists probe_canary (v text)");
  await admin.query("delete from probe_canary");
  await admin.query("insert into probe_canary values ($1)", [CANARY]);
});
afterAll(async () => {
  await admin.query("drop table if exists probe_canary");
  await admin.end();
});
const canaryRows = async () => (await admin.query("select v from probe_canary")).rows.map((r) => r.v);
/** A config that skips the schema's refusals, to show the server-side wall holds on its own. */
const raw = (query: string) => ({ ...cfg(), query });

const probeConnections = async () =>
  Number(
    (await admin.query("select count(*) from pg_stat_activity where application_name = 'steward-probe'")).rows[0].count,
  );

describe("postgres probe against the machine's PostgreSQL", () => {
  it("connect + select 1 → ok, connection closed", async () => {
    const r = await postgresProbe.run(cfg(), probeCtx());
    expect(r).toMatchObject({ ok: true });
    await expect.poll(probeConnections).toBe(0);
  });

  it("expected value: match → ok, mismatch → fixed text, the server's value never copied", async () => {
    expect(await postgresProbe.run(cfg({ query: "select 40 + 2", expected: "42" }), probeCtx())).toMatchObject({
      ok: true,
    });
    expect(
      await postgresProbe.run(cfg({ query: "select v from probe_canary;", expected: CANARY }), probeCtx()),
    ).toMatchObject({
      ok: true,
    });
    const r = await postgresProbe.run(cfg({ query: "select v from probe_canary", expected: "x" }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "value did not match the expected value" });
    const none = await postgresProbe.run(
      cfg({ query: "select v from probe_canary where false", expected: "x" }),
      probeCtx(),
    );
    expect(none).toMatchObject({ ok: false, error: "query returned no rows" });
    expect(JSON.stringify([r, none])).not.toContain("canary");
  });

  it("server errors map to fixed text + SQLSTATE: no message, no names, no data", async () => {
    const cast = await postgresProbe.run(cfg({ query: "select v::int from probe_canary" }), probeCtx());
    expect(cast).toMatchObject({ ok: false, error: "query failed (SQLSTATE 22P02)" });
    const missing = await postgresProbe.run(cfg({ query: "select * from canary_missing_relation" }), probeCtx());
    expect(missing).toMatchObject({ ok: false, error: "query failed (SQLSTATE 42P01)" });
    const raised = await postgresProbe.run(
      cfg({ query: "select case when v is not null then (v || 1/0::int)::text end from probe_canary" }),
      probeCtx(),
    );
    expect(raised).toMatchObject({ ok: false, error: "query failed (SQLSTATE 22012)" });
    expect(JSON.stringify([cast, missing, raised]).toLowerCase()).not.toContain("canary");
  });

  it("unknown database / role → fixed text, no names, and a password never appears in the error", async () => {
    const secret = "s3cret-Pa55word";
    const r = await postgresProbe.run(cfg({ database: "canary_no_such_db", password: secret }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "database does not exist (SQLSTATE 3D000)" });
    expect(r.unknown).toBeUndefined();
    const role = await postgresProbe.run(cfg({ user: "canary_no_such_role", password: secret }), probeCtx());
    expect(role).toMatchObject({ ok: false, error: "authentication failed (SQLSTATE 28000)" });
    expect(JSON.stringify([r, role])).not.toContain(secret);
    expect(JSON.stringify([r, role])).not.toContain("canary");
  });

  it("the config refuses writes and a second statement", () => {
    for (const query of [
      "delete from probe_canary",
      "update probe_canary set v = 'x'",
      "create table probe_was_here (x int)",
      "copy (select 1) to program 'true'",
      "select 1; delete from probe_canary",
      "select 1; select 2",
      "/* c */ delete from probe_canary",
    ]) {
      expect(PostgresProbeConfig.safeParse({ ...base, query }).success, query).toBe(false);
    }
    expect(PostgresProbeConfig.parse({ ...base, query: " select 1 ;; " }).query).toBe("select 1");
  });

  it("the server refuses writes on its own: nothing changes, no program runs", async () => {
    const marker = `/tmp/steward-probe-copy-${process.pid}-${Date.now()}`;
    const attempts = [
      "delete from probe_canary",
      "update probe_canary set v = 'x'",
      "create table probe_was_here (x int)",
      `copy (select 1) to program 'touch ${marker}'`,
      "with d as (delete from probe_canary returning 1) select count(*) from d",
      "select 1; delete from probe_canary",
      "select v from probe_canary for update",
      "select nextval('probe_seq_missing')",
    ];
    for (const query of attempts) {
      const r = await postgresProbe.run(raw(query), probeCtx());
      expect(r.ok, query).toBe(false);
      expect(r.error, query).toMatch(/^query (refused|failed)\b.*\(SQLSTATE [0-9A-Z]{5}\)$/);
    }
    expect(await canaryRows()).toEqual([CANARY]);
    const { existsSync } = await import("node:fs");
    expect(existsSync(marker)).toBe(false);
    const tables = await admin.query("select count(*)::int as n from pg_tables where tablename = 'probe_was_here'");
    expect(tables.rows[0].n).toBe(0);
  });

  it("refused → fail", async () => {
    const r = await postgresProbe.run(cfg({ port: await freePort() }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "connection refused" });
  });

  it("slow query → timeout fail, the server-side statement is cancelled and the connection gone", async () => {
    const r = await postgresProbe.run(cfg({ query: "select pg_sleep(1000)" }), probeCtx({ timeoutMs: 400 }));
    expect(r).toMatchObject({ ok: false, error: "timeout after 400 ms" });
    expect(r.unknown).toBeUndefined();
    await expect.poll(probeConnections, { timeout: 5000 }).toBe(0);
  });

  it("a query that lifts its own statement_timeout still ends at the deadline, its backend gone", async () => {
    const t0 = Date.now();
    // The query tries to lift its own timeout first: the timer armed for this statement still fires.
    const r = await postgresProbe.run(
      cfg({ query: "select set_config('statement_timeout', '0', false), pg_sleep(1000)" }),
      probeCtx({ timeoutMs: 600 }),
    );
    expect(r).toMatchObject({ ok: false, error: "timeout after 600 ms" });
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect.poll(probeConnections, { timeout: 5000 }).toBe(0);
  });

  it("SSRF: the machine's own database is refused without an allowlist", async () => {
    const r = await postgresProbe.run(cfg(), probeCtx({ ssrf: createSsrfGuard() }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });
});
