/**
 * Runs once in each Next.js server process before it serves requests. In the Node.js runtime it installs
 * the client-address hook (server/client-address-hook.ts; ADR 0014): the only place the socket's address
 * is read, so a client-sent X-Forwarded-For cannot choose the address limits and audit rows see.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { trustedProxies } = await import("./env.ts");
  const { installClientAddressHook } = await import("./server/client-address-hook.ts");
  installClientAddressHook(trustedProxies);
}
