import { Prisma } from "@steward/db";
import { stringify } from "csv-stringify/sync";
import type { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { type MonitorListRow, monitorListSql, SearchMonitorsInput, selectMonitorRows } from "./search-monitors.ts";

/** Rows fetched per statement while exporting. */
export const MONITOR_EXPORT_CHUNK = 1000;
/** An export stops with an error past this many rows (20 × the 5,000 a tenant is sized for). */
export const MONITOR_EXPORT_MAX_ROWS = 100_000;

/** The monitor list's filters and sort (no paging: every matching row is exported). */
export const ExportMonitorsInput = SearchMonitorsInput.omit({ page: true, pageSize: true });
export type ExportMonitorsInput = z.input<typeof ExportMonitorsInput>;

export const MONITOR_CSV_COLUMNS = [
  "Name",
  "Status",
  "Kind",
  "Target",
  "Asset",
  "Tags",
  "Regions",
  "Down quorum",
  "Interval (s)",
  "Last checked (UTC)",
  "Latency (ms)",
  "State since (UTC)",
  "Last error",
  "ID",
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, and tab / CR which some strip first) gets a
 * leading apostrophe (OWASP "CSV injection"). Every text cell goes through this.
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRecord(r: MonitorListRow): (string | number | null)[] {
  return [
    r.name,
    r.paused ? "PAUSED" : r.state,
    r.kind,
    r.target ?? "",
    r.asset?.name ?? "",
    r.tags.join("; "),
    r.regions.join("; "),
    `${r.regionQuorum} of ${r.regions.length}`,
    r.intervalSeconds,
    r.lastCheckedAt ? r.lastCheckedAt.toISOString() : "",
    r.lastLatencyMs,
    r.stateSince.toISOString(),
    r.lastError ?? "",
    r.id,
  ];
}

function csvLines(records: (string | number | null)[][], header = false): string {
  return stringify(records, {
    bom: header,
    record_delimiter: "\r\n",
    cast: { string: csvSafe, number: (n) => String(n) },
  });
}

/**
 * The tenant's monitors matching the list's filters, as CSV (RFC 4180, CRLF, UTF-8 with BOM for
 * spreadsheets), in the list's sort order. The matching ids are read first (one snapshot, so rows cannot
 * shift between chunks), then the rows 1,000 at a time, each chunk its own short tenant transaction —
 * the caller streams the chunks as they come. Permission and input are checked before the first chunk.
 */
export async function exportMonitorsCsv(
  ctx: ServiceContext,
  rawInput: ExportMonitorsInput = {},
): Promise<{ filename: string; rows: number; chunks: AsyncGenerator<string, void, undefined> }> {
  requirePermission(ctx, "monitor:read");
  const input = ExportMonitorsInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  const sql = monitorListSql(tenantId, input);
  const ids = await withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "monitor.export");
    const rows = await tx.$queryRaw<{ id: string }[]>`
      select m.id::text as id from monitors m where ${sql.whereAll} order by ${sql.order}
       limit ${MONITOR_EXPORT_MAX_ROWS + 1}`;
    return rows.map((r) => r.id);
  });
  if (ids.length > MONITOR_EXPORT_MAX_ROWS) {
    throw new ValidationError(
      `More than ${MONITOR_EXPORT_MAX_ROWS.toLocaleString("en")} monitors match: narrow the filters`,
    );
  }
  const day = new Date().toISOString().slice(0, 10);
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    yield csvLines([[...MONITOR_CSV_COLUMNS]], true);
    for (let i = 0; i < ids.length; i += MONITOR_EXPORT_CHUNK) {
      const chunk = ids.slice(i, i + MONITOR_EXPORT_CHUNK);
      const rows = await withTenant(ctx, (tx) =>
        selectMonitorRows(
          tx,
          {
            whereAll: Prisma.sql`m.tenant_id = ${tenantId}::uuid and m.id = any(${chunk}::uuid[])`,
            order: Prisma.sql`array_position(${chunk}::uuid[], m.id)`,
          },
          chunk.length,
          0,
        ),
      );
      if (rows.length) yield csvLines(rows.map(csvRecord));
    }
  }
  return { filename: `monitors-${ctx.tenant?.slug ?? "tenant"}-${day}.csv`, rows: ids.length, chunks: chunks() };
}
