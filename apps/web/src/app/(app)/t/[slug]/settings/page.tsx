import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header.tsx";
import { getQueryClient, getTenantBySlug, handleServerError, trpc } from "~/trpc/server.ts";
import { ProbeNetworkForm } from "./probe-network-form.tsx";

export const metadata: Metadata = { title: "Settings" };

/** Tenant settings: every member may view them; client admins and provider admins may edit. */
export default async function TenantSettingsPage({ params }: PageProps<"/t/[slug]/settings">) {
  const { slug } = await params;
  const tenant = await getTenantBySlug(slug);
  const qc = getQueryClient();
  await qc
    .fetchQuery(trpc.tenant.probeSettings.queryOptions({ tenantId: tenant.id }))
    .catch((e: unknown) => handleServerError(e, `/t/${slug}/settings`));
  return (
    <div className="max-w-3xl">
      <PageHeader title="Settings" description={`Settings of ${tenant.name}.`} />
      <HydrationBoundary state={dehydrate(qc)}>
        <ProbeNetworkForm />
      </HydrationBoundary>
    </div>
  );
}
