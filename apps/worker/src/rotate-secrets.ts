// `pnpm secrets:rotate` (scripts/secrets-rotate.mjs runs this with the stack's environment): seals monitor
// secrets still stored in clear (rows written before migration 20261204030000), then re-seals every sealed
// value that is not under the current key (STEWARD_SECRETS_CURRENT_KEY, default the first of
// STEWARD_SECRETS_KEYS). Idempotent: a second run changes nothing. docs/operations.md has the procedure.
import { disconnectAll } from "@steward/db";
import { loadSecretBoxFromEnv } from "@steward/secrets";
import { rotateMonitorSecrets, sealPlaintextMonitorSecrets } from "@steward/services";
import { secretsEnv } from "./env.ts";

async function main(): Promise<number> {
  const box = loadSecretBoxFromEnv(secretsEnv());
  const sealed = await sealPlaintextMonitorSecrets(box);
  const rotated = await rotateMonitorSecrets(box);
  console.info(
    `secrets:rotate: current key ${box.currentKeyId}; ${sealed} monitor(s) had plaintext secrets (now sealed); ` +
      `${rotated.resealed} value(s) of ${rotated.monitors} monitor(s) re-sealed; ${rotated.failed} could not be opened`,
  );
  if (rotated.failed > 0) {
    console.warn(
      "secrets:rotate: some values did not open (altered, or sealed under a key no longer configured); they were left as they are — keep the old key listed until they are entered again",
    );
    return 2;
  }
  return 0;
}

main()
  .then(async (code) => {
    await disconnectAll().catch(() => {});
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(`secrets:rotate: ${(err as Error).message}`);
    await disconnectAll().catch(() => {});
    process.exit(1);
  });
