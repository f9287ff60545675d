import { redirect } from "next/navigation";
import { getMe } from "~/trpc/server.ts";

/** Home: provider staff land on the provider overview, client users on their tenant. */
export default async function HomePage() {
  const me = await getMe();
  if (me.isProviderStaff) redirect("/provider");
  const tenant = me.tenants[0];
  if (tenant) redirect(`/t/${tenant.slug}` as never);
  redirect("/provider");
}
