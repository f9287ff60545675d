/**
 * Config fields that are secrets, by monitor kind. Monitor configs are stored as JSON; anything that
 * returns a config to a client (monitor.get, forms) must pass it through `redactConfig`, and an edit
 * that leaves a secret out keeps the stored one (`mergeSecrets`), so a secret is write-only over the API.
 */
export const SECRET_CONFIG_FIELDS: Readonly<Record<string, readonly string[]>> = {
  POSTGRES: ["password"],
  REDIS: ["password"],
  MQTT: ["password"],
};

/** The config without its secret fields, plus the names of the secrets that are set. */
export function redactConfig(kind: string, config: unknown): { config: unknown; secretsSet: string[] } {
  const fields = SECRET_CONFIG_FIELDS[kind] ?? [];
  if (fields.length === 0 || typeof config !== "object" || config === null || Array.isArray(config)) {
    return { config, secretsSet: [] };
  }
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  const secretsSet: string[] = [];
  for (const f of fields) {
    if (f in out) {
      if (out[f] !== undefined && out[f] !== "") secretsSet.push(f);
      delete out[f];
    }
  }
  return { config: out, secretsSet };
}

/** An edited config: secret fields the edit leaves out (or sends empty) keep their stored values. */
export function mergeSecrets(
  kind: string,
  stored: unknown,
  incoming: Record<string, unknown>,
): Record<string, unknown> {
  const fields = SECRET_CONFIG_FIELDS[kind] ?? [];
  const prev = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const out = { ...incoming };
  for (const f of fields) {
    if ((out[f] === undefined || out[f] === "") && prev[f] !== undefined) out[f] = prev[f];
  }
  return out;
}
