"use client";
import {
  Card,
  CardContent,
  cn,
  EmptyState,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@steward/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Siren } from "lucide-react";
import Link from "next/link";
import { IncidentStatusBadge } from "~/components/incident-status.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { useTenant } from "~/components/tenant-context.tsx";
import { Duration, RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import type { IncidentFilter as Filter } from "~/lib/incident-filter.ts";
import { zoneAbbr } from "~/lib/time.ts";
import { useTRPC } from "~/trpc/react.tsx";

const FILTERS: { value: Filter | undefined; label: string }[] = [
  { value: undefined, label: "All" },
  { value: "OPEN", label: "Open" },
  { value: "TRIGGERED", label: "Triggered" },
  { value: "ACKNOWLEDGED", label: "Acknowledged" },
  { value: "RESOLVED", label: "Resolved" },
];

export function IncidentList({ status }: { status: Filter | undefined }) {
  const tenant = useTenant();
  const zone = useDisplayZone(tenant.timezone);
  const trpc = useTRPC();
  const { data: incidents } = useSuspenseQuery({
    ...trpc.incident.list.queryOptions({ tenantId: tenant.id, ...(status ? { status } : {}) }),
    refetchInterval: 10_000,
  });
  const base = `/t/${tenant.slug}/incidents`;
  return (
    <>
      <PageHeader title="Incidents" description={`${tenant.name} · times in ${zone} (${zoneAbbr(new Date(), zone)})`} />
      <nav
        aria-label="Filter by status"
        className="mb-4 flex flex-wrap gap-1 rounded-lg border border-border bg-card p-1 sm:inline-flex"
      >
        {FILTERS.map((f) => {
          const active = f.value === status;
          return (
            <Link
              key={f.label}
              href={f.value ? `${base}?status=${f.value}` : base}
              aria-current={active ? "page" : undefined}
              className={cn(
                "rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground hover:bg-accent hover:text-accent-foreground",
                active && "bg-primary text-primary-foreground hover:bg-primary hover:text-primary-foreground",
              )}
            >
              {f.label}
            </Link>
          );
        })}
      </nav>
      {incidents.length === 0 ? (
        <EmptyState
          icon={Siren}
          title={status ? `No ${status.toLowerCase()} incidents` : "No incidents"}
          description={
            status
              ? "Try another filter to see other incidents."
              : "When a monitor goes down, an incident opens here automatically."
          }
          action={
            status ? (
              <Link href={base} className="text-sm font-medium text-primary hover:underline">
                Show all incidents
              </Link>
            ) : undefined
          }
        />
      ) : (
        <Card>
          <CardContent className="px-0 py-1">
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-5">Incident</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Priority</TableHead>
                  <TableHead>Opened</TableHead>
                  <TableHead className="pr-5 text-right">Duration</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {incidents.map((i) => (
                  <TableRow key={i.id}>
                    <TableCell className="pl-5">
                      <Link href={`${base}/${i.id}`} className="font-medium hover:underline">
                        #{i.number} {i.title}
                      </Link>
                      {i.monitor ? <div className="text-xs text-muted-foreground">{i.monitor.name}</div> : null}
                    </TableCell>
                    <TableCell>
                      <IncidentStatusBadge status={i.status} />
                    </TableCell>
                    <TableCell className="font-medium">{i.priority}</TableCell>
                    <TableCell>
                      <RelativeTime value={i.openedAt} timeZone={zone} />
                    </TableCell>
                    <TableCell className="pr-5 text-right tabular-nums">
                      <Duration from={i.openedAt} to={i.resolvedAt} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
    </>
  );
}
