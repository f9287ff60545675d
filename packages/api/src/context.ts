import { type ResolvedAccess, resolveAccess, type SessionUser, validateSession } from "@steward/services";

export interface CreateContextOptions {
  /** The session id from the (HttpOnly) session cookie / next-auth token; null when absent. */
  sessionId: string | null | undefined;
  requestId: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface ApiContext {
  /** The signed-in user, or null (validated against the sessions table on every request). */
  user: SessionUser | null;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /** Reachable tenants and roles of `user`, resolved once per request on first use. */
  access: () => Promise<ResolvedAccess>;
}

/** Builds the tRPC context for one request. Call it from the HTTP adapter (apps/web) or tests. */
export async function createContext(opts: CreateContextOptions): Promise<ApiContext> {
  const user = await validateSession(opts.sessionId);
  let access: Promise<ResolvedAccess> | null = null;
  return {
    user,
    requestId: opts.requestId,
    ip: opts.ip ?? null,
    userAgent: opts.userAgent ?? null,
    access: () => {
      if (!user) return Promise.reject(new Error("access() without a user"));
      access ??= resolveAccess(user.id);
      return access;
    },
  };
}
