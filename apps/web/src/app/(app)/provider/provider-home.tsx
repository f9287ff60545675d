"use client";
import { Card, CardContent, CardHeader, EmptyState, StatusBadge } from "@steward/ui";
import { useSuspenseQuery } from "@tanstack/react-query";
import { Building, ChevronRight, Siren } from "lucide-react";
import Link from "next/link";
import { CountBadges } from "~/components/counts.tsx";
import { PageHeader } from "~/components/page-header.tsx";
import { rollup } from "~/lib/status.ts";
import { useTRPC } from "~/trpc/react.tsx";

export function ProviderHome() {
  const trpc = useTRPC();
  const { data: tenants } = useSuspenseQuery({ ...trpc.tenant.list.queryOptions(), refetchInterval: 15_000 });
  return (
    <>
      <PageHeader title="Tenants" description="Every client tenant in your scope, worst status first." />
      {tenants.length === 0 ? (
        <EmptyState
          icon={Building}
          title="No tenants in your scope"
          description="Your account is not scoped to any client tenant yet. Ask a provider admin to add tenants to your scope."
        />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Tenants">
          {[...tenants]
            .sort((a, b) => rollup(b.monitors).rank - rollup(a.monitors).rank || a.name.localeCompare(b.name))
            .map((t) => {
              const r = rollup(t.monitors);
              return (
                <li key={t.id}>
                  <Link
                    href={`/t/${t.slug}`}
                    className="group block rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  >
                    <Card className="h-full transition-colors group-hover:border-primary/40">
                      <CardHeader className="flex-row items-start justify-between gap-3">
                        <div className="min-w-0">
                          <h2 className="truncate font-semibold">{t.name}</h2>
                          <p className="text-xs text-muted-foreground">{t.timezone}</p>
                        </div>
                        <StatusBadge status={r.status} label={r.label} />
                      </CardHeader>
                      <CardContent className="space-y-3">
                        <CountBadges counts={t.monitors} />
                        <div className="flex items-center justify-between text-sm">
                          <span
                            className={
                              t.openIncidents > 0
                                ? "flex items-center gap-1.5 font-medium text-status-down-foreground"
                                : "flex items-center gap-1.5 text-muted-foreground"
                            }
                          >
                            <Siren aria-hidden="true" className="size-4" />
                            {t.openIncidents} open incident{t.openIncidents === 1 ? "" : "s"}
                          </span>
                          <ChevronRight
                            aria-hidden="true"
                            className="size-4 text-muted-foreground transition-transform group-hover:translate-x-0.5"
                          />
                        </div>
                      </CardContent>
                    </Card>
                  </Link>
                </li>
              );
            })}
        </ul>
      )}
    </>
  );
}
