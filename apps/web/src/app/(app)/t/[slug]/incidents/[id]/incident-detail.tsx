"use client";
import { Button, Card, CardContent, CardHeader, CardTitle, Label, Textarea } from "@steward/ui";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import {
  ArrowLeft,
  CircleCheck,
  Eye,
  LoaderCircle,
  MessageSquareText,
  RefreshCw,
  Siren,
  TriangleExclamationPoint,
  UserRound,
} from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { IncidentStatusBadge } from "~/components/incident-status.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { useCan, useTenant } from "~/components/tenant-context.tsx";
import { Duration, ExactTime, RelativeTime } from "~/components/time.tsx";
import { useDisplayZone } from "~/components/time-zone-pref.tsx";
import { useTRPC } from "~/trpc/react.tsx";

const EVENT_ICON: Record<string, typeof Siren> = {
  OPENED: Siren,
  STATE_CHANGE: TriangleExclamationPoint,
  ACKNOWLEDGED: Eye,
  RESOLVED: CircleCheck,
  REOPENED: RefreshCw,
  NOTE: MessageSquareText,
  ASSIGNED: UserRound,
};

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : "Something went wrong";
}

export function IncidentDetail({ incidentId }: { incidentId: string }) {
  const tenant = useTenant();
  const zone = useDisplayZone(tenant.timezone);
  const canWrite = useCan("incident:write");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const input = { tenantId: tenant.id, incidentId };
  const { data: incident } = useSuspenseQuery({ ...trpc.incident.get.queryOptions(input), refetchInterval: 10_000 });
  const [note, setNote] = useState("");

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.incident.get.queryKey(input) }),
      qc.invalidateQueries({ queryKey: trpc.incident.list.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.tenant.overview.queryKey() }),
    ]);
  const acknowledge = useMutation(
    trpc.incident.acknowledge.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Incident acknowledged");
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const resolve = useMutation(
    trpc.incident.resolve.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Incident resolved");
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const addNote = useMutation(
    trpc.incident.addNote.mutationOptions({
      onSuccess: async () => {
        setNote("");
        await refresh();
        toast.success("Note added");
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  const events = [...incident.events].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
  const busy = acknowledge.isPending || resolve.isPending;
  const allowed = new Set<string>(canWrite ? incident.allowedActions : []);

  return (
    <>
      <Link
        href={`/t/${tenant.slug}/incidents`}
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft aria-hidden="true" className="size-4" /> Incidents
      </Link>
      <PageHeader
        eyebrow={`Incident #${incident.number} · ${incident.priority}`}
        title={incident.title}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <IncidentStatusBadge status={incident.status} />
            <span>
              opened <RelativeTime value={incident.openedAt} timeZone={zone} />
            </span>
            <span>
              {incident.resolvedAt ? "lasted" : "open for"}{" "}
              <Duration from={incident.openedAt} to={incident.resolvedAt} />
            </span>
            {incident.monitor ? (
              <Link href={`/t/${tenant.slug}/monitors/${incident.monitor.id}`} className="text-primary hover:underline">
                {incident.monitor.name}
              </Link>
            ) : null}
          </span>
        }
        actions={
          canWrite ? (
            <>
              {allowed.has("acknowledge") ? (
                <Button onClick={() => acknowledge.mutate(input)} disabled={busy}>
                  {acknowledge.isPending ? (
                    <LoaderCircle aria-hidden="true" className="animate-spin" />
                  ) : (
                    <Eye aria-hidden="true" />
                  )}
                  Acknowledge
                </Button>
              ) : null}
              {allowed.has("resolve") ? (
                <Button variant="outline" onClick={() => resolve.mutate(input)} disabled={busy}>
                  {resolve.isPending ? (
                    <LoaderCircle aria-hidden="true" className="animate-spin" />
                  ) : (
                    <CircleCheck aria-hidden="true" />
                  )}
                  Resolve
                </Button>
              ) : null}
            </>
          ) : null
        }
      />

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Timeline</CardTitle>
          </CardHeader>
          <CardContent>
            {allowed.has("note") ? (
              <form
                className="mb-6 space-y-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  const body = note.trim();
                  if (body) addNote.mutate({ ...input, body });
                }}
              >
                <Label htmlFor="note">Add a note</Label>
                <Textarea
                  id="note"
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  placeholder="What did you find? What are you doing next?"
                  maxLength={5000}
                />
                <div className="flex justify-end">
                  <Button type="submit" size="sm" disabled={!note.trim() || addNote.isPending}>
                    {addNote.isPending ? (
                      <LoaderCircle aria-hidden="true" className="animate-spin" />
                    ) : (
                      <MessageSquareText aria-hidden="true" />
                    )}
                    Add note
                  </Button>
                </div>
              </form>
            ) : null}
            <ol className="relative space-y-5 border-l border-border pl-6" aria-label="Incident timeline">
              {events.map((ev) => {
                const Icon = EVENT_ICON[ev.kind] ?? Siren;
                return (
                  <li key={ev.id} className="relative">
                    <span className="absolute -left-[37px] flex size-6 items-center justify-center rounded-full border border-border bg-background">
                      <Icon aria-hidden="true" className="size-3.5 text-muted-foreground" />
                    </span>
                    <div className="flex flex-wrap items-baseline gap-x-2 text-sm">
                      <span className="font-medium">{ev.actorLabel}</span>
                      <span className="text-muted-foreground">{ev.kind.toLowerCase().replace("_", " ")}</span>
                      <span className="text-xs text-muted-foreground">
                        <RelativeTime value={ev.createdAt} timeZone={zone} />
                      </span>
                    </div>
                    {ev.message ? <p className="mt-1 whitespace-pre-wrap break-words text-sm">{ev.message}</p> : null}
                  </li>
                );
              })}
            </ol>
          </CardContent>
        </Card>
        <Card className="h-fit">
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Status</dt>
              <dd>
                <IncidentStatusBadge status={incident.status} />
              </dd>
              <dt className="text-muted-foreground">Priority</dt>
              <dd>{incident.priority}</dd>
              <dt className="text-muted-foreground">Opened</dt>
              <dd>
                <ExactTime value={incident.openedAt} timeZone={zone} />
              </dd>
              <dt className="text-muted-foreground">Acknowledged</dt>
              <dd>{incident.acknowledgedAt ? <ExactTime value={incident.acknowledgedAt} timeZone={zone} /> : "—"}</dd>
              <dt className="text-muted-foreground">Resolved</dt>
              <dd>{incident.resolvedAt ? <ExactTime value={incident.resolvedAt} timeZone={zone} /> : "—"}</dd>
            </dl>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
