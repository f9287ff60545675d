"use client";
import {
  Badge,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  EmptyState,
  Sparkline,
  StatusBadge,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Activity, CircleCheck, Siren, TriangleExclamationPoint } from "lucide-react";
import Link from "next/link";
import { IncidentStatusBadge } from "~/components/incident-status.tsx";
import { useMonitorLive } from "~/components/live.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { useCan, useTenant } from "~/components/tenant-context.tsx";
import { RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import { rollup } from "~/lib/status.ts";
import { zoneAbbr } from "~/lib/time.ts";
import { useTRPC } from "~/trpc/react.tsx";
import { AddMonitorDialog } from "../add-monitor-dialog.tsx";

function Stat({
  label,
  value,
  icon: Icon,
  tone,
}: {
  label: string;
  value: number | string;
  icon: typeof Activity;
  tone?: string;
}) {
  return (
    <Card>
      <CardContent className="flex items-center gap-4 p-5">
        <div className="flex size-10 items-center justify-center rounded-md bg-muted">
          <Icon aria-hidden="true" className={tone ?? "size-5 text-muted-foreground"} />
        </div>
        <div>
          <div className="text-2xl font-semibold tabular-nums">{value}</div>
          <div className="text-sm text-muted-foreground">{label}</div>
        </div>
      </CardContent>
    </Card>
  );
}

/** Uptime as a percentage (0–100). */
function formatUptime(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "—";
  return `${pct >= 99.995 ? "100" : pct.toFixed(2)}%`;
}

export function TenantOverview() {
  const tenant = useTenant();
  const zone = useDisplayZone(tenant.timezone);
  const canWriteMonitors = useCan("monitor:write");
  const trpc = useTRPC();
  const live = useMonitorLive(tenant.id);
  const { data } = useSuspenseQuery({
    ...trpc.tenant.overview.queryOptions({ tenantId: tenant.id }),
    refetchInterval: live.refetchInterval,
  });
  const counts = data.counts.monitors;
  const r = rollup(counts);
  const total = data.monitors.length;
  const problems = (counts.DOWN ?? 0) + (counts.DEGRADED ?? 0);
  const base = `/t/${tenant.slug}`;

  return (
    <>
      <PageHeader
        title={tenant.name}
        description={`Times in ${zone} (${zoneAbbr(new Date(), zone)})`}
        actions={
          <>
            <StatusBadge status={r.status} label={r.label} className="px-3 py-1 text-sm" />
            {canWriteMonitors ? <AddMonitorDialog /> : null}
          </>
        }
      />
      <section aria-label="Summary" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Monitors" value={total} icon={Activity} />
        <Stat label="Up" value={counts.UP ?? 0} icon={CircleCheck} tone="size-5 text-status-up-foreground" />
        <Stat
          label="Down or degraded"
          value={problems}
          icon={TriangleExclamationPoint}
          tone={problems ? "size-5 text-status-down-foreground" : undefined}
        />
        <Stat
          label="Open incidents"
          value={data.openIncidents.length}
          icon={Siren}
          tone={data.openIncidents.length ? "size-5 text-status-down-foreground" : undefined}
        />
      </section>

      {data.openIncidents.length > 0 ? (
        <Card className="mb-6">
          <CardHeader className="flex-row items-center justify-between">
            <CardTitle>Open incidents</CardTitle>
            <Link href={`${base}/incidents`} className="text-sm font-medium text-primary hover:underline">
              All incidents
            </Link>
          </CardHeader>
          <CardContent>
            <ul className="divide-y divide-border" aria-label="Open incidents">
              {data.openIncidents.map((i) => (
                <li key={i.id} className="flex flex-col gap-1 py-2.5 sm:flex-row sm:items-center sm:gap-3">
                  <div className="flex min-w-0 flex-1 items-center gap-3">
                    <IncidentStatusBadge status={i.status} />
                    <Link href={`${base}/incidents/${i.id}`} className="min-w-0 truncate font-medium hover:underline">
                      #{i.number} {i.title}
                    </Link>
                  </div>
                  <span className="text-sm text-muted-foreground">
                    opened <RelativeTime value={i.openedAt} timeZone={zone} />
                  </span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader className="flex-row items-center justify-between">
          <CardTitle>Monitors</CardTitle>
          {total > 0 ? (
            <Link href={`${base}/monitors`} className="text-sm font-medium text-primary hover:underline">
              All monitors
            </Link>
          ) : null}
        </CardHeader>
        <CardContent className="px-0 pb-2">
          {total === 0 ? (
            <div className="px-5 pb-3">
              <EmptyState
                icon={Activity}
                title="No monitors yet"
                description={
                  canWriteMonitors
                    ? "Monitors check your services on a schedule and open incidents when they go down. Add the first one."
                    : "Monitors check your services on a schedule and open incidents when they go down. Your provider's engineers add them."
                }
                action={canWriteMonitors ? <AddMonitorDialog /> : undefined}
              />
            </div>
          ) : (
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-5">Monitor</TableHead>
                  <TableHead className="hidden md:table-cell">Asset</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="hidden text-right sm:table-cell">Latency</TableHead>
                  <TableHead className="hidden lg:table-cell">Last 24 h</TableHead>
                  <TableHead className="pr-5 text-right">30-day uptime</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.monitors.map((m) => (
                  <TableRow key={m.id}>
                    <TableCell className="pl-5">
                      <Link href={`${base}/monitors/${m.id}`} className="font-medium hover:underline">
                        {m.name}
                      </Link>
                      <div className="text-xs text-muted-foreground">{m.kind}</div>
                    </TableCell>
                    <TableCell className="hidden text-muted-foreground md:table-cell">
                      {m.asset ? m.asset.name : "—"}
                    </TableCell>
                    <TableCell>
                      <div className="flex flex-col items-start gap-0.5">
                        {m.paused ? <Badge variant="outline">Paused</Badge> : <StatusBadge status={m.state} />}
                        <span className="text-xs text-muted-foreground">
                          since <RelativeTime value={m.stateSince} timeZone={zone} />
                        </span>
                      </div>
                    </TableCell>
                    <TableCell className="hidden text-right tabular-nums sm:table-cell">
                      {m.lastLatencyMs != null ? `${m.lastLatencyMs} ms` : "—"}
                    </TableCell>
                    <TableCell className="hidden lg:table-cell">
                      <Sparkline
                        points={m.sparkline24h.map((p) => ({ t: p.t, value: p.avg }))}
                        label={`${m.name} latency, last 24 hours`}
                      />
                    </TableCell>
                    <TableCell className="pr-5 text-right tabular-nums">
                      {m.uptime30d == null ? <Badge variant="outline">No data</Badge> : formatUptime(m.uptime30d)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
