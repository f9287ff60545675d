import { notFound } from "next/navigation";
import { getMe } from "~/trpc/server.ts";

/**
 * The provider view is provider staff's. A client user (who reaches a client tenant) gets a real 404,
 * decided here outside provider/loading.tsx's Suspense boundary (in the page it would stream as HTTP 200).
 */
export default async function ProviderLayout({ children }: { children: React.ReactNode }) {
  const me = await getMe();
  if (!me.isProviderStaff && me.tenants.length > 0) notFound();
  return children;
}
