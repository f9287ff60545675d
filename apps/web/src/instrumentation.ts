/**
 * Runs once when the server starts (Next.js instrumentation). The web seals monitor secrets on write
 * (@steward/secrets): without a key it must not start at all, rather than fail on the first edit.
 * Outside NODE_ENV=development|test the key must come from STEWARD_SECRETS_KEYS / _FILE (npm start passes
 * the one it generated into .data/secrets-keys).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { loadSecretBoxFromEnv } = await import("@steward/secrets");
  try {
    loadSecretBoxFromEnv(process.env);
  } catch (err) {
    console.error(`web cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
