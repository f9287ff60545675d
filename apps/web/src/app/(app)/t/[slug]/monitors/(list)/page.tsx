import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { parseMonitorQuery, searchInput } from "~/lib/monitor-query.ts";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { MonitorList } from "../monitor-list.tsx";

export const metadata: Metadata = { title: "Monitors" };

/** The monitor list: server-side pagination, filters, sort and search, all in the URL. */
export default async function MonitorsPage({ params, searchParams }: PageProps<"/t/[slug]/monitors">) {
  const { slug } = await params;
  const query = parseMonitorQuery(await searchParams);
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await Promise.all([
    qc.fetchQuery(trpc.monitor.search.queryOptions({ tenantId: tenant.id, ...searchInput(query) })),
    qc.fetchQuery(trpc.asset.list.queryOptions({ tenantId: tenant.id })),
    // The user id keys the column choices kept in localStorage.
    qc.fetchQuery(trpc.me.get.queryOptions()),
  ]).catch((e: unknown) => handleServerError(e, `/t/${slug}/monitors`));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <MonitorList />
    </HydrationBoundary>
  );
}
