import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSystemPool } from "./pool.ts";
import { withAdminClient } from "./testing/index.ts";

const T = randomUUID();
const M = randomUUID();
const M2 = randomUUID();

const day = (offsetDays: number) => {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d;
};
const partName = (d: Date) => `probe_results_p${d.toISOString().slice(0, 10).replaceAll("-", "")}`;

async function insertProbe(c: pg.Client | pg.Pool, monitorId: string, at: Date) {
  await c.query(
    `insert into probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state, latency_ms)
     values ($1, $2, $3, $2, 'UP', 12)`,
    [monitorId, at, T],
  );
}

async function partitionOf(monitorId: string, at: Date): Promise<string | undefined> {
  return withAdminClient(async (c) => {
    const { rows } = await c.query(
      "select tableoid::regclass::text as p from probe_results where monitor_id = $1 and scheduled_at = $2",
      [monitorId, at],
    );
    return rows[0]?.p;
  });
}

let app: pg.Client;

beforeAll(async () => {
  await withAdminClient(async (c) => {
    // The migrated template is cached across days (keyed by the migrations' hash), so its partitions are
    // those of the day it was built. Bring this database to what a migration run today leaves: daily
    // partitions from yesterday to today + 7 (UTC), nothing older.
    await c.query("select steward_drop_probe_partitions_before(((now() at time zone 'UTC')::date - 1))");
    await c.query("select steward_ensure_probe_partitions(7)");
    await c.query(`insert into organizations (id, kind, name, slug) values ($1, 'CLIENT', 'T', $2)`, [T, `t-${T}`]);
    await c.query(
      `insert into monitors (id, tenant_id, name, kind, config, interval_seconds) values ($1, $3, 'm1', 'HTTP', '{}', 30), ($2, $3, 'm2', 'HTTP', '{}', 30)`,
      [M, M2, T],
    );
  });
  app = new pg.Client({ connectionString: process.env.APP_DATABASE_URL });
  app.on("error", () => {});
  await app.connect();
});

afterAll(async () => {
  await app?.end();
});

describe("probe_results partitions", () => {
  it("has daily partitions from yesterday to a week ahead, and a DEFAULT", async () => {
    const { rows } = await withAdminClient((c) =>
      c.query(`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'probe_results'::regclass order by 1`),
    );
    const names = rows.map((r) => r.relname as string);
    for (let i = -1; i <= 7; i++) expect(names).toContain(partName(day(i)));
    expect(names).toContain("probe_results_default");
  });

  it("a row lands in its day's partition (written by the system pool)", async () => {
    const at = new Date(day(0).getTime() + 3_600_000 + 123);
    await insertProbe(getSystemPool(), M, at);
    expect(await partitionOf(M, at)).toBe(partName(day(0)));
    const lastMs = new Date(day(1).getTime() - 1);
    await insertProbe(getSystemPool(), M, lastMs);
    expect(await partitionOf(M, lastMs)).toBe(partName(day(0)));
    await insertProbe(getSystemPool(), M, day(1));
    expect(await partitionOf(M, day(1))).toBe(partName(day(1)));
  });

  it("(monitor_id, scheduled_at) is unique: a retried slot never writes twice", async () => {
    const at = new Date(day(0).getTime() + 7_200_000);
    await insertProbe(getSystemPool(), M2, at);
    await expect(insertProbe(getSystemPool(), M2, at)).rejects.toMatchObject({ code: "23505" });
    // ON CONFLICT DO NOTHING is the idempotent write path
    const r = await getSystemPool().query(
      `insert into probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state) values ($1, $2, $3, $2, 'DOWN')
       on conflict (monitor_id, scheduled_at, region) do nothing`,
      [M2, at, T],
    );
    expect(r.rowCount).toBe(0);
  });

  it("rows outside any daily partition go to DEFAULT and move when their partition is created", async () => {
    const far = new Date(day(20).getTime() + 60_000);
    await insertProbe(getSystemPool(), M, far);
    expect(await partitionOf(M, far)).toBe("probe_results_default");
    const { rows } = await getSystemPool().query("select steward_ensure_probe_partitions(21) as n");
    expect(rows[0].n).toBe(14); // days 8..21
    expect(await partitionOf(M, far)).toBe(partName(day(20)));
    // idempotent
    const again = await getSystemPool().query("select steward_ensure_probe_partitions(21) as n");
    expect(again.rows[0].n).toBe(0);
    // new partitions are tenant-isolated too
    const rls = await withAdminClient((c) =>
      c.query("select relrowsecurity and relforcerowsecurity as ok from pg_class where relname = $1", [
        partName(day(20)),
      ]),
    );
    expect(rls.rows[0].ok).toBe(true);
  });

  it("retention drops whole partitions before the cutoff", async () => {
    const y = new Date(day(-1).getTime() + 1000);
    await insertProbe(getSystemPool(), M, y);
    const old = new Date("2001-01-01T00:00:00Z");
    await insertProbe(getSystemPool(), M, old);
    const { rows } = await getSystemPool().query("select steward_drop_probe_partitions_before($1::date) as n", [
      day(0).toISOString().slice(0, 10),
    ]);
    expect(rows[0].n).toBe(1);
    expect(await partitionOf(M, y)).toBeUndefined();
    expect(await partitionOf(M, old)).toBeUndefined();
    expect(await partitionOf(M, new Date(day(0).getTime() + 3_600_000 + 123))).toBe(partName(day(0)));
  });

  it("the app role may not manage partitions", async () => {
    await expect(app.query("select steward_ensure_probe_partitions(1)")).rejects.toMatchObject({ code: "42501" });
    await expect(app.query("select steward_drop_probe_partitions_before(current_date)")).rejects.toMatchObject({
      code: "42501",
    });
  });
});

describe("constraints", () => {
  it("state_intervals: one open interval per monitor, no overlap, positive length", async () => {
    const pool = getSystemPool();
    const ins = (state: string, from: string, to: string | null) =>
      pool.query(
        `insert into state_intervals (tenant_id, monitor_id, state, started_at, ended_at) values ($1, $2, $3, $4, $5)`,
        [T, M, state, from, to],
      );
    await ins("UP", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z");
    await ins("DOWN", "2026-01-01T01:00:00Z", "2026-01-01T01:05:00Z"); // adjacent is fine ([) ranges)
    await ins("UP", "2026-01-01T01:05:00Z", null);
    await expect(ins("DOWN", "2026-01-01T00:30:00Z", "2026-01-01T00:40:00Z")).rejects.toMatchObject({ code: "23P01" });
    await expect(ins("DOWN", "2026-01-02T00:00:00Z", null)).rejects.toMatchObject({ code: "23505" });
    await expect(ins("DOWN", "2025-01-01T00:10:00Z", "2025-01-01T00:10:00Z")).rejects.toMatchObject({ code: "23514" });
    await expect(ins("DOWN", "2025-01-01T00:10:00Z", "2025-01-01T00:00:00Z")).rejects.toMatchObject({ code: "23514" });
  });

  it("incidents: one open incident per monitor", async () => {
    const pool = getSystemPool();
    const open = (n: number) =>
      pool.query(
        `insert into incidents (tenant_id, number, monitor_id, title) values ($1, $2, $3, 'down') returning id`,
        [T, n, M2],
      );
    const first = await open(1);
    await expect(open(2)).rejects.toMatchObject({ code: "23505" });
    await pool.query(`update incidents set status = 'RESOLVED', resolved_at = now() where id = $1`, [first.rows[0].id]);
    await open(3);
    // incidents without a monitor are not limited
    await pool.query(`insert into incidents (tenant_id, number, title) values ($1, 10, 'x'), ($1, 11, 'y')`, [T]);
  });
});
