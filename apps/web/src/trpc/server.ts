import "server-only";
import { type AppRouter, appRouter, createContext } from "@steward/api";
import { dehydrate } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { safeRedirectPath } from "../lib/safe-redirect.ts";
import { clientIp, requestIdFrom } from "../server/request-info.ts";
import { currentSessionId } from "../server/session.ts";
import { makeQueryClient } from "./query-client.ts";

/** One tRPC context per server-component request: validates the session (validateSession) via the API. */
const createRscContext = cache(async () => {
  const h = await headers();
  return createContext({
    sessionId: await currentSessionId(),
    requestId: requestIdFrom(h),
    ip: clientIp(h),
    userAgent: h.get("user-agent"),
  });
});

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy<AppRouter>({
  router: appRouter,
  ctx: createRscContext,
  queryClient: getQueryClient,
});

export const getCaller = cache(async () => appRouter.createCaller(await createRscContext()));

export function dehydratedState() {
  return dehydrate(getQueryClient());
}

/** Map tRPC errors in server components: no session → /login, foreign/missing → 404. */
export function handleServerError(err: unknown, from?: string): never {
  if (err instanceof TRPCError) {
    if (err.code === "UNAUTHORIZED") {
      const back = safeRedirectPath(from);
      redirect(back !== "/" ? `/login?callbackUrl=${encodeURIComponent(back)}` : "/login");
    }
    if (err.code === "NOT_FOUND" || err.code === "FORBIDDEN" || err.code === "BAD_REQUEST") notFound();
  }
  throw err;
}

/** The signed-in user (validated server-side on every request). Redirects to /login when there is none. */
export const getMe = cache(async () => {
  try {
    const caller = await getCaller();
    return await caller.me.get();
  } catch (err) {
    handleServerError(err);
  }
});

export type Me = Awaited<ReturnType<typeof getMe>>;

/** Resolve a tenant slug among the tenants the user may reach; 404 otherwise (never 403). */
export const getTenantBySlug = cache(async (slug: string) => {
  const me = await getMe();
  const tenant = me.tenants.find((t) => t.slug === slug);
  if (!tenant) notFound();
  return tenant;
});

/** The signed-in user, or null (no redirect) — for the login page. */
export async function getOptionalMe() {
  try {
    const caller = await getCaller();
    return await caller.me.get();
  } catch (err) {
    if (err instanceof TRPCError && err.code === "UNAUTHORIZED") return null;
    throw err;
  }
}
