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

let admin: pg.Client;
beforeAll(async () => {
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
});
afterAll(() => admin.end());

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

  it("expected value: match → ok, mismatch → fail with both values", async () => {
    expect(await postgresProbe.run(cfg({ query: "select 40 + 2", expected: "42" }), probeCtx())).toMatchObject({
      ok: true,
    });
    expect(await postgresProbe.run(cfg({ query: "select 'a'::text", expected: "b" }), probeCtx())).toMatchObject({
      ok: false,
      error: "query returned a, expected b",
    });
  });

  it("queries run read-only", async () => {
    const r = await postgresProbe.run(cfg({ query: "create table probe_was_here (x int)" }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/read-only transaction/) });
  });

  it("unknown database / role → fail, and a password never appears in the error", async () => {
    const secret = "s3cret-Pa55word";
    const r = await postgresProbe.run(cfg({ database: "no_such_db_for_probe", password: secret }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/does not exist/) });
    expect(r.unknown).toBeUndefined();
    const role = await postgresProbe.run(cfg({ user: "no_such_role_for_probe", password: secret }), probeCtx());
    expect(role.ok).toBe(false);
    expect(JSON.stringify([r, role])).not.toContain(secret);
  });

  it("refused → fail", async () => {
    const r = await postgresProbe.run(cfg({ port: await freePort() }), probeCtx());
    expect(r).toMatchObject({ ok: false, error: "connection refused" });
  });

  it("slow query → timeout fail, the server-side statement is cancelled and the connection gone", async () => {
    const r = await postgresProbe.run(cfg({ query: "select pg_sleep(5)" }), probeCtx({ timeoutMs: 400 }));
    expect(r.ok).toBe(false);
    expect(r.unknown).toBeUndefined();
    expect(r.error).toMatch(/timeout|statement timeout|canceling statement/);
    await expect.poll(probeConnections, { timeout: 5000 }).toBe(0);
  });

  it("SSRF: the machine's own database is refused without an allowlist", async () => {
    const r = await postgresProbe.run(cfg(), probeCtx({ ssrf: createSsrfGuard() }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });
});
