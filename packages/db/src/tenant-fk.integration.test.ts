import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { withAdminClient } from "./testing/index.ts";

// Foreign-key checks bypass RLS; the composite (tenant_id, id) keys of migration
// 20261124220200 make the database itself refuse a reference into another tenant.
const P = randomUUID();
const A = randomUUID();
const B = randomUUID();
const assetA = randomUUID();
const assetB = randomUUID();
const monitorA = randomUUID();
const monitorB = randomUUID();
const incidentB = randomUUID();

beforeAll(async () => {
  await withAdminClient(async (c) => {
    await c.query(
      `insert into organizations (id, kind, name, slug, parent_id) values
        ($1, 'PROVIDER', 'P', $4, null), ($2, 'CLIENT', 'A', $5, $1), ($3, 'CLIENT', 'B', $6, $1)`,
      [P, A, B, `p-${P}`, `a-${A}`, `b-${B}`],
    );
    await c.query(
      `insert into assets (id, tenant_id, name, kind) values ($1, $2, 'a', 'HOST'), ($3, $4, 'b', 'HOST')`,
      [assetA, A, assetB, B],
    );
    await c.query(
      `insert into monitors (id, tenant_id, name, kind, config, interval_seconds) values
        ($1, $2, 'm', 'HTTP', '{}', 30), ($3, $4, 'm', 'HTTP', '{}', 30)`,
      [monitorA, A, monitorB, B],
    );
    await c.query(`insert into incidents (id, tenant_id, number, title) values ($1, $2, 1, 'b')`, [incidentB, B]);
  });
});

const refused = (sql: string, params: unknown[]) =>
  withAdminClient((c) => c.query(sql, params)).then(
    () => "accepted",
    (e: { code?: string }) => e.code,
  );

describe("tenant-bound foreign keys", () => {
  it("refuses references into another tenant, from every referencing table", async () => {
    // 23503 = foreign_key_violation
    expect(
      await refused(
        `insert into monitors (tenant_id, asset_id, name, kind, config, interval_seconds) values ($1, $2, 'x', 'HTTP', '{}', 30)`,
        [A, assetB],
      ),
    ).toBe("23503");
    expect(
      await refused(
        `insert into state_intervals (tenant_id, monitor_id, state, started_at) values ($1, $2, 'UP', now())`,
        [A, monitorB],
      ),
    ).toBe("23503");
    expect(
      await refused(`insert into incidents (tenant_id, number, title, monitor_id) values ($1, 7, 't', $2)`, [
        A,
        monitorB,
      ]),
    ).toBe("23503");
    expect(
      await refused(
        `insert into incident_events (tenant_id, incident_id, kind, message, actor_type, actor_label) values ($1, $2, 'NOTE', 'x', 'SYSTEM', 's')`,
        [A, incidentB],
      ),
    ).toBe("23503");
    expect(
      await refused(`insert into asset_dependencies (tenant_id, asset_id, depends_on_id) values ($1, $2, $3)`, [
        A,
        assetA,
        assetB,
      ]),
    ).toBe("23503");
  });

  it("accepts same-tenant references and nulls only the reference when its target goes", async () => {
    const m = randomUUID();
    expect(
      await refused(
        `insert into monitors (id, tenant_id, asset_id, name, kind, config, interval_seconds) values ($1, $2, $3, 'y', 'HTTP', '{}', 30)`,
        [m, A, assetA],
      ),
    ).toBe("accepted");
    await withAdminClient((c) => c.query(`delete from assets where id = $1`, [assetA]));
    const row = await withAdminClient((c) => c.query(`select tenant_id, asset_id from monitors where id = $1`, [m]));
    expect(row.rows[0]).toEqual({ tenant_id: A, asset_id: null });
  });

  it("refuses a membership scope naming a tenant outside the provider", async () => {
    const user = randomUUID();
    await withAdminClient((c) =>
      c.query(`insert into users (id, email, name, password_hash) values ($1, $2, 'u', 'x')`, [user, `${user}@t.test`]),
    );
    const stranger = randomUUID();
    expect(
      await refused(
        `insert into memberships (tenant_id, user_id, role, scope_tenant_ids) values ($1, $2, 'ENGINEER', ARRAY[$3]::uuid[])`,
        [P, user, stranger],
      ),
    ).toBe("23503");
    expect(
      await refused(
        `insert into memberships (tenant_id, user_id, role, scope_tenant_ids) values ($1, $2, 'ENGINEER', ARRAY[$3]::uuid[])`,
        [P, user, A],
      ),
    ).toBe("accepted");
  });
});
