import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getQueryClient, handleServerError, trpc } from "~/trpc/server.ts";
import { ProviderHome } from "./provider-home.tsx";

export const metadata: Metadata = { title: "Tenants" };

export default async function ProviderPage() {
  const qc = getQueryClient();
  await qc.fetchQuery(trpc.tenant.list.queryOptions()).catch((e: unknown) => handleServerError(e, "/provider"));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ProviderHome />
    </HydrationBoundary>
  );
}
