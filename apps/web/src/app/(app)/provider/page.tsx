import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getQueryClient, handleServerError, trpc } from "~/trpc/server.ts";
import { ProviderHome } from "./provider-home.tsx";

export const metadata: Metadata = { title: "Tenants" };

export default async function ProviderPage() {
  // Client users have no provider view: provider/layout.tsx answers 404.
  const qc = getQueryClient();
  await qc.fetchQuery(trpc.tenant.list.queryOptions()).catch((e: unknown) => handleServerError(e, "/provider"));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ProviderHome />
    </HydrationBoundary>
  );
}
