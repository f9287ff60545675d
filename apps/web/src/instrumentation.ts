/**
 * Runs once in each Next.js server process before it serves requests (Next.js instrumentation), in the
 * Node.js runtime only:
 * - refuses to start without the monitor-secrets key: the web seals monitor secrets on write
 *   (@steward/secrets), so it must not start at all rather than fail on the first edit. Outside
 *   NODE_ENV=development|test the key must come from STEWARD_SECRETS_KEYS / _FILE (npm start passes the one
 *   it generated into .data/secrets-keys);
 * - installs the client-address hook (server/client-address-hook.ts; ADR 0014): the only place the
 *   socket's address is read, so a client-sent X-Forwarded-For cannot choose the address limits and audit
 *   rows see.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { loadSecretBoxFromEnv } = await import("@steward/secrets");
  try {
    loadSecretBoxFromEnv(process.env);
  } catch (err) {
    console.error(`web cannot start: ${(err as Error).message}`);
    process.exit(1);
    return;
  }
  const { trustedProxies } = await import("./env.ts");
  const { installClientAddressHook } = await import("./server/client-address-hook.ts");
  installClientAddressHook(trustedProxies);
}
