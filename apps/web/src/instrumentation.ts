/**
 * Runs once in each Next.js server process before it serves requests (Next.js instrumentation), in the
 * Node.js runtime only (not while `next build` collects pages):
 * - fail closed on missing secrets: no AUTH_SECRET outside development, built-in database role passwords in
 *   production (ADR 0015), and no monitor-secrets key outside NODE_ENV=development|test — the web seals
 *   monitor secrets on write (@steward/secrets, ADR 0013). It refuses to start rather than fail on the
 *   first request, or worse, serve with a default;
 * - installs the client-address hook (server/client-address-hook.ts; ADR 0014): the only place the
 *   socket's address is read, so a client-sent X-Forwarded-For cannot choose the address limits and audit
 *   rows see.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  try {
    const { runStartupChecks } = await import("./server/startup-checks.ts");
    runStartupChecks();
    const { loadSecretBoxFromEnv } = await import("@steward/secrets");
    loadSecretBoxFromEnv(process.env);
  } catch (err) {
    console.error(`steward web: refusing to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
    return;
  }
  const { trustedProxies } = await import("./env.ts");
  const { installClientAddressHook } = await import("./server/client-address-hook.ts");
  installClientAddressHook(trustedProxies);
}
