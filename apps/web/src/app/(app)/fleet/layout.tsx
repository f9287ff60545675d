import { notFound } from "next/navigation";
import { toShellUser } from "~/lib/me.ts";
import { getMe } from "~/trpc/server.ts";

/**
 * Who may open /fleet is decided here, outside fleet/loading.tsx's Suspense boundary: a notFound() in
 * the page would come after the loading skeleton has streamed, with HTTP 200. Here it is a real 404.
 */
export default async function FleetLayout({ children }: { children: React.ReactNode }) {
  if (!toShellUser(await getMe()).canSeeFleet) notFound();
  return children;
}
