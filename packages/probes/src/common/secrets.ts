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

/**
 * Request headers whose values are credentials (HTTP monitors): `Authorization`, cookies, API keys and
 * anything named like a token, key, secret, session or password. Their values are write-only like the
 * secret fields: redacted to "" with the header name kept (so a form shows it exists), and an edit that
 * sends "" keeps the stored value; leaving the header out removes it.
 */
export const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|key|auth|session|passw|signature/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The config without its secret fields, plus the names of the secrets that are set. */
export function redactConfig(kind: string, config: unknown): { config: unknown; secretsSet: string[] } {
  const fields = SECRET_CONFIG_FIELDS[kind] ?? [];
  const hasHeaders = isRecord(config) && isRecord(config.headers);
  if ((fields.length === 0 && !hasHeaders) || !isRecord(config)) {
    return { config, secretsSet: [] };
  }
  const out: Record<string, unknown> = { ...config };
  const secretsSet: string[] = [];
  if (hasHeaders) {
    const headers: Record<string, unknown> = { ...(config.headers as Record<string, unknown>) };
    for (const [name, value] of Object.entries(headers)) {
      if (!SENSITIVE_HEADER.test(name)) continue;
      if (value !== undefined && value !== "") secretsSet.push(`headers.${name}`);
      headers[name] = "";
    }
    out.headers = headers;
  }
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
  if (isRecord(out.headers) && isRecord(prev.headers)) {
    const stored = prev.headers;
    const headers: Record<string, unknown> = { ...out.headers };
    for (const [name, value] of Object.entries(headers)) {
      if (value === "" && SENSITIVE_HEADER.test(name) && typeof stored[name] === "string") headers[name] = stored[name];
    }
    out.headers = headers;
  }
  return out;
}
