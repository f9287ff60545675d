"use client";
import { CIDR_ALLOWLIST_MAX, normaliseCidr } from "@steward/domain";
import {
  Button,
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
  Input,
  Label,
} from "@steward/ui";
import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { CircleExclamationPoint, LoaderCircle, Lock, Network, Plus, TriangleExclamationPoint, X } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTenant } from "~/components/tenant-context.tsx";
import { useTRPC } from "~/trpc/react.tsx";

/** Messages of a failed save: the validator's, one per refused entry, else the error's own message. */
function saveErrors(e: unknown): string[] {
  const err = e as {
    message?: string;
    data?: { zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null } | null;
  };
  const z = err.data?.zodError;
  const messages = [...(z?.formErrors ?? []), ...Object.values(z?.fieldErrors ?? {}).flatMap((v) => v ?? [])];
  return messages.length > 0 ? messages : [err.message || "Could not save the allowlist."];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * "Probe network access": the CIDRs this tenant's probes may reach although the SSRF guard blocks them by
 * default (private, loopback, ...). A draft list with add / remove, saved as a whole; read-only for roles
 * without tenant:write (the server enforces it as well).
 */
export function ProbeNetworkForm() {
  const tenant = useTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const input = { tenantId: tenant.id };
  const { data } = useSuspenseQuery(trpc.tenant.probeSettings.queryOptions(input));
  const saved = data.probeAllowCidrs;
  const [draft, setDraft] = useState<string[] | null>(null);
  const [entry, setEntry] = useState("");
  const [entryError, setEntryError] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const list = draft ?? saved;
  const dirty = draft !== null && !same(draft, saved);

  const save = useMutation(
    trpc.tenant.updateProbeAllowlist.mutationOptions({
      onSuccess: (result) => {
        qc.setQueryData(trpc.tenant.probeSettings.queryKey(input), result);
        setDraft(null);
        setErrors([]);
        toast.success("Probe network access saved");
      },
      onError: (e) => setErrors(saveErrors(e)),
    }),
  );

  function add(e: React.FormEvent) {
    e.preventDefault();
    const r = normaliseCidr(entry);
    if (!r.ok) return setEntryError(r.message);
    if (list.includes(r.cidr)) return setEntryError(`${r.cidr} is already in the list`);
    if (list.length >= CIDR_ALLOWLIST_MAX) return setEntryError(`At most ${CIDR_ALLOWLIST_MAX} ranges`);
    setDraft([...list, r.cidr]);
    setEntry("");
    setEntryError(null);
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
          loopback, link-local and other reserved addresses are blocked, so that a monitor cannot be pointed at the
          monitoring infrastructure itself. List here the ranges of your own infrastructure that monitors of{" "}
          {tenant.name} need to reach.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <div
          role="note"
          className="flex items-start gap-2 rounded-md border border-status-degraded/40 bg-status-degraded/10 p-3 text-sm text-status-degraded-foreground"
        >
          <TriangleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          <p>
            <span className="font-medium">Allow only networks you own.</span> Every monitor of this tenant can then
            connect to any address and port in these ranges from the probe workers. Cloud metadata addresses (such as
            169.254.169.254) stay blocked whatever this list says, and a range containing one is refused.
          </p>
        </div>

        <section aria-labelledby="allowed-ranges">
          <div className="mb-2 flex items-baseline justify-between gap-3">
            <h3 id="allowed-ranges" className="text-sm font-medium">
              Allowed ranges
            </h3>
            <span className="text-xs text-muted-foreground">
              {list.length} of {CIDR_ALLOWLIST_MAX}
            </span>
          </div>
          {list.length === 0 ? (
            <p className="rounded-md border border-dashed border-border p-4 text-sm text-muted-foreground">
              No ranges allowed: probes of this tenant reach public addresses only.
            </p>
          ) : (
            <ul aria-labelledby="allowed-ranges" className="divide-y divide-border rounded-md border border-border">
              {list.map((cidr) => (
                <li key={cidr} className="flex items-center justify-between gap-3 px-3 py-1.5">
                  <code className="font-mono text-sm">{cidr}</code>
                  {data.canEdit ? (
                    <Button
                      variant="ghost"
                      size="icon"
                      className="size-8"
                      aria-label={`Remove ${cidr}`}
                      onClick={() => {
                        setDraft(list.filter((c) => c !== cidr));
                        setErrors([]);
                      }}
                    >
                      <X aria-hidden="true" />
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>

        {data.canEdit ? (
          <form onSubmit={add} noValidate className="space-y-2">
            <Label htmlFor="cidr-entry">Add an address or range</Label>
            <div className="flex gap-2">
              <Input
                id="cidr-entry"
                value={entry}
                onChange={(e) => {
                  setEntry(e.target.value);
                  setEntryError(null);
                }}
                placeholder="10.1.2.0/24 or fd12:3456:789a::/48"
                autoComplete="off"
                spellCheck={false}
                className="font-mono"
                aria-invalid={entryError ? true : undefined}
                aria-describedby={entryError ? "cidr-entry-error cidr-entry-hint" : "cidr-entry-hint"}
              />
              <Button type="submit" variant="outline">
                <Plus aria-hidden="true" /> Add
              </Button>
            </div>
            {entryError ? (
              <p id="cidr-entry-error" role="alert" className="text-sm text-status-down-foreground">
                {entryError}
              </p>
            ) : null}
            <p id="cidr-entry-hint" className="text-xs text-muted-foreground">
              IPv4 or IPv6 in CIDR notation; a single address means that host only (/32 or /128).
            </p>
          </form>
        ) : (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Lock aria-hidden="true" className="size-4 shrink-0" />
            Only client admins and provider admins can change this list.
          </p>
        )}

        {errors.length > 0 ? (
          <div
            role="alert"
            className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
          >
            <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
            <ul className="space-y-1">
              {errors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardContent>
      {data.canEdit ? (
        <CardFooter className="flex flex-wrap items-center gap-2 border-t border-border pt-4">
          <Button disabled={!dirty || save.isPending} onClick={() => save.mutate({ tenantId: tenant.id, cidrs: list })}>
            {save.isPending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
            Save changes
          </Button>
          <Button
            variant="ghost"
            disabled={!dirty || save.isPending}
            onClick={() => {
              setDraft(null);
              setErrors([]);
            }}
          >
            Discard
          </Button>
          {dirty ? <span className="text-xs text-muted-foreground">Unsaved changes</span> : null}
        </CardFooter>
      ) : null}
    </Card>
  );
}
