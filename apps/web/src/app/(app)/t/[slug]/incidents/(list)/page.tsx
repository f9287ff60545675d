import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { parseStatusFilter } from "~/lib/incident-filter.ts";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { IncidentList } from "../incident-list.tsx";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({ params, searchParams }: PageProps<"/t/[slug]/incidents">) {
  const { slug } = await params;
  const status = parseStatusFilter((await searchParams).status);
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await qc
    .fetchQuery(trpc.incident.list.queryOptions({ tenantId: tenant.id, ...(status ? { status } : {}) }))
    .catch((e: unknown) => handleServerError(e, `/t/${slug}/incidents`));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <IncidentList status={status} />
    </HydrationBoundary>
  );
}
