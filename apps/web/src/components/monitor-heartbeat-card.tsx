"use client";
import {
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@steward/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound, LoaderCircle, RotateCw } from "lucide-react";
import { useState, useSyncExternalStore } from "react";
import { toast } from "sonner";
import { PushUrlDialog } from "~/components/monitor-push-url.tsx";
import { ExactTime, RelativeTime } from "~/components/time.tsx";
import { useTRPC } from "~/trpc/react.tsx";

/** 90 → "1 min 30 s", 3600 → "1 h", 86400 → "1 d". */
export function humanSeconds(total: number): string {
  const parts: string[] = [];
  let s = Math.max(0, Math.round(total));
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(s / size);
    if (n) parts.push(`${n} ${unit}`);
    s -= n * size;
  }
  return parts.slice(0, 2).join(" ") || "0 s";
}

const noSubscribe = () => () => {};

export interface HeartbeatInfo {
  lastHeartbeatAt: Date | string | null;
  intervalSeconds: number;
  graceSeconds: number;
  dueBy: Date | string;
}

/**
 * A push monitor's cadence and last beat, its (masked) push URL and "Rotate URL": after a confirmation
 * the old URL stops working and the new one is shown once.
 */
export function HeartbeatCard({
  tenantId,
  monitorId,
  monitorName,
  heartbeat,
  now,
  timeZone,
  canWrite,
}: {
  tenantId: string;
  monitorId: string;
  monitorName: string;
  heartbeat: HeartbeatInfo;
  /** "now" of the server's answer (no hydration drift). */
  now: number;
  timeZone: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const rotate = useMutation(
    trpc.monitor.rotateHeartbeatToken.mutationOptions({
      onSuccess: async (r) => {
        setConfirm(false);
        setToken(r.heartbeatToken);
        await qc.invalidateQueries({ queryKey: trpc.monitor.pathKey() });
      },
      onError: (e) => toast.error(e.message || "Could not rotate the URL."),
    }),
  );
  const due = new Date(heartbeat.dueBy).getTime();
  const overdue = due < now;
  const origin = useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => "",
  );
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-3">
        <div>
          <CardTitle>Heartbeat</CardTitle>
          <CardDescription>
            Expected every {humanSeconds(heartbeat.intervalSeconds)} with {humanSeconds(heartbeat.graceSeconds)} grace:
            silent for {humanSeconds(heartbeat.intervalSeconds + heartbeat.graceSeconds)} counts as a failure.
          </CardDescription>
        </div>
        {canWrite ? (
          <Button variant="outline" size="sm" onClick={() => setConfirm(true)}>
            <RotateCw aria-hidden="true" /> Rotate URL
          </Button>
        ) : null}
      </CardHeader>
      <CardContent className="space-y-4">
        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-muted-foreground">Last beat</dt>
            <dd className="font-medium" data-testid="last-beat">
              {heartbeat.lastHeartbeatAt ? (
                <>
                  <RelativeTime value={heartbeat.lastHeartbeatAt} timeZone={timeZone} />
                  <span className="block text-xs font-normal text-muted-foreground">
                    <ExactTime value={heartbeat.lastHeartbeatAt} timeZone={timeZone} />
                  </span>
                </>
              ) : (
                "No beat yet"
              )}
            </dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Expected cadence</dt>
            <dd className="font-medium tabular-nums">
              every {humanSeconds(heartbeat.intervalSeconds)} + {humanSeconds(heartbeat.graceSeconds)} grace
            </dd>
          </div>
          <div>
            <dt className="text-muted-foreground">{overdue ? "Overdue since" : "Next beat due by"}</dt>
            <dd className={overdue ? "font-medium text-status-down-foreground" : "font-medium"}>
              <ExactTime value={heartbeat.dueBy} timeZone={timeZone} />
            </dd>
          </div>
        </dl>
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-border bg-muted/40 px-3 py-2 text-sm">
          <KeyRound aria-hidden="true" className="size-4 shrink-0 text-muted-foreground" />
          <code className="break-all font-mono text-xs">
            {origin}/api/v1/heartbeat/<span aria-hidden="true">••••••••••••</span>
            <span className="sr-only">(secret hidden)</span>
          </code>
          <span className="text-xs text-muted-foreground">
            The secret was shown once when it was made; only its hash is stored.
          </span>
        </div>
      </CardContent>
      <Dialog open={confirm} onOpenChange={setConfirm}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Rotate the push URL?</DialogTitle>
            <DialogDescription>
              The current URL stops working immediately: every job calling it must be given the new one, or this monitor
              goes down after {humanSeconds(heartbeat.intervalSeconds + heartbeat.graceSeconds)}.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setConfirm(false)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              disabled={rotate.isPending}
              onClick={() => rotate.mutate({ tenantId, monitorId })}
            >
              {rotate.isPending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
              Rotate URL
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
      <PushUrlDialog token={token} monitorName={monitorName} rotated onDone={() => setToken(null)} />
    </Card>
  );
}
