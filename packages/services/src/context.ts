import type { Permission, Role } from "@steward/domain";

/** Who is acting. A system actor is a job or the scheduler; it names what it is doing. */
export type Actor =
  | { type: "USER"; userId: string; email: string; name: string; sessionId: string | null }
  | { type: "API_TOKEN"; tokenId: string; name: string }
  | { type: "SYSTEM"; job: string };

export interface TenantRef {
  id: string;
  name: string;
  slug: string;
  timezone: string;
}

/** Everything a service verb needs to know about the caller. Built by the API layer or the worker. */
export interface ServiceContext {
  /** The tenant the request acts in; null for calls outside any tenant (provider home, login). */
  tenant: TenantRef | null;
  actor: Actor;
  /** The role held in `tenant` (the provider role for provider staff acting in a client tenant). */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  /** Client tenants the actor may reach (a client user: their own; staff: their scope). */
  reachableTenantIds: readonly string[];
  requestId: string;
  ip?: string | null;
}

export function actorLabel(actor: Actor): string {
  switch (actor.type) {
    case "USER":
      return actor.email;
    case "API_TOKEN":
      return `token:${actor.name}`;
    case "SYSTEM":
      return `system:${actor.job}`;
  }
}

export function actorId(actor: Actor): string | null {
  return actor.type === "USER" ? actor.userId : actor.type === "API_TOKEN" ? actor.tokenId : null;
}
