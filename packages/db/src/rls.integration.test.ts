import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withAdminClient } from "./testing/index.ts";

// Row-level security, end to end: rows of two tenants in EVERY tenant table (found from the
// catalog, so a new table without RLS or without seed rows here fails this test).

const A = randomUUID();
const B = randomUUID();
const PROVIDER = randomUUID();
type Ids = Record<string, string>;
const ids: Record<string, Ids> = {};

async function seedTenant(c: pg.Client, t: string, slug: string): Promise<Ids> {
  const one = async (sql: string, params: unknown[]) => (await c.query(sql, params)).rows[0] as { id: string };
  await c.query(`insert into organizations (id, kind, name, slug, parent_id) values ($1, 'CLIENT', $2, $2, $3)`, [
    t,
    slug,
    PROVIDER,
  ]);
  const user = await one(`insert into users (email, name, password_hash) values ($1, 'U', 'x') returning id`, [
    `${slug}@t.test`,
  ]);
  const membership = await one(
    `insert into memberships (tenant_id, user_id, role) values ($1, $2, 'CLIENT_ADMIN') returning id`,
    [t, user.id],
  );
  const asset = await one(`insert into assets (tenant_id, name, kind) values ($1, 'web', 'WEB_SERVICE') returning id`, [
    t,
  ]);
  const asset2 = await one(`insert into assets (tenant_id, name, kind) values ($1, 'db', 'DATABASE') returning id`, [
    t,
  ]);
  const dep = await one(
    `insert into asset_dependencies (tenant_id, asset_id, depends_on_id) values ($1, $2, $3) returning id`,
    [t, asset.id, asset2.id],
  );
  const monitor = await one(
    `insert into monitors (tenant_id, asset_id, name, kind, config, interval_seconds) values ($1, $2, 'home', 'HTTP', '{}', 30) returning id`,
    [t, asset.id],
  );
  await c.query(
    `insert into monitor_region_states (monitor_id, region, tenant_id, state) values ($1, 'local', $2, 'UP')`,
    [monitor.id, t],
  );
  // today's partition and the DEFAULT partition (far past)
  await c.query(
    `insert into probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state) values
       ($1, date_trunc('minute', now()), $2, now(), 'UP'), ($1, '2001-01-01T00:00:00Z', $2, now(), 'UP')`,
    [monitor.id, t],
  );
  // rollup rows (migration 20261124230100_rollups) for the current UTC hour and day
  for (const [table, unit] of [
    ["monitor_rollups_hourly", "hour"],
    ["monitor_rollups_daily", "day"],
  ] as const) {
    await c.query(
      `insert into ${table} (monitor_id, bucket_start, tenant_id, latency_hist, rolled_at)
       values ($1, date_trunc('${unit}', now(), 'UTC'), $2, array_fill(0, ARRAY[64]), now())`,
      [monitor.id, t],
    );
  }
  const interval = await one(
    `insert into state_intervals (tenant_id, monitor_id, state, started_at) values ($1, $2, 'UP', now() - interval '1 hour') returning id`,
    [t, monitor.id],
  );
  const incident = await one(
    `insert into incidents (tenant_id, number, monitor_id, title) values ($1, 1, $2, 'Down') returning id`,
    [t, monitor.id],
  );
  const event = await one(
    `insert into incident_events (tenant_id, incident_id, kind, message, actor_type, actor_label) values ($1, $2, 'OPENED', 'm', 'SYSTEM', 's') returning id`,
    [t, incident.id],
  );
  const contract = await one(
    `insert into service_contracts (tenant_id, name, availability_target, starts_on) values ($1, 'SLA', 99.9, '2026-01-01') returning id`,
    [t],
  );
  const audit = await one(
    `insert into audit_logs (tenant_id, actor_type, actor_label, action) values ($1, 'SYSTEM', 's', 'seed') returning id::text`,
    [t],
  );
  const allowEntry = await one(
    `insert into probe_allow_entries (tenant_id, target, requested_by) values ($1, '10.20.30.0/24:5432', 'seed') returning id`,
    [t],
  );
  const channel = await one(
    `insert into notification_channels (tenant_id, kind, name) values ($1, 'WEBHOOK', 'seed') returning id`,
    [t],
  );
  return {
    user: user.id,
    membership: membership.id,
    asset: asset.id,
    asset2: asset2.id,
    dep: dep.id,
    monitor: monitor.id,
    interval: interval.id,
    incident: incident.id,
    event: event.id,
    contract: contract.id,
    audit: audit.id,
    allowEntry: allowEntry.id,
    channel: channel.id,
  };
}

/** One INSERT per tenant table, for a row of tenant `t` (referencing that tenant's seed rows). */
const inserts: Record<string, (t: string) => [string, unknown[]]> = {
  organizations: (_t) => [
    `insert into organizations (id, kind, name, slug) values ($1, 'CLIENT', 'x', $2)`,
    [randomUUID(), `x-${randomUUID()}`],
  ],
  memberships: (t) => [
    `insert into memberships (tenant_id, user_id, role) values ($1, $2, 'CLIENT_VIEWER')`,
    [t, ids[A === t ? B : A]!.user],
  ],
  assets: (t) => [`insert into assets (tenant_id, name, kind) values ($1, $2, 'HOST')`, [t, `h-${randomUUID()}`]],
  asset_dependencies: (t) => [
    `insert into asset_dependencies (tenant_id, asset_id, depends_on_id) values ($1, $2, $3)`,
    [t, ids[t]!.asset2, ids[t]!.asset],
  ],
  monitors: (t) => [
    `insert into monitors (tenant_id, name, kind, config, interval_seconds) values ($1, $2, 'HTTP', '{}', 60)`,
    [t, `m-${randomUUID()}`],
  ],
  probe_results: (t) => [
    `insert into probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state) values ($1, now(), $2, now(), 'UP')`,
    [ids[t]!.monitor, t],
  ],
  monitor_region_states: (t) => [
    `insert into monitor_region_states (monitor_id, region, tenant_id, state) values ($1, $2, $3, 'UP')`,
    [ids[t]!.monitor, `r-${randomUUID().slice(0, 8)}`, t],
  ],
  state_intervals: (t) => [
    `insert into state_intervals (tenant_id, monitor_id, state, started_at, ended_at) values ($1, $2, 'DOWN', now() - interval '3 hours', now() - interval '2 hours')`,
    [t, ids[t]!.monitor],
  ],
  incidents: (t) => [`insert into incidents (tenant_id, number, title, status) values ($1, 99, 'x', 'RESOLVED')`, [t]],
  incident_events: (t) => [
    `insert into incident_events (tenant_id, incident_id, kind, message, actor_type, actor_label) values ($1, $2, 'NOTE', 'n', 'USER', 'u')`,
    [t, ids[t]!.incident],
  ],
  monitor_rollups_hourly: (t) => [
    `insert into monitor_rollups_hourly (monitor_id, bucket_start, tenant_id, latency_hist, rolled_at)
     values ($1, date_trunc('hour', now(), 'UTC') - interval '1 hour', $2, array_fill(0, ARRAY[64]), now())`,
    [ids[t]!.monitor, t],
  ],
  monitor_rollups_daily: (t) => [
    `insert into monitor_rollups_daily (monitor_id, bucket_start, tenant_id, latency_hist, rolled_at)
     values ($1, date_trunc('day', now(), 'UTC') - interval '1 day', $2, array_fill(0, ARRAY[64]), now())`,
    [ids[t]!.monitor, t],
  ],
  service_contracts: (t) => [
    `insert into service_contracts (tenant_id, name, availability_target, starts_on) values ($1, 'x', 99, '2026-01-01')`,
    [t],
  ],
  audit_logs: (t) => [
    `insert into audit_logs (tenant_id, actor_type, actor_label, action) values ($1, 'USER', 'u', 'x.y')`,
    [t],
  ],
  probe_allow_entries: (t) => [
    `insert into probe_allow_entries (tenant_id, target, requested_by) values ($1, $2, 'u')`,
    [t, `10.${Math.floor(Math.random() * 200)}.0.0/16:${1000 + Math.floor(Math.random() * 60000)}`],
  ],
  notification_channels: (t) => [
    `insert into notification_channels (tenant_id, kind, name) values ($1, 'SLACK', $2)`,
    [t, `c${Math.random()}`],
  ],
};

interface TableInfo {
  name: string;
  col: "tenant_id" | "id";
  isPartition: boolean;
  rls: boolean;
  force: boolean;
}
let tables: TableInfo[] = [];

let app: pg.Client;
let system: pg.Client;
let auth: pg.Client;

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  return c;
}

/** Runs fn as steward_app inside a transaction with app.tenant_ids = tenants (undefined: unset). */
async function asApp<T>(tenants: string | undefined, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  await app.query("begin");
  try {
    if (tenants !== undefined) await app.query("select set_config('app.tenant_ids', $1, true)", [tenants]);
    return await fn(app);
  } finally {
    await app.query("rollback");
  }
}

async function pgError(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected the statement to fail");
}

beforeAll(async () => {
  await withAdminClient(async (c) => {
    await c.query(`insert into organizations (id, kind, name, slug) values ($1, 'PROVIDER', 'MSP', $2)`, [
      PROVIDER,
      `msp-${PROVIDER}`,
    ]);
    ids[A] = await seedTenant(c, A, `a-${A}`);
    ids[B] = await seedTenant(c, B, `b-${B}`);
    await c.query(
      `insert into audit_logs (tenant_id, actor_type, actor_label, action) values (null, 'SYSTEM', 's', 'login')`,
    );
    const { rows } = await c.query(`
      select c.relname as name, a.attname as col, c.relispartition as "isPartition",
             c.relrowsecurity as rls, c.relforcerowsecurity as force
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and not a.attisdropped
       where c.relkind in ('r', 'p')
         and (a.attname = 'tenant_id' or (c.relname = 'organizations' and a.attname = 'id'))
       order by c.relname`);
    tables = rows as TableInfo[];
  });
  app = await connect(process.env.APP_DATABASE_URL!);
  system = await connect(process.env.SYSTEM_DATABASE_URL!);
  auth = await connect(process.env.AUTH_DATABASE_URL!);
});

afterAll(async () => {
  await app?.end();
  await system?.end();
  await auth?.end();
});

describe("row-level security", () => {
  it("covers every table with a tenant_id column (plus organizations), forced", () => {
    const names = tables.map((t) => t.name);
    for (const expected of Object.keys(inserts)) expect(names).toContain(expected);
    expect(names).toContain("probe_results_default");
    for (const t of tables) {
      expect({ table: t.name, rls: t.rls, force: t.force }).toEqual({ table: t.name, rls: true, force: true });
    }
    // Every non-partition tenant table has an insert case below.
    for (const t of tables.filter((t) => !t.isPartition)) expect(Object.keys(inserts)).toContain(t.name);
  });

  it("seeded both tenants in every tenant table (admin view)", async () => {
    await withAdminClient(async (c) => {
      for (const t of tables.filter((t) => !t.isPartition || t.name === "probe_results_default")) {
        const { rows } = await c.query(`select ${t.col}::text as tid from ${t.name}`);
        const seen = new Set(rows.map((r) => r.tid));
        expect({ table: t.name, a: seen.has(A), b: seen.has(B) }).toEqual({ table: t.name, a: true, b: true });
      }
    });
  });

  it("tenant A sees its own rows and none of tenant B, in every table", async () => {
    await asApp(A, async (c) => {
      for (const t of tables) {
        const { rows } = await c.query(`select * from ${t.name}`);
        const foreign = rows.filter((r) => r[t.col] !== A);
        expect({ table: t.name, foreign }).toEqual({ table: t.name, foreign: [] });
        if (!t.isPartition || t.name === "probe_results_default") {
          expect({ table: t.name, own: rows.length > 0 }).toEqual({ table: t.name, own: true });
        }
      }
    });
  });

  it("no tenant set (unset or empty) sees no rows", async () => {
    for (const setting of [undefined, "", " "]) {
      await asApp(setting, async (c) => {
        for (const t of tables) {
          const { rows } = await c.query(`select * from ${t.name}`);
          expect({ table: t.name, setting, rows: rows.length }).toEqual({ table: t.name, setting, rows: 0 });
        }
      });
    }
  });

  it("both tenants set sees both", async () => {
    await asApp(`${A},${B}`, async (c) => {
      const { rows } = await c.query("select id::text from organizations order by id");
      expect(rows.map((r) => r.id).sort()).toEqual([A, B].sort());
    });
  });

  it("a client tenant sees only its own organization (not its provider, not siblings)", async () => {
    await asApp(A, async (c) => {
      const { rows } = await c.query("select id from organizations");
      expect(rows).toEqual([{ id: A }]);
    });
  });

  it("rejects inserting tenant B rows under tenant A, in every table", async () => {
    for (const [table, build] of Object.entries(inserts)) {
      const [sql, params] = build(B);
      const err = await asApp(A, (c) => pgError(c.query(sql, params)));
      expect({ table, code: err.code, message: err.message }).toMatchObject({
        table,
        code: "42501",
        message: expect.stringMatching(/row-level security/),
      });
      // …while the same insert for tenant A's own scope works (the case is valid SQL).
      const [ownSql, ownParams] = build(A);
      if (table !== "organizations") await asApp(A, (c) => c.query(ownSql, ownParams));
    }
  });

  it("rejects moving a row to tenant B (UPDATE … SET tenant_id)", async () => {
    for (const t of tables.filter((t) => !t.isPartition && t.name !== "audit_logs")) {
      const err = await asApp(A, (c) => pgError(c.query(`update ${t.name} set ${t.col} = $1`, [B])));
      expect({ table: t.name, code: err.code }).toEqual({ table: t.name, code: "42501" });
    }
  });

  it("rejects a malformed tenant list instead of widening the scope", async () => {
    const err = await asApp("not-a-uuid", (c) => pgError(c.query("select * from assets")));
    expect(err.code).toBe("22P02");
  });
});

describe("audit_logs is append-only", () => {
  it("steward_app cannot UPDATE or DELETE (privileges)", async () => {
    for (const sql of ["update audit_logs set action = 'x'", "delete from audit_logs", "truncate audit_logs"]) {
      const err = await asApp(A, (c) => pgError(c.query(sql)));
      expect({ sql, code: err.code, message: err.message }).toMatchObject({
        sql,
        code: "42501",
        message: expect.stringMatching(/permission denied/),
      });
    }
  });

  it("steward_system cannot either, and even the owner hits the trigger", async () => {
    const err = await pgError(system.query("delete from audit_logs"));
    expect(err.code).toBe("42501");
    await withAdminClient(async (c) => {
      for (const sql of ["update audit_logs set action = 'x'", "delete from audit_logs", "truncate audit_logs"]) {
        const e = await pgError(c.query(sql));
        expect(e.message).toMatch(/append-only/);
      }
    });
  });

  it("steward_app inserts tenant-less rows but only steward_system reads them", async () => {
    await asApp(A, async (c) => {
      await c.query(
        `insert into audit_logs (tenant_id, actor_type, actor_label, action) values (null, 'USER', 'u', 'auth.login')`,
      );
      const { rows } = await c.query("select * from audit_logs where tenant_id is null");
      expect(rows).toEqual([]);
    });
    const { rows } = await system.query("select count(*)::int as n from audit_logs where tenant_id is null");
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });
});

describe("roles", () => {
  it("steward_app and steward_auth have no BYPASSRLS/superuser and own nothing; steward_system bypasses RLS", async () => {
    const { rows } = await system.query(
      `select rolname, rolbypassrls, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname in ('steward_app', 'steward_auth', 'steward_system') order by rolname`,
    );
    expect(rows).toEqual([
      { rolname: "steward_app", rolbypassrls: false, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
      { rolname: "steward_auth", rolbypassrls: false, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
      { rolname: "steward_system", rolbypassrls: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
    ]);
    const owned = await system.query(
      `select relname from pg_class where relowner in (select oid from pg_roles where rolname in ('steward_app', 'steward_auth', 'steward_system'))
       union all
       select proname::name from pg_proc where proowner in (select oid from pg_roles where rolname in ('steward_app', 'steward_auth', 'steward_system'))`,
    );
    expect(owned.rows).toEqual([]);
  });

  it("steward_system sees every tenant (BYPASSRLS) but cannot run DDL", async () => {
    const { rows } = await system.query("select count(distinct tenant_id)::int as n from assets");
    expect(rows[0].n).toBe(2);
    const err = await pgError(system.query("create table nope (id int)"));
    expect(err.code).toBe("42501");
    const err2 = await pgError(app.query("create table nope (id int)"));
    expect(err2.code).toBe("42501");
  });

  it("the application roles cannot touch the migrations table", async () => {
    const err = await pgError(app.query("select * from _prisma_migrations"));
    expect(err.code).toBe("42501");
  });
});

// ADR 0015: users and sessions carry no tenant, so no RLS; privileges are their wall. steward_app reads
// only the profile columns of users and nothing of sessions; identity goes through steward_auth's
// SECURITY DEFINER functions, each returning only what its caller needs.
describe("identity tables (users, sessions)", () => {
  async function userOf(t: string): Promise<string> {
    return ids[t]!.user!;
  }

  async function newSession(userId: string, opts: { expired?: boolean; revoked?: boolean } = {}): Promise<string> {
    return withAdminClient(async (c) => {
      const { rows } = await c.query(
        `insert into sessions (user_id, expires_at, revoked_at) values ($1, now() + ($2 || ' hours')::interval, $3) returning id::text`,
        [userId, opts.expired ? "-1" : "12", opts.revoked ? new Date() : null],
      );
      return rows[0].id as string;
    });
  }

  it("steward_app cannot read password hashes, nor write users, nor touch sessions", async () => {
    for (const sql of [
      "select password_hash from users",
      "select * from users",
      "select password_set_at from users",
      "update users set name = 'x'",
      "update users set password_hash = 'x'",
      "insert into users (email, name, password_hash) values ('evil@x.test', 'e', 'x')",
      "delete from users",
      "select * from sessions",
      "select id from sessions",
      "update sessions set revoked_at = null",
      `insert into sessions (user_id, expires_at) values ('${ids[A]!.user}', now() + interval '1 day')`,
      "delete from sessions",
    ]) {
      const err = await asApp(A, (c) => pgError(c.query(sql)));
      expect({ sql, code: err.code, message: err.message }).toMatchObject({
        sql,
        code: "42501",
        message: expect.stringMatching(/permission denied/),
      });
    }
    // Nor can the worker's BYPASSRLS role read a hash (it keeps its writes: test factories, tools).
    const sys = await pgError(system.query("select password_hash from users"));
    expect({ code: sys.code, message: sys.message }).toMatchObject({
      code: "42501",
      message: expect.stringMatching(/permission denied/),
    });
    // …but reads the profile columns the member list shows.
    const { rows } = await asApp(A, (c) =>
      c.query("select id::text, email, name, disabled_at, last_login_at from users where id = $1", [ids[A]!.user]),
    );
    expect(rows).toHaveLength(1);
  });

  it("steward_app cannot call the identity functions; steward_auth cannot read or write the tables directly", async () => {
    const session = await newSession(await userOf(A));
    for (const sql of [
      `select * from steward_auth_login_lookup('a@t.test')`,
      `select * from steward_auth_session_user('${session}')`,
      `select * from steward_auth_password_hash('${ids[A]!.user}')`,
      `select * from steward_auth_user_memberships('${ids[A]!.user}')`,
      `select steward_auth_set_password('${ids[A]!.user}', 'x', 'evil')`,
    ]) {
      const err = await asApp(A, (c) => pgError(c.query(sql)));
      expect({ sql, code: err.code }).toEqual({ sql, code: "42501" });
    }
    for (const sql of [
      "select id from users",
      "select password_hash from users",
      "select id from sessions",
      "update sessions set revoked_at = null",
      "update users set password_hash = 'x'",
      "select id from memberships",
      "select id from organizations",
      "select id from assets",
      "select id from audit_logs",
      `select steward_revoke_member_sessions('${ids[A]!.membership}', 'evil')`,
    ]) {
      const err = await pgError(auth.query(sql));
      expect({ sql, code: err.code }).toEqual({ sql, code: "42501" });
    }
  });

  it("the session function returns only user id, e-mail and name, and nothing for a wrong, expired or revoked id", async () => {
    const userId = await userOf(A);
    const live = await newSession(userId);
    const r = await auth.query("select * from steward_auth_session_user($1)", [live]);
    expect(r.fields.map((f) => f.name)).toEqual(["user_id", "email", "name"]);
    expect(r.rows).toEqual([{ user_id: userId, email: `a-${A}@t.test`, name: "U" }]);
    for (const id of [
      randomUUID(),
      await newSession(userId, { expired: true }),
      await newSession(userId, { revoked: true }),
    ]) {
      const none = await auth.query("select * from steward_auth_session_user($1)", [id]);
      expect(none.rows).toEqual([]);
    }
  });

  it("the login function returns only id, hash and disabled for that e-mail, nothing for an unknown one", async () => {
    const r = await auth.query("select * from steward_auth_login_lookup($1)", [`a-${A}@t.test`]);
    expect(r.fields.map((f) => f.name)).toEqual(["user_id", "password_hash", "disabled"]);
    expect(r.rows).toEqual([{ user_id: ids[A]!.user, password_hash: "x", disabled: false }]);
    expect((await auth.query("select * from steward_auth_login_lookup($1)", ["nobody@t.test"])).rows).toEqual([]);
    expect((await auth.query("select * from steward_auth_password_hash($1)", [randomUUID()])).rows).toEqual([]);
  });

  it("steward_app revokes sessions only for a membership of its current tenants", async () => {
    const sessionB = await newSession(await userOf(B));
    const foreign = await asApp(A, (c) =>
      c.query("select steward_revoke_member_sessions($1, 'x') as n", [ids[B]!.membership]),
    );
    expect(foreign.rows).toEqual([{ n: 0 }]);
    const unscoped = await asApp(undefined, (c) =>
      c.query("select steward_revoke_member_sessions($1, 'x') as n", [ids[B]!.membership]),
    );
    expect(unscoped.rows).toEqual([{ n: 0 }]);
    expect((await auth.query("select * from steward_auth_session_user($1)", [sessionB])).rows).toHaveLength(1);
    // Its own tenant's member: revoked (rolled back by asApp).
    const own = await asApp(B, (c) =>
      c.query("select steward_revoke_member_sessions($1, 'x') as n", [ids[B]!.membership]),
    );
    expect(own.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it("every SECURITY DEFINER function pins its search_path (pg_temp last) and is not executable by PUBLIC", async () => {
    const { rows } = await system.query(`
      select p.proname as name, p.proconfig as config, p.prorettype = 'trigger'::regtype as trigger,
             has_function_privilege('public', p.oid, 'EXECUTE') as public_exec
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace and n.nspname = 'public'
       where p.prosecdef
       order by 1`);
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const f of rows as { name: string; config: string[] | null; trigger: boolean; public_exec: boolean }[]) {
      const path = (f.config ?? []).find((c) => c.startsWith("search_path="));
      expect({ name: f.name, path }).toEqual({ name: f.name, path: expect.stringMatching(/^search_path=.*pg_temp$/) });
      // A trigger function cannot be called directly; every other one is granted to its one role.
      if (!f.trigger)
        expect({ name: f.name, public_exec: f.public_exec }).toEqual({ name: f.name, public_exec: false });
    }
  });
});
