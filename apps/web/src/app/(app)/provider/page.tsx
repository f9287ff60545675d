import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getMe, getQueryClient, handleServerError, trpc } from "~/trpc/server.ts";
import { ProviderHome } from "./provider-home.tsx";

export const metadata: Metadata = { title: "Tenants" };

export default async function ProviderPage() {
  const me = await getMe();
  // Client users have one tenant and no provider view.
  if (!me.isProviderStaff && me.tenants.length > 0) redirect("/");
  const qc = getQueryClient();
  await qc.fetchQuery(trpc.tenant.list.queryOptions()).catch((e: unknown) => handleServerError(e, "/provider"));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ProviderHome />
    </HydrationBoundary>
  );
}
