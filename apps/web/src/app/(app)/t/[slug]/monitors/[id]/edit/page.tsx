import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "~/components/page-header.tsx";
import { tenantPermissions } from "~/lib/me.ts";
import { getCaller, getMe, getTenantBySlug, handleServerError } from "~/trpc/server.ts";
import { MonitorForm } from "../../monitor-form.tsx";

export const metadata: Metadata = { title: "Edit monitor" };

export default async function EditMonitorPage({ params }: PageProps<"/t/[slug]/monitors/[id]/edit">) {
  const { slug, id } = await params;
  const [me, tenant] = await Promise.all([getMe(), getTenantBySlug(slug)]);
  if (!tenantPermissions(me, tenant.id).includes("monitor:write")) notFound();
  const caller = await getCaller();
  const from = `/t/${slug}/monitors/${id}/edit`;
  const [detail, tags, kinds, assets, regions] = await Promise.all([
    caller.monitor.get({ tenantId: tenant.id, monitorId: id }),
    caller.monitor.search({ tenantId: tenant.id, pageSize: 1 }).then((r) => r.tags.map((t) => t.tag)),
    caller.monitor.kinds({ tenantId: tenant.id }),
    caller.asset.list({ tenantId: tenant.id }),
    caller.monitor.regions({ tenantId: tenant.id }),
  ]).catch((e: unknown) => handleServerError(e, from));
  const m = detail.monitor;
  return (
    <>
      <PageHeader title={`Edit ${m.name}`} eyebrow={tenant.name} />
      <MonitorForm
        kinds={kinds}
        assets={assets.map((a) => ({ id: a.id, name: a.name }))}
        regions={regions}
        tagSuggestions={tags}
        monitor={{
          id: m.id,
          name: m.name,
          kind: m.kind,
          config: m.config,
          intervalSeconds: m.intervalSeconds,
          timeoutMs: m.timeoutMs,
          confirmations: m.confirmations,
          recoveryThreshold: m.recoveryThreshold,
          degradedThresholdMs: m.degradedThresholdMs,
          assetId: m.asset?.id ?? null,
          tags: m.tags,
          regions: m.regions,
          regionQuorum: m.regionQuorum,
          secretsSet: m.secretsSet,
        }}
      />
    </>
  );
}
