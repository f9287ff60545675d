/**
 * Config fields that are secrets, by monitor kind. Monitor configs are stored as JSON; anything that
 * returns a config to a client (monitor.get, forms) must pass it through `redactConfig`; the values are
 * stored sealed per path (`splitSecrets` / `joinSecrets`; an edit that leaves one out keeps it:
 * services' update-monitor), so a secret is write-only over the API.
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

/**
 * Where a secret lives in a config: a secret field (`password`) or a credential header (`headers.<Name>`).
 * Monitor secrets are stored sealed per path (monitors.secrets, @steward/secrets), bound to the path.
 */
export type SecretPath = string;

/**
 * A config split into what may be stored and shown (`config`: secret fields removed, credential headers
 * kept by name with "" as value) and its secret values by path (only the non-empty ones).
 */
export function splitSecrets(
  kind: string,
  config: unknown,
): { config: Record<string, unknown>; secrets: Record<SecretPath, string> } {
  const secrets: Record<SecretPath, string> = {};
  if (!isRecord(config)) return { config: {}, secrets };
  const out: Record<string, unknown> = { ...config };
  for (const f of SECRET_CONFIG_FIELDS[kind] ?? []) {
    if (!(f in out)) continue;
    const v = out[f];
    if (typeof v === "string" && v !== "") secrets[f] = v;
    delete out[f];
  }
  if (isRecord(config.headers)) {
    const headers: Record<string, unknown> = { ...config.headers };
    for (const [name, value] of Object.entries(headers)) {
      if (!SENSITIVE_HEADER.test(name)) continue;
      if (typeof value === "string" && value !== "") secrets[`headers.${name}`] = value;
      headers[name] = "";
    }
    out.headers = headers;
  }
  return { config: out, secrets };
}

/** The secret paths a config holds (non-empty values only): what `splitSecrets` would take out. */
export function secretPathsOf(kind: string, config: unknown): SecretPath[] {
  return Object.keys(splitSecrets(kind, config).secrets);
}

/** The config the probe runs with: `config` with the secret values put back at their paths. */
export function joinSecrets(config: unknown, secrets: Readonly<Record<SecretPath, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = isRecord(config) ? { ...config } : {};
  for (const [path, value] of Object.entries(secrets)) {
    if (path.startsWith("headers.")) {
      const headers: Record<string, unknown> = isRecord(out.headers) ? { ...out.headers } : {};
      headers[path.slice("headers.".length)] = value;
      out.headers = headers;
    } else {
      out[path] = value;
    }
  }
  return out;
}

/**
 * Where a config's secrets are sent: scheme, host and port (and TLS for the host/port kinds), normalised
 * (lower-case host, default ports filled in). Changing it clears the stored secrets unless the same edit
 * enters them again (issue 8 item 2). null for a config without a recognisable target.
 */
export function secretTarget(kind: string, config: unknown): string | null {
  if (!isRecord(config)) return null;
  if (typeof config.url === "string") {
    try {
      const u = new URL(config.url);
      const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
      return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
    } catch {
      return null;
    }
  }
  if (typeof config.host === "string") {
    const host = config.host
      .trim()
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
    const tls = config.tls === true || config.ssl === true ? "tls" : "plain";
    return `${kind.toLowerCase()}+${tls}://${host}:${String(config.port ?? "default")}`;
  }
  return null;
}
