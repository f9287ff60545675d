"use client";
import {
  Badge,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  LatencyChart,
  STATUS_META,
  StatusBadge,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { ArrowLeft, ChartLine, Pencil, Siren } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useMonitorLive } from "~/components/live.tsx";
import { HeartbeatCard } from "~/components/monitor-heartbeat-card.tsx";
import { RegionStatesCard } from "~/components/monitor-region-states.tsx";
import { MonitorUptimeBar } from "~/components/monitor-uptime-bar.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { useCan, useTenant } from "~/components/tenant-context.tsx";
import { ExactTime, RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import { type Interval, zoneDaysToUptimeDays } from "~/lib/intervals.ts";
import { kindLabel } from "~/lib/monitor-form.ts";
import { formatDuration, zoneAbbr } from "~/lib/time.ts";
import { useTRPC } from "~/trpc/react.tsx";

function Timeline({
  intervals,
  from,
  to,
  timeZone,
}: {
  intervals: Interval[];
  from: number;
  to: number;
  timeZone: string;
}) {
  const span = to - from;
  return (
    <div className="space-y-1.5">
      <div
        className="flex h-6 w-full justify-end overflow-hidden rounded-md bg-muted"
        role="img"
        aria-label="State over the last 7 days; see the list below"
      >
        {intervals.map((iv) => {
          const s = Math.max(from, new Date(iv.startedAt).getTime());
          const e = Math.min(to, iv.endedAt ? new Date(iv.endedAt).getTime() : to);
          if (e <= s) return null;
          return (
            <div
              key={String(iv.startedAt)}
              title={`${STATUS_META[iv.state].label}: ${formatDuration(e - s)}`}
              style={{ width: `${((e - s) / span) * 100}%`, background: STATUS_META[iv.state].color }}
              className="h-full"
            />
          );
        })}
      </div>
      <div className="flex justify-between text-xs text-muted-foreground">
        <ExactTime value={new Date(from)} timeZone={timeZone} format="d MMM HH:mm" />
        <span>now</span>
      </div>
    </div>
  );
}

export function MonitorDetail({ monitorId }: { monitorId: string }) {
  const tenant = useTenant();
  const zone = useDisplayZone(tenant.timezone);
  const canWrite = useCan("monitor:write");
  const trpc = useTRPC();
  const live = useMonitorLive(tenant.id);
  const { data } = useSuspenseQuery({
    ...trpc.monitor.get.queryOptions({ tenantId: tenant.id, monitorId }),
    // Recent results and latency change with every check: keep a 10 s poll even while live.
    refetchInterval: Math.min(10_000, live.refetchInterval),
  });
  const [asTable, setAsTable] = useState(false);
  // Which regions have a live worker (flags a region that will stay UNKNOWN); not needed for the first paint.
  const { data: fleetRegions } = useQuery({
    ...trpc.monitor.regions.queryOptions({ tenantId: tenant.id }),
    staleTime: 30_000,
  });
  const liveRegions = fleetRegions ? new Set(fleetRegions.filter((r) => r.live).map((r) => r.region)) : undefined;
  const m = data.monitor;
  // "now" as of the server's answer: the same in the server render and the browser (no hydration drift).
  const now = new Date(data.window.now).getTime();
  const from = new Date(data.window.from7d).getTime();
  const intervals = [...data.intervals7d].sort(
    (a, b) => new Date(a.startedAt).getTime() - new Date(b.startedAt).getTime(),
  );
  const days90 = zoneDaysToUptimeDays(data.days90).map((d, i) => ({ ...d, date: data.days90[i]?.date ?? d.label }));
  const tz = `${zone} (${zoneAbbr(new Date(now), zone)})`;

  return (
    <>
      <Link
        href={`/t/${tenant.slug}`}
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft aria-hidden="true" className="size-4" /> {tenant.name}
      </Link>
      <PageHeader
        title={m.name}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>{m.kind === "HEARTBEAT" ? "Heartbeat (push)" : kindLabel(m.kind)}</span>
            {m.asset ? <span>Asset: {m.asset.name}</span> : null}
            <span>every {m.intervalSeconds}s</span>
            <span>
              {m.regions.length === 1
                ? `region ${m.regions[0]}`
                : `${m.regions.length} regions, down when ${m.regionQuorum} agree`}
            </span>
            {m.paused ? <span className="font-medium">Paused</span> : null}
            {m.tags.length ? (
              <span className="flex flex-wrap gap-1">
                <span className="sr-only">Tags:</span>
                {m.tags.map((t) => (
                  <Badge key={t} variant="secondary">
                    {t}
                  </Badge>
                ))}
              </span>
            ) : null}
          </span>
        }
        actions={
          <>
            {canWrite ? (
              <Button variant="outline" size="sm" asChild>
                <Link href={`/t/${tenant.slug}/monitors/${m.id}/edit`}>
                  <Pencil aria-hidden="true" /> Edit
                </Link>
              </Button>
            ) : null}
            <div className="flex flex-col items-end gap-1">
              <StatusBadge status={m.state} className="px-3 py-1 text-sm" data-testid="monitor-state" />
              <span className="text-xs text-muted-foreground">
                since <RelativeTime value={m.stateSince} timeZone={zone} />
              </span>
            </div>
          </>
        }
      />

      <div className="grid gap-6">
        <section aria-label="Uptime" className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {(
            [
              ["Last 24 hours", data.uptime.h24.uptimePercent],
              ["Last 7 days", data.uptime.d7.uptimePercent],
              ["Last 30 days", data.uptime.d30.uptimePercent],
            ] as const
          ).map(([label, pct]) => (
            <Card key={label}>
              <CardContent className="p-5">
                <div className="text-2xl font-semibold tabular-nums">
                  {pct == null ? "—" : `${pct >= 99.995 ? "100" : pct.toFixed(2)}%`}
                </div>
                <div className="text-sm text-muted-foreground">Uptime, {label.toLowerCase()}</div>
              </CardContent>
            </Card>
          ))}
        </section>
        {data.openIncident ? (
          <Link
            href={`/t/${tenant.slug}/incidents/${data.openIncident.id}`}
            className="flex items-center gap-3 rounded-lg border border-status-down/40 bg-status-down/10 px-4 py-3 text-sm hover:bg-status-down/15"
          >
            <Siren aria-hidden="true" className="size-4 text-status-down-foreground" />
            <span className="font-medium">
              Open incident #{data.openIncident.number}: {data.openIncident.title}
            </span>
          </Link>
        ) : null}
        {data.heartbeat ? (
          <HeartbeatCard
            tenantId={tenant.id}
            monitorId={m.id}
            monitorName={m.name}
            heartbeat={data.heartbeat}
            now={now}
            timeZone={zone}
            canWrite={canWrite}
          />
        ) : null}
        <RegionStatesCard rows={data.regionStates} quorum={m.regionQuorum} liveRegions={liveRegions} timeZone={zone} />
        {m.kind === "HEARTBEAT" ? null : (
          <Card>
            <CardHeader className="flex-row items-start justify-between gap-3">
              <div>
                <CardTitle>Latency, last 24 hours</CardTitle>
                <CardDescription>Times in {tz}</CardDescription>
              </div>
              <button
                type="button"
                onClick={() => setAsTable((v) => !v)}
                aria-pressed={asTable}
                className="inline-flex items-center gap-1.5 rounded-md border border-border px-2.5 py-1 text-xs font-medium hover:bg-accent"
              >
                <ChartLine aria-hidden="true" className="size-3.5" />
                {asTable ? "Show chart" : "Show table"}
              </button>
            </CardHeader>
            <CardContent>
              {data.latency24h.length === 0 ? (
                <EmptyState title="No latency data yet" description="Results appear here after the first checks run." />
              ) : asTable ? (
                <div className="max-h-80 overflow-auto">
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>Time</TableHead>
                        <TableHead className="text-right">p50</TableHead>
                        <TableHead className="text-right">Max</TableHead>
                        <TableHead className="text-right">Average</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {data.latency24h.map((p) => (
                        <TableRow key={String(p.t)}>
                          <TableCell>
                            <ExactTime value={p.t} timeZone={zone} />
                          </TableCell>
                          <TableCell className="text-right tabular-nums">
                            {p.p50 != null ? `${Math.round(p.p50)} ms` : "—"}
                          </TableCell>
                          <TableCell className="text-right tabular-nums">
                            {p.max != null ? `${Math.round(p.max)} ms` : "—"}
                          </TableCell>
                          <TableCell className="text-right tabular-nums">
                            {p.avg != null ? `${Math.round(p.avg)} ms` : "—"}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              ) : (
                <LatencyChart
                  data={data.latency24h}
                  timeZone={zone}
                  label={`${m.name} latency over the last 24 hours`}
                />
              )}
            </CardContent>
          </Card>
        )}

        <Card>
          <CardHeader>
            <CardTitle>Uptime, last 90 days</CardTitle>
            <CardDescription>
              Each day in {tenant.timezone}: green ≥ 99.9 %, amber ≥ 99 %, red below, blue mostly maintenance, grey no
              data. Maintenance and unknown time are excluded. A dot marks a day with incidents: hover, or press Enter
              on a day, to list and open them.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <MonitorUptimeBar
              days={days90}
              incidentsByDay={data.incidentsByDay}
              incidents={data.incidents90d}
              incidentHref={(id) => `/t/${tenant.slug}/incidents/${id}`}
              overall={data.uptime.d90.uptimePercent === null ? null : data.uptime.d90.uptimePercent / 100}
              overallLabel="uptime over 90 days"
              caption="Daily uptime, last 90 days"
              timeZone={zone}
            />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>State history, last 7 days</CardTitle>
            <CardDescription>Timeline and every state change, newest first.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-5">
            <Timeline intervals={intervals} from={from} to={now} timeZone={zone} />
            {intervals.length === 0 ? (
              <p className="text-sm text-muted-foreground">No state changes recorded yet.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>State</TableHead>
                    <TableHead>From</TableHead>
                    <TableHead>To</TableHead>
                    <TableHead className="text-right">Duration</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {[...intervals]
                    .reverse()
                    .slice(0, 20)
                    .map((iv) => (
                      <TableRow key={String(iv.startedAt)}>
                        <TableCell>
                          <StatusBadge status={iv.state} />
                        </TableCell>
                        <TableCell>
                          <ExactTime value={iv.startedAt} timeZone={zone} />
                        </TableCell>
                        <TableCell>
                          {iv.endedAt ? (
                            <ExactTime value={iv.endedAt} timeZone={zone} />
                          ) : (
                            <span className="font-medium">now</span>
                          )}
                        </TableCell>
                        <TableCell className="text-right tabular-nums">
                          {formatDuration(
                            (iv.endedAt ? new Date(iv.endedAt).getTime() : now) - new Date(iv.startedAt).getTime(),
                          )}
                        </TableCell>
                      </TableRow>
                    ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Recent results</CardTitle>
          </CardHeader>
          <CardContent className="px-0">
            {data.recentResults.length === 0 ? (
              <div className="px-5">
                <EmptyState
                  title="No results yet"
                  description="The first check runs within one interval of the monitor being created."
                />
              </div>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead className="pl-5">Checked</TableHead>
                    {m.regions.length > 1 ? <TableHead>Region</TableHead> : null}
                    <TableHead>Result</TableHead>
                    <TableHead className="text-right">HTTP</TableHead>
                    <TableHead className="text-right">Latency</TableHead>
                    <TableHead className="pr-5">Error</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.recentResults.map((r) => (
                    <TableRow key={`${String(r.scheduledAt)}-${r.region}`}>
                      <TableCell className="pl-5">
                        <RelativeTime value={r.checkedAt} timeZone={zone} />
                      </TableCell>
                      {m.regions.length > 1 ? <TableCell className="font-mono text-xs">{r.region}</TableCell> : null}
                      <TableCell>
                        <StatusBadge status={r.state} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{r.statusCode ?? "—"}</TableCell>
                      <TableCell className="text-right tabular-nums">
                        {r.latencyMs != null ? `${r.latencyMs} ms` : "—"}
                      </TableCell>
                      <TableCell className="max-w-xs truncate pr-5 text-muted-foreground" title={r.error ?? undefined}>
                        {r.error ?? ""}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
