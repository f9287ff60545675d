"use client";
import { CIDR_ALLOWLIST_MAX, normaliseAllowTarget } from "@steward/domain";
import { Badge, Button, Card, CardContent, CardDescription, CardHeader, CardTitle, Input, Label } from "@steward/ui";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { Check, CircleExclamationPoint, Lock, Network, Plus, TriangleExclamationPoint, X } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTenant } from "~/components/tenant-context.tsx";
import { useTRPC } from "~/trpc/react.tsx";

/** The message of a failed call: the validator's first, else the error's own message. */
function errorMessage(e: unknown, fallback: string): string {
  const err = e as {
    message?: string;
    data?: { zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null } | null;
  };
  const z = err.data?.zodError;
  const messages = [...(z?.formErrors ?? []), ...Object.values(z?.fieldErrors ?? {}).flatMap((v) => v ?? [])];
  return messages[0] ?? (err.message || fallback);
}

const STATUS = {
  PENDING: { label: "Waiting for provider approval", variant: "degraded" },
  APPROVED: { label: "Approved", variant: "up" },
  REJECTED: { label: "Rejected", variant: "down" },
} as const;

const when = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "");

/**
 * "Probe network access": the targets (CIDR + port or port range) this tenant's probes may reach although
 * the SSRF guard blocks them by default. A client admin requests an entry; an entry reaching private space
 * waits for a provider admin to approve or reject it and takes effect only once approved (docs/ssrf.md).
 * Buttons follow the role (canRequest / canApprove); the server enforces the same rules.
 */
export function ProbeNetworkForm() {
  const tenant = useTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const input = { tenantId: tenant.id };
  const { data } = useSuspenseQuery(trpc.tenant.probeSettings.queryOptions(input));
  const [entry, setEntry] = useState("");
  const [note, setNote] = useState("");
  const [entryError, setEntryError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.tenant.probeSettings.queryKey(input) });

  const request = useMutation(
    trpc.tenant.requestProbeAllowEntry.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        setEntry("");
        setNote("");
        setEntryError(null);
        toast.success(r.status === "APPROVED" ? `${r.target} allowed` : `${r.target} requested: waiting for approval`);
      },
      onError: (e) => setEntryError(errorMessage(e, "Could not request the entry.")),
    }),
  );
  const onDone = (what: string) => ({
    onSuccess: async () => {
      await refresh();
      setError(null);
      toast.success(what);
    },
    onError: (e: unknown) => setError(errorMessage(e, "Could not change the entry.")),
  });
  const approve = useMutation(trpc.tenant.approveProbeAllowEntry.mutationOptions(onDone("Entry approved")));
  const reject = useMutation(trpc.tenant.rejectProbeAllowEntry.mutationOptions(onDone("Entry rejected")));
  const remove = useMutation(trpc.tenant.removeProbeAllowEntry.mutationOptions(onDone("Entry removed")));
  const busy = request.isPending || approve.isPending || reject.isPending || remove.isPending;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = normaliseAllowTarget(entry, { scope: "tenant" });
    if (!r.ok) return setEntryError(r.message);
    if (data.entries.some((x) => x.target === r.entry && x.status !== "REJECTED")) {
      return setEntryError(`${r.entry} is already in the list`);
    }
    request.mutate({ tenantId: tenant.id, target: r.entry, ...(note.trim() ? { note: note.trim() } : {}) });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Network aria-hidden="true" className="size-5 text-muted-foreground" />
          Probe network access
        </CardTitle>
        <CardDescription>
          Probes reach public internet addresses only. Private networks (such as 10.0.0.0/8 or 192.168.0.0/16),
          link-local and other reserved addresses are blocked, so that a monitor cannot be pointed at the monitoring
          infrastructure itself. Request here the addresses and ports of your own infrastructure that monitors of{" "}
          {tenant.name} need to reach; your provider approves each one.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <div
          role="note"
          className="flex items-start gap-2 rounded-md border border-status-degraded/40 bg-status-degraded/10 p-3 text-sm text-status-degraded-foreground"
        >
          <TriangleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          <p>
            <span className="font-medium">Allow only networks you own, and only the ports you need.</span> Once
            approved, every monitor of this tenant can connect to those addresses and ports from the probe workers.
            Steward&apos;s own database, Redis, web and worker ports, loopback and cloud metadata addresses (such as
            169.254.169.254) stay blocked whatever this list says.
          </p>
        </div>

        <section aria-labelledby="allowed-ranges">
          <div className="mb-2 flex items-baseline justify-between gap-3">
            <h3 id="allowed-ranges" className="text-sm font-medium">
              Allowlist entries
            </h3>
            <span className="text-xs text-muted-foreground">
              {data.effective.length} in effect · {data.entries.length} of {CIDR_ALLOWLIST_MAX}
            </span>
          </div>
          {data.entries.length === 0 ? (
            <p className="rounded-md border border-dashed border-border p-4 text-sm text-muted-foreground">
              No entries: probes of this tenant reach public addresses only.
            </p>
          ) : (
            <ul aria-labelledby="allowed-ranges" className="divide-y divide-border rounded-md border border-border">
              {data.entries.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
                  <div className="min-w-0 space-y-0.5">
                    <div className="flex flex-wrap items-center gap-2">
                      <code className="font-mono text-sm">{e.target}</code>
                      <Badge variant={STATUS[e.status].variant}>{STATUS[e.status].label}</Badge>
                    </div>
                    <p className="text-xs text-muted-foreground">
                      Requested by {e.requestedBy} {when(e.requestedAt)}
                      {e.decidedBy ? ` · ${e.status === "REJECTED" ? "rejected" : "approved"} by ${e.decidedBy}` : ""}
                      {e.note ? ` · “${e.note}”` : ""}
                    </p>
                  </div>
                  <div className="flex items-center gap-1">
                    {data.canApprove && e.status === "PENDING" ? (
                      <>
                        <Button
                          variant="outline"
                          size="sm"
                          disabled={busy}
                          aria-label={`Approve ${e.target}`}
                          onClick={() => approve.mutate({ tenantId: tenant.id, entryId: e.id })}
                        >
                          <Check aria-hidden="true" /> Approve
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          disabled={busy}
                          aria-label={`Reject ${e.target}`}
                          onClick={() => reject.mutate({ tenantId: tenant.id, entryId: e.id })}
                        >
                          Reject
                        </Button>
                      </>
                    ) : null}
                    {data.canRequest ? (
                      <Button
                        variant="ghost"
                        size="icon"
                        className="size-8"
                        disabled={busy}
                        aria-label={`Remove ${e.target}`}
                        onClick={() => remove.mutate({ tenantId: tenant.id, entryId: e.id })}
                      >
                        <X aria-hidden="true" />
                      </Button>
                    ) : null}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        {data.canRequest ? (
          <form onSubmit={submit} noValidate className="space-y-2">
            <Label htmlFor="cidr-entry">Request an address or range with its port</Label>
            <div className="flex flex-wrap gap-2">
              <Input
                id="cidr-entry"
                value={entry}
                onChange={(e) => {
                  setEntry(e.target.value);
                  setEntryError(null);
                }}
                placeholder="10.1.2.0/24:443 or [fd12:3456:789a::/48]:8000-8100"
                autoComplete="off"
                spellCheck={false}
                className="min-w-64 flex-1 font-mono"
                aria-invalid={entryError ? true : undefined}
                aria-describedby={entryError ? "cidr-entry-error cidr-entry-hint" : "cidr-entry-hint"}
              />
              <Input
                aria-label="Why (shown to the approver)"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder="Why (optional)"
                maxLength={500}
                className="min-w-40 flex-1"
              />
              <Button type="submit" variant="outline" disabled={busy}>
                <Plus aria-hidden="true" /> Request
              </Button>
            </div>
            {entryError ? (
              <p id="cidr-entry-error" role="alert" className="text-sm text-status-down-foreground">
                {entryError}
              </p>
            ) : null}
            <p id="cidr-entry-hint" className="text-xs text-muted-foreground">
              CIDR plus a port or port range (<code>10.1.2.0/24:5432</code>, <code>10.1.2.0/24:8000-8100</code>, IPv6 in
              brackets: <code>[fd12::/48]:443</code>). Private addresses need your provider&apos;s approval and take
              effect only then; public ranges apply at once (they are reachable anyway).
            </p>
          </form>
        ) : (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Lock aria-hidden="true" className="size-4 shrink-0" />
            Only client admins and provider admins can request entries; provider admins approve them.
          </p>
        )}

        {error ? (
          <div
            role="alert"
            className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
          >
            <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
            <p>{error}</p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
