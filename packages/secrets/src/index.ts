export {
  createSecretBox,
  isSealed,
  SEALED_PREFIX,
  type SecretAad,
  type SecretBox,
  type SecretKey,
  sealedKeyId,
} from "./box.ts";
export { SecretOpenError, type SecretOpenFailure, SecretsConfigError } from "./errors.ts";
export {
  CURRENT_KEY_ENV,
  DEV_KEYS_FILE,
  ensureDevKeyFile,
  generateKeyEntry,
  KEYS_ENV,
  KEYS_FILE_ENV,
  keysFromEnv,
  type LoadOptions,
  loadSecretBoxFromEnv,
  parseKeys,
} from "./keys.ts";
