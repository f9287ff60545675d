/**
 * Runs once when the server starts, before it serves a request: fail closed on missing secrets (no
 * AUTH_SECRET outside development; built-in database role passwords in production — ADR 0015) instead of
 * failing on the first request, or worse, serving with a default.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  try {
    const { runStartupChecks } = await import("./server/startup-checks.ts");
    runStartupChecks();
  } catch (err) {
    console.error(`steward web: refusing to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
