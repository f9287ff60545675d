/**
 * The monitor list's state, all in the URL: ?q=&status=DOWN,PAUSED&kind=HTTP&tag=&asset=&sort=latency&dir=desc&page=2
 * Parsing is lenient (unknown values are dropped), so any shared link renders.
 */
export const STATUSES = ["DOWN", "DEGRADED", "UP", "UNKNOWN", "MAINTENANCE", "PAUSED"] as const;
export type ListStatus = (typeof STATUSES)[number];
export const SORTS = ["name", "state", "lastChecked", "latency"] as const;
export type ListSort = (typeof SORTS)[number];

export interface MonitorListQuery {
  q?: string;
  status?: ListStatus[];
  kind?: string[];
  tag?: string;
  assetId?: string;
  sort: ListSort;
  dir: "asc" | "desc";
  page: number;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(p: Params, key: string): string | undefined {
  if (p instanceof URLSearchParams) return p.get(key) ?? undefined;
  const v = p[key];
  return Array.isArray(v) ? v[0] : v;
}

function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseMonitorQuery(p: Params): MonitorListQuery {
  const q = get(p, "q")?.trim().slice(0, 200);
  const status = [...new Set(list(get(p, "status")).map((s) => s.toUpperCase()))].filter((s): s is ListStatus =>
    (STATUSES as readonly string[]).includes(s),
  );
  const kind = [...new Set(list(get(p, "kind")).map((s) => s.toUpperCase()))].filter((s) =>
    /^[A-Z][A-Z0-9_]{1,39}$/.test(s),
  );
  const tag = get(p, "tag")?.trim().slice(0, 60);
  const asset = get(p, "asset");
  const sortRaw = get(p, "sort");
  const sort = (SORTS as readonly string[]).includes(sortRaw ?? "") ? (sortRaw as ListSort) : "name";
  const dir = get(p, "dir") === "desc" ? "desc" : "asc";
  const pageNum = Number.parseInt(get(p, "page") ?? "1", 10);
  return {
    ...(q ? { q } : {}),
    ...(status.length ? { status } : {}),
    ...(kind.length ? { kind } : {}),
    ...(tag ? { tag } : {}),
    ...(asset && UUID.test(asset) ? { assetId: asset.toLowerCase() } : {}),
    sort,
    dir,
    page: Number.isFinite(pageNum) && pageNum >= 1 ? Math.min(pageNum, 100_000) : 1,
  };
}

/** The query string for `query` (defaults omitted, stable key order), "" when everything is default. */
export function monitorQueryString(query: MonitorListQuery): string {
  const s = new URLSearchParams();
  if (query.q) s.set("q", query.q);
  if (query.status?.length) s.set("status", query.status.join(","));
  if (query.kind?.length) s.set("kind", query.kind.join(","));
  if (query.tag) s.set("tag", query.tag);
  if (query.assetId) s.set("asset", query.assetId);
  if (query.sort !== "name") s.set("sort", query.sort);
  if (query.dir !== "asc") s.set("dir", query.dir);
  if (query.page > 1) s.set("page", String(query.page));
  const out = s.toString();
  return out ? `?${out}` : "";
}

/** The service input for a URL query (tenantId added by the caller). */
export function searchInput(query: MonitorListQuery) {
  return {
    ...(query.q ? { q: query.q } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.assetId ? { assetId: query.assetId } : {}),
    sort: query.sort,
    dir: query.dir,
    page: query.page,
  };
}

/** Clicking a column header: the same column flips direction, another column starts ascending. */
export function nextSort(query: MonitorListQuery, column: ListSort): Pick<MonitorListQuery, "sort" | "dir"> {
  if (query.sort === column) return { sort: column, dir: query.dir === "asc" ? "desc" : "asc" };
  return { sort: column, dir: column === "latency" || column === "lastChecked" ? "desc" : "asc" };
}
