import type { SecretAad, SecretBox } from "@steward/secrets";
import { secretBox } from "../secrets/monitor-secrets.ts";

/**
 * How "test now" seals the configuration it puts in the job payload, and how the worker opens it: the
 * process's SecretBox (@steward/secrets: AES-256-GCM envelope, the tenant and `monitor-test:<requestId>`
 * bound as associated data), with the key web and worker share (STEWARD_SECRETS_KEYS …).
 */
export type SealAad = SecretAad;
export type ConfigSealer = Pick<SecretBox, "seal" | "open">;

/** The owner a "test now" config is sealed for: one request, so a sealed value opens for nothing else. */
export const testConfigOwner = (requestId: string) => `monitor-test:${requestId}`;

/** The process's box (`secretBox()`), looked up on each use: a process without a key starts, only "test now" fails. */
export const lazyTestConfigSealer: ConfigSealer = {
  seal: (plaintext, aad) => secretBox().seal(plaintext, aad),
  open: (sealed, aad) => secretBox().open(sealed, aad),
};
