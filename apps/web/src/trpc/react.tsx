"use client";
import type { AppRouter } from "@steward/api";
import { QueryCache, type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  loggerLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState } from "react";
import SuperJSON from "superjson";
import { makeQueryClient } from "./query-client.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

/** Sends the browser to the login page when `error` says the session is gone (also ends live streams). */
export function onUnauthorized(error: unknown) {
  if (error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED" && typeof window !== "undefined") {
    // The server-side session was revoked or expired: go to the login page right away.
    window.location.assign(`/login?reason=expired&callbackUrl=${encodeURIComponent(window.location.pathname)}`);
  }
}

function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  if (!browserQueryClient) {
    browserQueryClient = makeQueryClient();
    browserQueryClient.getQueryCache().config.onError = onUnauthorized;
    browserQueryClient.getMutationCache().config.onError = onUnauthorized;
  }
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) =>
            process.env.NODE_ENV === "development" && op.direction === "down" && op.result instanceof Error,
        }),
        // Subscriptions (live updates) over server-sent events; everything else batched over HTTP.
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: SuperJSON }),
          false: httpBatchLink({
            url: "/api/trpc",
            transformer: SuperJSON,
            headers: () => ({ "x-trpc-source": "web" }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export { QueryCache };
