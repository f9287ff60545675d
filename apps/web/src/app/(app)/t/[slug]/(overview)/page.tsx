import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { TenantOverview } from "./tenant-overview.tsx";

export async function generateMetadata({ params }: PageProps<"/t/[slug]">): Promise<Metadata> {
  const tenant = await getTenantBySlug((await params).slug);
  return { title: tenant.name };
}

export default async function TenantPage({ params }: PageProps<"/t/[slug]">) {
  const { slug } = await params;
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await qc
    .fetchQuery(trpc.tenant.overview.queryOptions({ tenantId: tenant.id }))
    .catch((e: unknown) => handleServerError(e, `/t/${slug}`));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <TenantOverview />
    </HydrationBoundary>
  );
}
