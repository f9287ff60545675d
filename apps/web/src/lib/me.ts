import type { Me } from "~/trpc/server.ts";
import { ROLE_LABELS, type ShellUser } from "./shell-user.ts";

export function toShellUser(me: Me): ShellUser {
  const roles = [...new Set(me.memberships.map((m) => m.role))];
  return {
    name: me.user.name,
    email: me.user.email,
    isProviderStaff: me.isProviderStaff,
    canSeeFleet: me.memberships.some(
      (m) => m.tenantKind === "PROVIDER" && (m.role === "PROVIDER_ADMIN" || m.role === "ENGINEER"),
    ),
    roleLabel: roles.map((r) => ROLE_LABELS[r] ?? r).join(", ") || "No role",
    tenants: me.tenants.map((t) => ({ id: t.id, name: t.name, slug: t.slug, timezone: t.timezone })),
  };
}

/** The permissions held in a tenant (from me.get), used only to hide controls; the server enforces. */
export function tenantPermissions(me: Me, tenantId: string): string[] {
  return [...(me.tenants.find((t) => t.id === tenantId)?.permissions ?? [])];
}
