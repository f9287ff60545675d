"use client";
import {
  Button,
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
  Input,
  Label,
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@steward/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowRight, CircleExclamationPoint, LoaderCircle, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { useTenant } from "~/components/tenant-context.tsx";
import { useTRPC } from "~/trpc/react.tsx";

const INTERVALS = [
  { value: "10", label: "Every 10 seconds" },
  { value: "30", label: "Every 30 seconds" },
  { value: "60", label: "Every minute" },
  { value: "300", label: "Every 5 minutes" },
];

/** Create an HTTP monitor (monitor:write). The worker picks it up on its next reconcile. */
export function AddMonitorDialog() {
  const tenant = useTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [interval, setInterval] = useState("60");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.monitor.create.mutationOptions({
      onSuccess: async (m) => {
        setOpen(false);
        setError(null);
        await qc.invalidateQueries({ queryKey: trpc.tenant.overview.queryKey() });
        toast.success(`Monitor “${m.name}” created`);
      },
      onError: (e) => setError(e.message || "Could not create the monitor."),
    }),
  );
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden="true" /> Add monitor
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add an HTTP monitor</DialogTitle>
          <DialogDescription>
            Steward requests the URL on a schedule; 2xx and 3xx answers count as up.
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const name = String(f.get("name") ?? "").trim();
            const url = String(f.get("url") ?? "").trim();
            if (!name || !/^https?:\/\//.test(url)) return setError("Enter a name and an http(s) URL.");
            create.mutate({
              tenantId: tenant.id,
              name,
              kind: "HTTP",
              config: { url },
              intervalSeconds: Number(interval),
            });
          }}
        >
          {error ? (
            <p
              role="alert"
              className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
            >
              <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
              {error}
            </p>
          ) : null}
          <div className="space-y-2">
            <Label htmlFor="monitor-name">Name</Label>
            <Input id="monitor-name" name="name" required maxLength={120} placeholder="Checkout API" />
          </div>
          <div className="space-y-2">
            <Label htmlFor="monitor-url">URL</Label>
            <Input id="monitor-url" name="url" type="url" required placeholder="https://example.com/health" />
          </div>
          <div className="space-y-2">
            <Label htmlFor="monitor-interval">Check</Label>
            <Select value={interval} onValueChange={setInterval}>
              <SelectTrigger id="monitor-interval">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {INTERVALS.map((i) => (
                  <SelectItem key={i.value} value={i.value}>
                    {i.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          <DialogFooter className="sm:items-center">
            <Link
              href={`/t/${tenant.slug}/monitors/new`}
              className="mr-auto inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              Other kinds (heartbeat, TCP, DNS…), regions and options{" "}
              <ArrowRight aria-hidden="true" className="size-3.5" />
            </Link>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
              Create monitor
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
