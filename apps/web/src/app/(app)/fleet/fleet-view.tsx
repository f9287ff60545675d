"use client";
import {
  Badge,
  Card,
  CardContent,
  EmptyState,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { CircleAlert, CircleCheck, CircleX, Server } from "lucide-react";
import { PageHeader } from "~/components/page-header.tsx";
import { RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import { useTRPC } from "~/trpc/react.tsx";

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Card>
      <CardContent className="p-5">
        <div className="text-2xl font-semibold tabular-nums">{value}</div>
        <div className="text-sm text-muted-foreground">{label}</div>
      </CardContent>
    </Card>
  );
}

/** The probe fleet: refreshed every 5 s (the workers' heartbeat period). */
export function FleetView() {
  const trpc = useTRPC();
  const zone = useDisplayZone("UTC");
  const { data } = useSuspenseQuery({ ...trpc.fleet.workers.queryOptions(), refetchInterval: 5_000 });
  const { summary, workers, regions } = data;
  const uncovered = regions.filter((r) => r.uncovered);
  return (
    <>
      <PageHeader
        title="Probe fleet"
        description={`Every worker process and its heartbeat. A worker silent for more than ${data.staleAfterMs / 1000} s is stale. Times in ${zone}.`}
      />
      <section aria-label="Fleet summary" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Live workers" value={summary.live} />
        <Stat label="Stale workers" value={summary.stale} />
        <Stat label="Probes per second" value={summary.probesPerSecond.toLocaleString("en")} />
        <Stat label="Regions" value={summary.regions.join(", ") || "—"} />
      </section>
      {regions.length > 0 && (
        <Card className="mb-6">
          <CardContent className="px-0 pb-2 pt-0">
            <Table aria-label="Regions">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-5">Region</TableHead>
                  <TableHead>Coverage</TableHead>
                  <TableHead className="text-right">Live workers</TableHead>
                  <TableHead className="pr-5 text-right">Active monitors</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {regions.map((r) => (
                  <TableRow key={r.region} data-uncovered={r.uncovered || undefined}>
                    <TableCell className="pl-5 font-medium">{r.region}</TableCell>
                    <TableCell>
                      {r.uncovered ? (
                        <Badge variant="down">
                          <CircleAlert aria-hidden="true" /> No live worker
                        </Badge>
                      ) : r.monitors === 0 ? (
                        <Badge variant="secondary">Idle</Badge>
                      ) : (
                        <Badge variant="up">
                          <CircleCheck aria-hidden="true" /> Covered
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{r.liveWorkers}</TableCell>
                    <TableCell className="pr-5 text-right tabular-nums">{r.monitors.toLocaleString("en")}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {uncovered.length > 0 && (
              <p className="px-5 pt-3 text-sm text-muted-foreground">
                Monitors in {uncovered.map((r) => r.region).join(", ")} are not being checked from there: their region
                turns UNKNOWN after two intervals. Start a worker with{" "}
                <code className="rounded bg-muted px-1 font-mono text-xs">PROBE_REGION={uncovered[0]?.region}</code>.
              </p>
            )}
          </CardContent>
        </Card>
      )}
      <Card>
        <CardContent className="px-0 pb-2 pt-0">
          {workers.length === 0 ? (
            <div className="p-5">
              <EmptyState
                icon={Server}
                title="No probe workers"
                description="No worker has sent a heartbeat in the last 24 hours, so no monitor is being checked. Start one with `pnpm start` or the worker service."
              />
            </div>
          ) : (
            <Table aria-label="Probe workers">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-5">Worker</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Region</TableHead>
                  <TableHead className="hidden md:table-cell">Host · pid</TableHead>
                  <TableHead className="hidden lg:table-cell">Started</TableHead>
                  <TableHead>Last heartbeat</TableHead>
                  <TableHead className="text-right">Lag p95</TableHead>
                  <TableHead className="pr-5 text-right">Probes/s</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {workers.map((w) => (
                  <TableRow key={w.id} data-stale={w.stale || undefined}>
                    <TableCell className="max-w-56 truncate pl-5 font-mono text-xs" title={w.id}>
                      {w.id}
                    </TableCell>
                    <TableCell>
                      {w.stale ? (
                        <Badge variant="down">
                          <CircleX aria-hidden="true" /> Stale
                        </Badge>
                      ) : (
                        <Badge variant="up">
                          <CircleCheck aria-hidden="true" /> Live
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell>{w.region}</TableCell>
                    <TableCell className="hidden text-muted-foreground md:table-cell">
                      {w.hostname} · {w.pid}
                    </TableCell>
                    <TableCell className="hidden text-muted-foreground lg:table-cell">
                      <RelativeTime value={w.startedAt} timeZone={zone} />
                    </TableCell>
                    <TableCell>
                      <RelativeTime value={w.lastHeartbeatAt} timeZone={zone} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {w.lagP95Ms != null ? `${w.lagP95Ms.toLocaleString("en")} ms` : "—"}
                    </TableCell>
                    <TableCell className="pr-5 text-right tabular-nums">
                      {w.stale ? "—" : w.probesPerSecond.toLocaleString("en")}
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
