import { TenantProvider } from "~/components/tenant-context.tsx";
import { tenantPermissions } from "~/lib/me.ts";
import { getMe, getTenantBySlug } from "~/trpc/server.ts";

/**
 * Resolves the tenant among those the user reaches; any other slug is a 404 (never a 403).
 * No loading.tsx wraps the child segments (the skeletons sit in the (overview), monitors/(list) and
 * incidents/(list) route groups): a notFound() inside a streamed Suspense boundary would answer HTTP 200,
 * so the pages that 404 (a foreign or unknown id, a permission the role lacks) render outside any.
 */
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
