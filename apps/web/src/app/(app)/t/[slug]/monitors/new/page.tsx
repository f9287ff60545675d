import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "~/components/page-header.tsx";
import { tenantPermissions } from "~/lib/me.ts";
import { getCaller, getMe, getTenantBySlug, handleServerError } from "~/trpc/server.ts";
import { MonitorForm } from "../monitor-form.tsx";

export const metadata: Metadata = { title: "Add monitor" };

export default async function NewMonitorPage({ params }: PageProps<"/t/[slug]/monitors/new">) {
  const { slug } = await params;
  const [me, tenant] = await Promise.all([getMe(), getTenantBySlug(slug)]);
  if (!tenantPermissions(me, tenant.id).includes("monitor:write")) notFound();
  const caller = await getCaller();
  const [kinds, assets, regions, tags] = await Promise.all([
    caller.monitor.kinds({ tenantId: tenant.id }),
    caller.asset.list({ tenantId: tenant.id }),
    caller.monitor.regions({ tenantId: tenant.id }),
    caller.monitor.search({ tenantId: tenant.id, pageSize: 1 }).then((r) => r.tags.map((t) => t.tag)),
  ]).catch((e: unknown) => handleServerError(e, `/t/${slug}/monitors/new`));
  return (
    <>
      <PageHeader title="Add monitor" eyebrow={tenant.name} />
      <MonitorForm
        kinds={kinds}
        assets={assets.map((a) => ({ id: a.id, name: a.name }))}
        regions={regions}
        tagSuggestions={tags}
      />
    </>
  );
}
