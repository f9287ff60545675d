"use client";
import {
  Badge,
  Button,
  Card,
  CardContent,
  cn,
  EmptyState,
  Input,
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
  STATUS_META,
  StatusBadge,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { keepPreviousData, useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import {
  Activity,
  ArrowDown,
  ArrowUp,
  ArrowUpDown,
  ChevronLeft,
  ChevronRight,
  CirclePause,
  Download,
  LoaderCircle,
  Pause,
  Play,
  Plus,
  Search,
  X,
} from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { useMonitorLive } from "~/components/live.tsx";
import { MonitorColumnsMenu, useMonitorColumns } from "~/components/monitor-columns.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { useCan, useTenant } from "~/components/tenant-context.tsx";
import { RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import {
  type ListSort,
  type ListStatus,
  type MonitorListQuery,
  monitorQueryString,
  nextSort,
  parseMonitorQuery,
  STATUSES,
  searchInput,
} from "~/lib/monitor-query.ts";
import { zoneAbbr } from "~/lib/time.ts";
import { useTRPC } from "~/trpc/react.tsx";

const ALL = "__all";
const STATUS_LABEL: Record<ListStatus, string> = {
  DOWN: "Down",
  DEGRADED: "Degraded",
  UP: "Up",
  UNKNOWN: "Unknown",
  MAINTENANCE: "Maintenance",
  PAUSED: "Paused",
};
const KINDS = ["HTTP", "TCP", "ICMP", "DNS", "TLS", "HEARTBEAT", "POSTGRES", "REDIS", "MQTT", "PROMETHEUS"];

function StatusCell({ state, paused }: { state: keyof typeof STATUS_META; paused: boolean }) {
  if (paused)
    return (
      <Badge variant="outline">
        <CirclePause aria-hidden="true" /> Paused
      </Badge>
    );
  return <StatusBadge status={state} />;
}

/** URL state: every change replaces the query string (shareable, back button works per change). */
function useListQuery(): [MonitorListQuery, (patch: Partial<MonitorListQuery>) => void, boolean] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const query = useMemo(() => parseMonitorQuery(new URLSearchParams(params?.toString() ?? "")), [params]);
  const set = (patch: Partial<MonitorListQuery>) => {
    // Any filter change goes back to page 1 unless the patch sets the page itself.
    const next = { ...query, ...("page" in patch ? {} : { page: 1 }), ...patch };
    startTransition(() => router.replace(`${pathname}${monitorQueryString(next)}`, { scroll: false }));
  };
  return [query, set, pending];
}

function SortHeader({
  column,
  label,
  query,
  onSort,
  className,
}: {
  column: ListSort;
  label: string;
  query: MonitorListQuery;
  onSort: (s: Pick<MonitorListQuery, "sort" | "dir">) => void;
  className?: string;
}) {
  const active = query.sort === column;
  const Icon = !active ? ArrowUpDown : query.dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <TableHead
      className={className}
      aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <button
        type="button"
        onClick={() => onSort(nextSort(query, column))}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        {label}
        <Icon aria-hidden="true" className={cn("size-3.5", !active && "opacity-50")} />
        <span className="sr-only">{active ? `, sorted ${query.dir}ending` : ", sortable"}</span>
      </button>
    </TableHead>
  );
}

export function MonitorList() {
  const tenant = useTenant();
  const zone = useDisplayZone(tenant.timezone);
  const canWrite = useCan("monitor:write");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [query, setQuery, navigating] = useListQuery();
  const live = useMonitorLive(tenant.id);
  const input = { tenantId: tenant.id, ...searchInput(query) };
  const { data, isFetching } = useQuery({
    ...trpc.monitor.search.queryOptions(input),
    placeholderData: keepPreviousData,
    refetchInterval: live.refetchInterval,
  });
  const { data: assets } = useSuspenseQuery(trpc.asset.list.queryOptions({ tenantId: tenant.id }));
  const { data: me } = useSuspenseQuery(trpc.me.get.queryOptions());
  const columns = useMonitorColumns(me.user.id);
  const col = columns.visible;

  // Search box: local text, pushed to the URL 250 ms after typing stops.
  const [text, setText] = useState(query.q ?? "");
  const lastPushed = useRef(query.q ?? "");
  useEffect(() => {
    if ((query.q ?? "") !== lastPushed.current) {
      lastPushed.current = query.q ?? "";
      setText(query.q ?? "");
    }
  }, [query.q]);
  useEffect(() => {
    if (text.trim() === lastPushed.current) return;
    const t = setTimeout(() => {
      lastPushed.current = text.trim();
      setQuery({ q: text.trim() || undefined });
    }, 250);
    return () => clearTimeout(t);
  });

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const rows = data?.rows ?? [];
  const pageIds = rows.map((r) => r.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const bulk = useMutation(
    trpc.monitor.setManyPaused.mutationOptions({
      onSuccess: async (r) => {
        setSelected(new Set());
        toast.success(
          `${r.changed.length} monitor${r.changed.length === 1 ? "" : "s"} ${r.paused ? "paused" : "resumed"}` +
            (r.changed.length < r.requested ? ` (${r.requested - r.changed.length} already were)` : ""),
        );
        await qc.invalidateQueries({ queryKey: trpc.monitor.pathKey() });
      },
      onError: (e) => toast.error(e.message || "Could not change the monitors."),
    }),
  );

  // Keyboard: j / k move between rows (focus the row's link), x toggles the focused row's selection.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key !== "j" && e.key !== "k" && e.key !== "x") return;
      const target = e.target as HTMLElement | null;
      if (target?.closest("input:not([type=checkbox]), textarea, select, [contenteditable=true], [role=dialog]"))
        return;
      const links = [...document.querySelectorAll<HTMLAnchorElement>("a[data-row-link]")];
      if (!links.length) return;
      const current = links.findIndex((a) => a.closest("tr")?.contains(document.activeElement));
      if (e.key === "x") {
        const id = current >= 0 ? links[current]?.dataset.rowLink : undefined;
        if (!id || !canWrite) return;
        e.preventDefault();
        setSelected((cur) => {
          const next = new Set(cur);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        });
        return;
      }
      e.preventDefault();
      const next = current < 0 ? 0 : Math.max(0, Math.min(links.length - 1, current + (e.key === "j" ? 1 : -1)));
      links[next]?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [canWrite]);

  const facets = data?.facets.status;
  const base = `/t/${tenant.slug}`;
  const filtered = Boolean(query.q || query.status || query.kind || query.tag || query.assetId);
  const first = data?.total ? (data.page - 1) * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;
  const busy = navigating || (isFetching && !data);
  const { page: _page, ...exportQuery } = query;
  const exportHref = `${base}/monitors/export.csv${monitorQueryString({ ...exportQuery, page: 1 })}`;

  return (
    <>
      <PageHeader
        title="Monitors"
        description={`${tenant.name} · times in ${zone} (${zoneAbbr(new Date(), zone)})`}
        actions={
          canWrite ? (
            <Button asChild>
              <Link href={`${base}/monitors/new`}>
                <Plus aria-hidden="true" /> Add monitor
              </Link>
            </Button>
          ) : null
        }
      />

      <fieldset className="mb-3 flex flex-wrap gap-1.5" aria-label="Filter by status">
        <legend className="sr-only">Filter by status</legend>
        {STATUSES.map((s) => {
          const on = query.status?.includes(s) ?? false;
          const n = facets?.[s] ?? 0;
          return (
            <Button
              key={s}
              size="sm"
              variant={on ? "default" : "outline"}
              aria-pressed={on}
              onClick={() => {
                const cur = new Set(query.status ?? []);
                if (on) cur.delete(s);
                else cur.add(s);
                setQuery({ status: cur.size ? STATUSES.filter((x) => cur.has(x)) : undefined });
              }}
            >
              {s === "PAUSED" ? (
                <CirclePause aria-hidden="true" />
              ) : (
                (() => {
                  const Icon = STATUS_META[s].icon;
                  return <Icon aria-hidden="true" style={on ? undefined : { color: STATUS_META[s].color }} />;
                })()
              )}
              {STATUS_LABEL[s]}
              <span className="tabular-nums opacity-80">{n.toLocaleString("en")}</span>
            </Button>
          );
        })}
      </fieldset>

      <div className="mb-4 flex flex-col gap-2 lg:flex-row lg:items-center">
        <div className="relative flex-1">
          <Search
            aria-hidden="true"
            className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground"
          />
          <Input
            type="search"
            aria-label="Search monitors by name or URL"
            placeholder="Search name or URL…"
            className="pl-8"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="grid grid-cols-3 gap-2 lg:flex">
          <Select value={query.kind?.[0] ?? ALL} onValueChange={(v) => setQuery({ kind: v === ALL ? undefined : [v] })}>
            <SelectTrigger aria-label="Kind" className="lg:w-36">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>All kinds</SelectItem>
              {KINDS.map((k) => (
                <SelectItem key={k} value={k}>
                  {k}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <Select value={query.tag ?? ALL} onValueChange={(v) => setQuery({ tag: v === ALL ? undefined : v })}>
            <SelectTrigger aria-label="Tag" className="lg:w-36">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>All tags</SelectItem>
              {query.tag && !data?.tags.some((t) => t.tag === query.tag) ? (
                <SelectItem value={query.tag}>{query.tag}</SelectItem>
              ) : null}
              {(data?.tags ?? []).map((t) => (
                <SelectItem key={t.tag} value={t.tag}>
                  {t.tag} ({t.n})
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <Select value={query.assetId ?? ALL} onValueChange={(v) => setQuery({ assetId: v === ALL ? undefined : v })}>
            <SelectTrigger aria-label="Asset" className="lg:w-44">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>All assets</SelectItem>
              {assets.map((a) => (
                <SelectItem key={a.id} value={a.id}>
                  {a.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="flex gap-2 lg:ml-auto">
          <MonitorColumnsMenu {...columns} />
          <Button variant="outline" size="sm" asChild>
            <a href={exportHref} download>
              <Download aria-hidden="true" /> Export CSV
              <span className="sr-only">
                (all {data ? data.total.toLocaleString("en") : ""} matching monitors, not just this page)
              </span>
            </a>
          </Button>
        </div>
        {filtered ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              lastPushed.current = "";
              setText("");
              setQuery({ q: undefined, status: undefined, kind: undefined, tag: undefined, assetId: undefined });
            }}
          >
            <X aria-hidden="true" /> Clear filters
          </Button>
        ) : null}
      </div>

      {canWrite && selected.size > 0 ? (
        <section
          aria-label="Bulk actions"
          className="sticky top-16 z-20 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-border bg-card p-2 shadow-sm"
        >
          <span className="px-2 text-sm font-medium" aria-live="polite">
            {selected.size} selected
          </span>
          <Button
            size="sm"
            variant="outline"
            disabled={bulk.isPending}
            onClick={() => bulk.mutate({ tenantId: tenant.id, monitorIds: [...selected], paused: true })}
          >
            <Pause aria-hidden="true" /> Pause
          </Button>
          <Button
            size="sm"
            variant="outline"
            disabled={bulk.isPending}
            onClick={() => bulk.mutate({ tenantId: tenant.id, monitorIds: [...selected], paused: false })}
          >
            <Play aria-hidden="true" /> Resume
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
          {bulk.isPending ? <LoaderCircle aria-hidden="true" className="size-4 animate-spin" /> : null}
        </section>
      ) : null}

      <Card>
        <CardContent className="px-0 pb-2 pt-0">
          {data && data.total === 0 ? (
            <div className="p-5">
              <EmptyState
                icon={Activity}
                title={filtered ? "No monitors match" : "No monitors yet"}
                description={
                  filtered
                    ? "Nothing matches these filters. Clear them or search for something else."
                    : "Monitors check your services on a schedule and open incidents when they go down."
                }
                action={
                  !filtered && canWrite ? (
                    <Button asChild>
                      <Link href={`${base}/monitors/new`}>Add the first monitor</Link>
                    </Button>
                  ) : undefined
                }
              />
            </div>
          ) : (
            <Table aria-label="Monitors" aria-busy={busy || undefined} className={cn(isFetching && "opacity-90")}>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  {canWrite ? (
                    <TableHead className="w-10 pl-5">
                      <input
                        type="checkbox"
                        aria-label="Select all monitors on this page"
                        className="size-4 accent-primary"
                        checked={allOnPage}
                        onChange={() =>
                          setSelected((cur) => {
                            const next = new Set(cur);
                            for (const id of pageIds) {
                              if (allOnPage) next.delete(id);
                              else next.add(id);
                            }
                            return next;
                          })
                        }
                      />
                    </TableHead>
                  ) : null}
                  <SortHeader
                    column="name"
                    label="Monitor"
                    query={query}
                    onSort={setQuery}
                    className={canWrite ? undefined : "pl-5"}
                  />
                  <SortHeader column="state" label="Status" query={query} onSort={setQuery} />
                  {col.kind ? <TableHead className="hidden md:table-cell">Kind</TableHead> : null}
                  {col.asset ? <TableHead className="hidden xl:table-cell">Asset</TableHead> : null}
                  {col.tags ? <TableHead className="hidden xl:table-cell">Tags</TableHead> : null}
                  {col.regions ? <TableHead className="hidden lg:table-cell">Regions</TableHead> : null}
                  {col.interval ? <TableHead className="hidden lg:table-cell">Interval</TableHead> : null}
                  {col.lastChecked ? (
                    <SortHeader
                      column="lastChecked"
                      label="Last checked"
                      query={query}
                      onSort={setQuery}
                      className="hidden sm:table-cell"
                    />
                  ) : null}
                  {col.latency ? (
                    <SortHeader column="latency" label="Latency" query={query} onSort={setQuery} className="pr-5" />
                  ) : (
                    <TableHead className="w-0 pr-5">
                      <span className="sr-only">End</span>
                    </TableHead>
                  )}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((m) => (
                  <TableRow key={m.id} data-state={selected.has(m.id) ? "selected" : undefined}>
                    {canWrite ? (
                      <TableCell className="pl-5">
                        <input
                          type="checkbox"
                          aria-label={`Select ${m.name}`}
                          className="size-4 accent-primary"
                          checked={selected.has(m.id)}
                          onChange={() =>
                            setSelected((cur) => {
                              const next = new Set(cur);
                              if (next.has(m.id)) next.delete(m.id);
                              else next.add(m.id);
                              return next;
                            })
                          }
                        />
                      </TableCell>
                    ) : null}
                    <TableCell className={cn("max-w-72", !canWrite && "pl-5")}>
                      <Link
                        href={`${base}/monitors/${m.id}`}
                        data-row-link={m.id}
                        className="rounded-sm font-medium hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                      >
                        {m.name}
                      </Link>
                      {m.target ? <div className="truncate text-xs text-muted-foreground">{m.target}</div> : null}
                    </TableCell>
                    <TableCell>
                      <StatusCell state={m.state} paused={m.paused} />
                    </TableCell>
                    {col.kind ? (
                      <TableCell className="hidden text-muted-foreground md:table-cell">{m.kind}</TableCell>
                    ) : null}
                    {col.asset ? (
                      <TableCell className="hidden text-muted-foreground xl:table-cell">
                        {m.asset ? m.asset.name : "—"}
                      </TableCell>
                    ) : null}
                    {col.tags ? (
                      <TableCell className="hidden xl:table-cell">
                        <div className="flex flex-wrap gap-1">
                          {m.tags.map((t) => (
                            <Badge key={t} variant="secondary">
                              {t}
                            </Badge>
                          ))}
                        </div>
                      </TableCell>
                    ) : null}
                    {col.regions ? (
                      <TableCell className="hidden text-muted-foreground lg:table-cell">
                        <span className="font-mono text-xs">{m.regions.join(", ")}</span>
                        {m.regions.length > 1 ? (
                          <span className="block text-xs">
                            down at {m.regionQuorum} of {m.regions.length}
                          </span>
                        ) : null}
                      </TableCell>
                    ) : null}
                    {col.interval ? (
                      <TableCell className="hidden tabular-nums text-muted-foreground lg:table-cell">
                        {m.intervalSeconds < 60
                          ? `${m.intervalSeconds} s`
                          : m.intervalSeconds < 3600
                            ? `${Math.round(m.intervalSeconds / 60)} min`
                            : `${Math.round(m.intervalSeconds / 3600)} h`}
                      </TableCell>
                    ) : null}
                    {col.lastChecked ? (
                      <TableCell className="hidden text-muted-foreground sm:table-cell">
                        {m.lastCheckedAt ? <RelativeTime value={m.lastCheckedAt} timeZone={zone} /> : "never"}
                      </TableCell>
                    ) : null}
                    <TableCell className="pr-5 tabular-nums">
                      {col.latency ? (m.lastLatencyMs != null ? `${m.lastLatencyMs} ms` : "—") : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      {data && data.total > 0 ? (
        <nav aria-label="Pagination" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
          <p className="hidden text-xs text-muted-foreground lg:block">
            <kbd className="rounded border border-border px-1">j</kbd> /{" "}
            <kbd className="rounded border border-border px-1">k</kbd> move
            {canWrite ? (
              <>
                , <kbd className="rounded border border-border px-1">x</kbd> select
              </>
            ) : null}
            , <kbd className="rounded border border-border px-1">Enter</kbd> open
          </p>
          <p className="text-muted-foreground" aria-live="polite">
            Showing <span className="tabular-nums">{first.toLocaleString("en")}</span>–
            <span className="tabular-nums">{last.toLocaleString("en")}</span> of{" "}
            <span className="tabular-nums">{data.total.toLocaleString("en")}</span>
          </p>
          <div className="flex items-center gap-2">
            <Button
              variant="outline"
              size="sm"
              disabled={query.page <= 1}
              onClick={() => setQuery({ page: query.page - 1 })}
            >
              <ChevronLeft aria-hidden="true" /> Previous
            </Button>
            <span className="tabular-nums">
              Page {data.page} of {data.pageCount}
            </span>
            <Button
              variant="outline"
              size="sm"
              disabled={query.page >= data.pageCount}
              onClick={() => setQuery({ page: query.page + 1 })}
            >
              Next <ChevronRight aria-hidden="true" />
            </Button>
          </div>
        </nav>
      ) : null}
    </>
  );
}
