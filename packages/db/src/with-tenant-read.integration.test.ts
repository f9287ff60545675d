import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectAll } from "./disconnect.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { TenantScopeError } from "./tenant.ts";
import { withAdminClient } from "./testing/index.ts";
import { getTenantReadPool, inlineSql, withTenantRead, withTenantReadAll } from "./with-tenant-read.ts";

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

afterAll(async () => {
  await disconnectAll();
});

describe("withTenantRead", () => {
  it("scopes reads to the tenants through RLS, even when the query names another tenant", async () => {
    expect(await withTenantRead(A, Prisma.sql`select name, tenant_id::text as t from assets`)).toEqual([
      { name: "a1", t: A },
    ]);
    expect(await withTenantRead(A, Prisma.sql`select name from assets where tenant_id = ${B}::uuid`)).toEqual([]);
    const both = await withTenantRead<{ name: string }>([A, B], Prisma.sql`select name from assets order by name`);
    expect(both.map((r) => r.name)).toEqual(["a1", "b1"]);
  });

  it("runs several queries in one transaction and returns each one's rows", async () => {
    const [setting, assets, ro] = await withTenantReadAll<[{ s: string }[], { name: string }[], { ro: string }[]]>(B, [
      Prisma.sql`select current_setting('app.tenant_ids') as s`,
      Prisma.sql`select name from assets`,
      Prisma.sql`select current_setting('transaction_read_only') as ro`,
    ]);
    expect(setting).toEqual([{ s: B }]);
    expect(assets).toEqual([{ name: "b1" }]);
    expect(ro).toEqual([{ ro: "on" }]);
  });

  it("is read only", async () => {
    await expect(
      withTenantRead(A, Prisma.sql`update assets set name = 'x' where tenant_id = ${A}::uuid returning 1`),
    ).rejects.toThrow(/read-only transaction/);
    expect(await withTenantRead(A, Prisma.sql`select name from assets`)).toEqual([{ name: "a1" }]);
  });

  it("leaves no tenant setting on the pooled connections, also after an error", async () => {
    await expect(withTenantRead(A, Prisma.sql`select 1 / 0`)).rejects.toThrow(/division by zero/);
    await Promise.all(Array.from({ length: 20 }, (_, i) => withTenantRead(i % 2 ? A : B, Prisma.sql`select 1`)));
    const pool = getTenantReadPool();
    const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    try {
      for (const c of clients) {
        const { rows } = await c.query(
          "select coalesce(current_setting('app.tenant_ids', true), '') as s, (select count(*)::int from assets) as n",
        );
        expect(rows[0]).toEqual({ s: "", n: 0 });
      }
    } finally {
      for (const c of clients) c.release();
    }
  });

  it("rejects an empty tenant list, malformed ids and more than one statement per query", async () => {
    await expect(withTenantRead([], Prisma.sql`select 1`)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(withTenantRead("1,2", Prisma.sql`select 1`)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(
      withTenantRead(A, Prisma.sql`select 1; select set_config('app.tenant_ids', ${B}, false)`),
    ).rejects.toThrow(/one statement per query/);
  });

  it("inlines values as literals that round-trip exactly", async () => {
    const hostile = `it's a \\ "test"; drop table assets; --\n${String.fromCharCode(0x2028)}é`;
    const when = new Date("2026-03-29T01:30:00.123Z");
    const arr = [hostile, "", null, "{a,b}", 'x"y', "back\\slash", "NULL"];
    const [row] = await withTenantRead<Record<string, unknown>>(
      A,
      Prisma.sql`select ${hostile}::text as s, ${when}::timestamptz as d, 1 - ${-1} as n, ${2.5}::float8 as f,
                        ${10n}::int8::text as b, ${true} as t, ${null}::text as z, ${arr}::text[] as a,
                        ${[A, B]}::uuid[] as u, ${[1, -2, 3]}::int[] as i, ${[when]}::timestamptz[] as ds`,
    );
    expect(row).toEqual({
      s: hostile,
      d: when,
      n: 2,
      f: 2.5,
      b: "10",
      t: true,
      z: null,
      a: arr,
      u: [A, B],
      i: [1, -2, 3],
      ds: [when],
    });
    expect(() => inlineSql(Prisma.sql`select ${Number.NaN}`)).toThrow(RangeError);
    expect(() => inlineSql(Prisma.sql`select ${new Date(Number.NaN)}`)).toThrow(RangeError);
    expect(() => inlineSql(Prisma.sql`select ${{ a: 1 }}`)).toThrow(TypeError);
    expect(() => inlineSql(Prisma.sql`select ${Buffer.from("x")}`)).toThrow(TypeError);
  });
});
