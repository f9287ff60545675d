import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { MonitorDetail } from "./monitor-detail.tsx";

export const metadata: Metadata = { title: "Monitor" };

export default async function MonitorPage({ params }: PageProps<"/t/[slug]/monitors/[id]">) {
  const { slug, id } = await params;
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await qc
    .fetchQuery(trpc.monitor.get.queryOptions({ tenantId: tenant.id, monitorId: id }))
    .catch((e: unknown) => handleServerError(e, `/t/${slug}/monitors/${id}`));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <MonitorDetail monitorId={id} />
    </HydrationBoundary>
  );
}
