import { TenantProvider } from "~/components/tenant-context.tsx";
import { tenantPermissions } from "~/lib/me.ts";
import { getMe, getTenantBySlug } from "~/trpc/server.ts";

/** Resolves the tenant among those the user reaches; any other slug is a 404 (never a 403). */
export default async function TenantLayout({ children, params }: LayoutProps<"/t/[slug]">) {
  const { slug } = await params;
  const [me, tenant] = await Promise.all([getMe(), getTenantBySlug(slug)]);
  return (
    <TenantProvider
      tenant={{
        id: tenant.id,
        name: tenant.name,
        slug: tenant.slug,
        timezone: tenant.timezone,
        permissions: tenantPermissions(me, tenant.id),
      }}
    >
      {children}
    </TenantProvider>
  );
}
