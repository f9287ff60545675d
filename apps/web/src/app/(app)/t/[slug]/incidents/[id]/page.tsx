import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { IncidentDetail } from "./incident-detail.tsx";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: PageProps<"/t/[slug]/incidents/[id]">) {
  const { slug, id } = await params;
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await qc
    .fetchQuery(trpc.incident.get.queryOptions({ tenantId: tenant.id, incidentId: id }))
    .catch((e: unknown) => handleServerError(e, `/t/${slug}/incidents/${id}`));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <IncidentDetail incidentId={id} />
    </HydrationBoundary>
  );
}
