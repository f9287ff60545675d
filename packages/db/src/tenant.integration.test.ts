import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDbClient, getAppDb, getSystemDb } from "./client.ts";
import { getSystemPool } from "./pool.ts";
import { TenantScopeError, withSystem, withTenant } from "./tenant.ts";
import { withAdminClient } from "./testing/index.ts";

const A = randomUUID();
const B = randomUUID();

beforeAll(async () => {
  await withAdminClient(async (c) => {
    await c.query(
      `insert into organizations (id, kind, name, slug) values ($1, 'CLIENT', 'A', $3), ($2, 'CLIENT', 'B', $4)`,
      [A, B, `a-${A}`, `b-${B}`],
    );
    await c.query(`insert into assets (tenant_id, name, kind) values ($1, 'a1', 'HOST'), ($2, 'b1', 'HOST')`, [A, B]);
  });
});

describe("withTenant", () => {
  it("scopes queries to the tenant through RLS", async () => {
    const assets = await withTenant(A, (tx) => tx.asset.findMany({ select: { name: true, tenantId: true } }));
    expect(assets).toEqual([{ name: "a1", tenantId: A }]);
    const orgs = await withTenant([A, B], (tx) =>
      tx.organization.findMany({ select: { id: true }, orderBy: { name: "asc" } }),
    );
    expect(orgs.map((o) => o.id)).toEqual([A, B]);
  });

  it("rejects an empty tenant list and malformed ids", async () => {
    await expect(withTenant([], async () => 1)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(withTenant("nope", async () => 1)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(withTenant([A, "1,2"], async () => 1)).rejects.toBeInstanceOf(TenantScopeError);
  });

  it("rolls back on error and leaves no tenant setting on the connection", async () => {
    await expect(
      withTenant(A, async (tx) => {
        await tx.asset.create({ data: { tenantId: A, name: "tmp", kind: "HOST" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const left = await withSystem((tx) => tx.asset.count({ where: { name: "tmp" } }));
    expect(left).toBe(0);
    const setting = await getAppDb().$queryRaw<
      { s: string | null }[]
    >`select current_setting('app.tenant_ids', true) as s`;
    expect(setting[0]?.s ?? "").toBe("");
    expect(await getAppDb().asset.count()).toBe(0); // outside withTenant: no rows at all
  });

  it("200 interleaved calls for two tenants on a pool of 2: no scope ever leaks", async () => {
    const db = createDbClient({ connectionString: process.env.APP_DATABASE_URL!, max: 2 });
    try {
      const calls = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? A : B));
      const results = await Promise.all(
        calls.map((tenant, i) =>
          withTenant(
            tenant,
            async (tx) => {
              // yield between statements so transactions interleave on the two connections
              const [setting] = await tx.$queryRaw<{ s: string }[]>`select current_setting('app.tenant_ids') as s`;
              await new Promise((r) => setImmediate(r));
              const orgs = await tx.organization.findMany({ select: { id: true } });
              const assets = await tx.asset.findMany({ select: { tenantId: true } });
              return {
                i,
                tenant,
                setting: setting?.s,
                orgs: orgs.map((o) => o.id),
                assets: assets.map((a) => a.tenantId),
              };
            },
            { db },
          ),
        ),
      );
      const mismatches = results.filter(
        (r) =>
          r.setting !== r.tenant ||
          r.orgs.length !== 1 ||
          r.orgs[0] !== r.tenant ||
          r.assets.length !== 1 ||
          r.assets[0] !== r.tenant,
      );
      expect(results).toHaveLength(200);
      expect(mismatches).toEqual([]);
      const [after] = await db.$queryRaw<{ s: string | null }[]>`select current_setting('app.tenant_ids', true) as s`;
      expect(after?.s ?? "").toBe("");
    } finally {
      await db.$disconnect();
    }
  });
});

describe("system access", () => {
  it("withSystem and getSystemPool see every tenant", async () => {
    expect(await withSystem((tx) => tx.asset.count())).toBe(2);
    expect(await getSystemDb().organization.count()).toBe(2);
    const { rows } = await getSystemPool().query("select current_user as u, count(*)::int as n from assets group by 1");
    expect(rows).toEqual([{ u: "steward_system", n: 2 }]);
  });
});

afterAll(async () => {
  // the harness disconnects the singletons; nothing else to close
});
