"use client";
import { createContext, useContext } from "react";

export interface TenantInfo {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  /** Permissions the signed-in user holds in this tenant (for hiding controls; the server enforces). */
  permissions: readonly string[];
}

const Ctx = createContext<TenantInfo | null>(null);

export function TenantProvider({ tenant, children }: { tenant: TenantInfo; children: React.ReactNode }) {
  return <Ctx.Provider value={tenant}>{children}</Ctx.Provider>;
}

export function useTenant(): TenantInfo {
  const t = useContext(Ctx);
  if (!t) throw new Error("useTenant outside a tenant page");
  return t;
}

export function useCan(permission: string): boolean {
  return useTenant().permissions.includes(permission);
}
