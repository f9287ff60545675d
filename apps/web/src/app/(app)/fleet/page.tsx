import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { toShellUser } from "~/lib/me.ts";
import { getMe, getQueryClient, handleServerError, trpc } from "~/trpc/server.ts";
import { FleetView } from "./fleet-view.tsx";

export const metadata: Metadata = { title: "Probe fleet" };

/** Provider admins and engineers: every probe worker and whether it still beats. Others: 404. */
export default async function FleetPage() {
  const me = await getMe();
  if (!toShellUser(me).canSeeFleet) notFound();
  const qc = getQueryClient();
  await qc.fetchQuery(trpc.fleet.workers.queryOptions()).catch((e: unknown) => handleServerError(e, "/fleet"));
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <FleetView />
    </HydrationBoundary>
  );
}
