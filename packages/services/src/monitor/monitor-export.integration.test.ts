import { withSystem } from "@steward/db";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { auditRows, createOrganization, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { csvSafe, exportMonitorsCsv, MONITOR_CSV_COLUMNS, MONITOR_EXPORT_CHUNK } from "./export-monitors.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

async function drain(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe("csvSafe", () => {
  it("prefixes formula-looking cells with an apostrophe, leaves the rest", () => {
    for (const v of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(csvSafe(v)).toBe(`'${v}`);
    for (const v of ["api", "1-2", "a=b", "", "'quoted"]) expect(csvSafe(v)).toBe(v);
  });
});

describe("exportMonitorsCsv", () => {
  it("streams every matching row in chunks (not just one page), in the list's order", async () => {
    // 2,345 monitors on a fresh tenant of the provider: more than two chunks of 1,000.
    const tenant = await createOrganization({ kind: "CLIENT", name: "Export tenant", parentId: w.providerId });
    const n = 2 * MONITOR_EXPORT_CHUNK + 345;
    await withSystem((tx) =>
      tx.monitor.createMany({
        data: Array.from({ length: n }, (_, i) => ({
          tenantId: tenant.id,
          name: `svc-${String(i).padStart(5, "0")}`,
          kind: "HTTP" as const,
          config: { url: `http://127.0.0.1:4100/healthy?i=${i}`, method: "GET" },
          intervalSeconds: 60,
          state: i % 10 === 0 ? ("DOWN" as const) : ("UP" as const),
          tags: i % 2 ? ["odd"] : [],
          regions: i % 3 ? ["local"] : ["eu", "us"],
          regionQuorum: i % 3 ? 1 : 2,
        })),
      }),
    );
    const ctx = await tenantContext(w.personas.providerAdmin.user, tenant.id);
    const r = await exportMonitorsCsv(ctx, { sort: "name", dir: "desc" });
    expect(r.rows).toBe(n);
    expect(r.filename).toMatch(new RegExp(`^monitors-${tenant.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const chunks = await drain(r.chunks);
    expect(chunks.length).toBe(1 + 3); // header + ceil(2345 / 1000)
    const text = chunks.join("");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parse(text, { bom: true });
    expect(rows[0]).toEqual([...MONITOR_CSV_COLUMNS]);
    expect(rows.length).toBe(n + 1);
    expect(rows[1]?.[0]).toBe(`svc-${String(n - 1).padStart(5, "0")}`);
    expect(rows.at(-1)?.[0]).toBe("svc-00000");
    const names = rows.slice(1).map((x) => x[0]);
    expect(new Set(names).size).toBe(n);
    const first = rows.at(-1) ?? [];
    expect(Object.fromEntries(MONITOR_CSV_COLUMNS.map((c, i) => [c, first[i]]))).toMatchObject({
      Name: "svc-00000",
      Status: "DOWN",
      Kind: "HTTP",
      Target: "http://127.0.0.1:4100/healthy?i=0",
      Asset: "",
      Tags: "",
      Regions: "eu; us",
      "Down quorum": "2 of 2",
      "Interval (s)": "60",
      "Last checked (UTC)": "",
      "Latency (ms)": "",
    });

    // Filters: the same as the list (status, tag, search), still across every chunk.
    const down = parse((await drain((await exportMonitorsCsv(ctx, { status: ["DOWN"] })).chunks)).join(""), {
      bom: true,
    });
    expect(down.length - 1).toBe(Math.ceil(n / 10));
    expect(down.slice(1).every((x) => x[1] === "DOWN")).toBe(true);
    const odd = await exportMonitorsCsv(ctx, { tag: "odd", q: "svc-01" });
    expect(odd.rows).toBe(500);

    // Provider staff reading a client tenant leave a tenant.read audit row naming the export.
    const reads = await auditRows({ tenantId: tenant.id, action: "tenant.read" });
    expect(reads.some((a) => (a.metadata as { what?: string } | null)?.what === "monitor.export")).toBe(true);
  });

  it("only the tenant's own monitors; names that look like formulas are neutralised; viewers may export", async () => {
    await withSystem((tx) =>
      tx.monitor.createMany({
        data: [
          {
            tenantId: w.tenants.A.id,
            name: '=HYPERLINK("http://evil.test","x")',
            kind: "HTTP",
            config: { url: "http://127.0.0.1:4100/a", method: "GET" },
            intervalSeconds: 60,
            lastError: "+cmd|' /C calc'!A0",
            tags: ["@risk"],
          },
          {
            tenantId: w.tenants.A.id,
            name: 'comma, "quote"\nnewline',
            kind: "TCP",
            config: { host: "-db.internal", port: 5432 },
            intervalSeconds: 60,
          },
        ],
      }),
    );
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const r = await exportMonitorsCsv(viewer);
    const text = (await drain(r.chunks)).join("");
    const rows = parse(text, { bom: true }).slice(1);
    expect(rows.length).toBe(r.rows);
    expect(rows.length).toBe(await withSystem((tx) => tx.monitor.count({ where: { tenantId: w.tenants.A.id } })));
    const evil = rows.find((x) => x[0]?.includes("HYPERLINK"));
    expect(evil?.[0]).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(evil?.[5]).toBe("'@risk");
    expect(evil?.[12]).toBe("'+cmd|' /C calc'!A0");
    const tricky = rows.find((x) => x[0]?.startsWith("comma"));
    expect(tricky?.[0]).toBe('comma, "quote"\nnewline');
    expect(tricky?.[3]).toBe("'-db.internal");
    // Nothing of tenant B or X.
    for (const id of [w.tenants.B.monitorId, w.tenants.X.monitorId]) expect(text).not.toContain(id);
    expect(text).toContain(w.tenants.A.monitorId);
  });

  it("rejects bad input before anything is streamed", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(exportMonitorsCsv(ctx, { sort: "nope" as "name" })).rejects.toThrow();
    await expect(exportMonitorsCsv(ctx, { kind: ["not a kind"] })).rejects.toThrow();
  });
});
