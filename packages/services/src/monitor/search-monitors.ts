import { Prisma, type Tx } from "@steward/db";
import { MonitorState, SingleLineText } from "@steward/domain";
import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const MONITOR_PAGE_SIZE = 50;

/** A monitor's status in the list: its state, or PAUSED (a paused monitor keeps its last state). */
export const MonitorStatus = z.enum([...MonitorState.options, "PAUSED"]);
export type MonitorStatus = z.infer<typeof MonitorStatus>;

export const MonitorSort = z.enum(["name", "state", "lastChecked", "latency"]);
export type MonitorSort = z.infer<typeof MonitorSort>;

export const SearchMonitorsInput = z.object({
  /** Case-insensitive substring of the name or the target URL (trigram index). */
  q: SingleLineText({ label: "Search", max: 200 }).optional(),
  status: z.array(MonitorStatus).max(MonitorStatus.options.length).optional(),
  /** Probe kinds (the enum grows with packages/probes; compared as text). */
  kind: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/))
    .max(20)
    .optional(),
  tag: SingleLineText({ label: "Tag", min: 1, max: 60 }).optional(),
  assetId: z.uuid().optional(),
  /** Only these monitors (e.g. the edit form reading one monitor's list row). */
  ids: z.array(z.uuid()).min(1).max(200).optional(),
  sort: MonitorSort.default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  page: z.int().min(1).max(100_000).default(1),
  pageSize: z.int().min(1).max(200).default(MONITOR_PAGE_SIZE),
});
export type SearchMonitorsInput = z.input<typeof SearchMonitorsInput>;

export interface MonitorListRow {
  id: string;
  name: string;
  kind: string;
  state: MonitorState;
  stateSince: Date;
  paused: boolean;
  intervalSeconds: number;
  lastCheckedAt: Date | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  tags: string[];
  regions: string[];
  regionQuorum: number;
  /** The URL / host the monitor checks (from its config), for display and search. */
  target: string | null;
  asset: { id: string; name: string } | null;
}

/** Severity order for sorting by state (worst first when ascending). */
const STATE_RANK = Prisma.sql`case when m.paused then 6 else case m.state
  when 'DOWN' then 1 when 'DEGRADED' then 2 when 'UNKNOWN' then 3 when 'MAINTENANCE' then 4 else 5 end end`;

/** The expression the trigram index monitors_search_trgm_idx is built on (must match exactly). */
const SEARCH_EXPR = Prisma.sql`lower(m.name || ' ' || coalesce(m.config ->> 'url', ''))`;

function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function statusClause(status: readonly MonitorStatus[]): Prisma.Sql {
  const states = status.filter((s): s is MonitorState => s !== "PAUSED");
  const parts: Prisma.Sql[] = [];
  if (states.length) parts.push(Prisma.sql`(not m.paused and m.state::text = any(${states}::text[]))`);
  if (status.includes("PAUSED")) parts.push(Prisma.sql`m.paused`);
  return Prisma.sql`(${Prisma.join(parts, " or ")})`;
}

/** The filters of a monitor list (search and export), without paging. */
export type MonitorFilters = Pick<
  z.output<typeof SearchMonitorsInput>,
  "q" | "status" | "kind" | "tag" | "assetId" | "ids" | "sort" | "dir"
>;

/** WHERE without the status filter (for the facets), WHERE with it, and ORDER BY (stable: id last). */
export function monitorListSql(tenantId: string, input: MonitorFilters) {
  const base: Prisma.Sql[] = [Prisma.sql`m.tenant_id = ${tenantId}::uuid`];
  if (input.q) base.push(Prisma.sql`${SEARCH_EXPR} like ${likePattern(input.q)}`);
  if (input.kind?.length) base.push(Prisma.sql`m.kind::text = any(${input.kind}::text[])`);
  if (input.tag) base.push(Prisma.sql`m.tags @> array[${input.tag}]::text[]`);
  if (input.assetId) base.push(Prisma.sql`m.asset_id = ${input.assetId}::uuid`);
  if (input.ids) base.push(Prisma.sql`m.id = any(${input.ids}::uuid[])`);
  const where = Prisma.join(base, " and ");
  const whereAll = input.status?.length ? Prisma.sql`${where} and ${statusClause(input.status)}` : where;

  const dir = input.dir === "desc" ? Prisma.sql`desc` : Prisma.sql`asc`;
  const nulls = Prisma.sql`nulls last`;
  const order = {
    name: Prisma.sql`lower(m.name) ${dir}, m.id`,
    state: Prisma.sql`${STATE_RANK} ${dir}, m.state_since desc, lower(m.name), m.id`,
    lastChecked: Prisma.sql`m.last_checked_at ${dir} ${nulls}, lower(m.name), m.id`,
    latency: Prisma.sql`m.last_latency_ms ${dir} ${nulls}, lower(m.name), m.id`,
  }[input.sort];
  return { where, whereAll, order };
}

/** One page of list rows for a WHERE / ORDER BY of monitorListSql. */
export async function selectMonitorRows(
  tx: Tx,
  sql: { whereAll: Prisma.Sql; order: Prisma.Sql },
  limit: number,
  offset: number,
): Promise<MonitorListRow[]> {
  const rows = await tx.$queryRaw<
    (Omit<MonitorListRow, "asset"> & { assetId: string | null; assetName: string | null })[]
  >`select m.id::text as id, m.name, m.kind::text as kind, m.state::text as state, m.state_since as "stateSince",
           m.paused, m.interval_seconds as "intervalSeconds", m.last_checked_at as "lastCheckedAt",
           m.last_latency_ms as "lastLatencyMs", m.last_error as "lastError", m.tags,
           m.regions, m.region_quorum as "regionQuorum",
           coalesce(m.config ->> 'url', m.config ->> 'host', m.config ->> 'hostname') as target,
           a.id::text as "assetId", a.name as "assetName"
      from monitors m
      left join assets a on a.id = m.asset_id
     where ${sql.whereAll}
     order by ${sql.order}
     limit ${limit} offset ${offset}`;
  return rows.map(({ assetId, assetName, ...r }) => ({
    ...r,
    asset: assetId ? { id: assetId, name: assetName ?? "" } : null,
  }));
}

/**
 * One page of a tenant's monitors: filters (status, kind, tag, asset, name/URL search), a sort, offset
 * pagination (50 a page), the total, and faceted counts per status (every filter applied except status),
 * plus the tenant's tags. Three statements in one tenant transaction; every one filters on tenant_id (RLS
 * is the second wall) and is served by the indexes of migration 20261124230200 at 5,000 monitors a tenant.
 */
export async function searchMonitors(ctx: ServiceContext, rawInput: SearchMonitorsInput = {}) {
  requirePermission(ctx, "monitor:read");
  const input = SearchMonitorsInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  const sql = monitorListSql(tenantId, input);
  const { where } = sql;
  const offset = (input.page - 1) * input.pageSize;

  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "monitor.search");
    const rows = await selectMonitorRows(tx, sql, input.pageSize, offset);
    const facetRows = await tx.$queryRaw<{ status: MonitorStatus; n: number }[]>`
      select case when m.paused then 'PAUSED' else m.state::text end as status, count(*)::int as n
        from monitors m
       where ${where}
       group by 1`;
    const tagRows = await tx.$queryRaw<{ tag: string; n: number }[]>`
      select t.tag, count(*)::int as n
        from monitors m, unnest(m.tags) as t(tag)
       where m.tenant_id = ${tenantId}::uuid
       group by 1 order by 2 desc, 1 limit 100`;

    const facets = Object.fromEntries(MonitorStatus.options.map((s) => [s, 0])) as Record<MonitorStatus, number>;
    for (const f of facetRows) facets[f.status] = f.n;
    const unfiltered = Object.values(facets).reduce((a, b) => a + b, 0);
    const total = input.status?.length ? input.status.reduce((n, s) => n + facets[s], 0) : unfiltered;
    return {
      rows,
      total,
      page: input.page,
      pageSize: input.pageSize,
      pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
      facets: { status: facets, matching: unfiltered },
      tags: tagRows,
    };
  });
}
