import { getSystemPool } from "@steward/db";
import { splitSecrets } from "@steward/probes";
import { isSealed, loadSecretBoxFromEnv, type SecretBox } from "@steward/secrets";

/**
 * Monitor credentials at rest (issue 8 item 3, ADR 0013). `monitors.config` holds no secret value: secret
 * fields are left out and credential headers keep only their name. The values live in `monitors.secrets`
 * as `{ "<path>": "<sealed>" }` (path: `password`, `headers.Authorization`, …), each sealed by
 * @steward/secrets bound to (tenant, `monitor:<id>`, path), so a value copied to another tenant, monitor or
 * path does not open.
 *
 * Who does what: the services that write monitors (web/API) only SEAL (create, update) and report which
 * paths are set; the worker OPENS them right before a probe runs (apps/worker/src/processors/probe-run.ts);
 * the `secrets:rotate` command re-seals under the current key. Nothing else calls `openMonitorSecrets`.
 */
export type SealedSecrets = Record<string, string>;

let box: SecretBox | undefined;

/**
 * The process's SecretBox, from the environment (STEWARD_SECRETS_KEYS …; a generated development key only
 * under NODE_ENV=development|test). The worker and the web load it at start, so a missing key stops them.
 */
export function secretBox(): SecretBox {
  box ??= loadSecretBoxFromEnv(process.env);
  return box;
}

/** Use this box from now on (start-up wiring and tests). */
export function useSecretBox(next: SecretBox): void {
  box = next;
}

export const monitorSecretOwner = (monitorId: string) => `monitor:${monitorId}`;

/** The stored sealed map (anything that is not a sealed string is dropped). */
export function sealedSecretsOf(raw: unknown): SealedSecrets {
  const out: SealedSecrets = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return out;
  for (const [path, v] of Object.entries(raw)) if (isSealed(v)) out[path] = v;
  return out;
}

export function sealMonitorSecrets(
  tenantId: string,
  monitorId: string,
  plain: Readonly<Record<string, string>>,
  sb: SecretBox = secretBox(),
): SealedSecrets {
  const out: SealedSecrets = {};
  for (const [path, value] of Object.entries(plain)) {
    out[path] = sb.seal(value, { tenantId, owner: monitorSecretOwner(monitorId), field: path });
  }
  return out;
}

/** Opens every sealed value of a monitor (worker and rotation only). Throws SecretOpenError on any failure. */
export function openMonitorSecrets(
  tenantId: string,
  monitorId: string,
  sealed: unknown,
  sb: SecretBox = secretBox(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, value] of Object.entries(sealedSecretsOf(sealed))) {
    out[path] = sb.open(value, { tenantId, owner: monitorSecretOwner(monitorId), field: path });
  }
  return out;
}

/**
 * A legacy config's URL credentials (`https://user:pass@host/`, refused since issue 8) become an
 * `Authorization: Basic` header (unless one exists) and leave the URL.
 */
export function moveUrlCredentials(config: Record<string, unknown>): Record<string, unknown> {
  if (typeof config.url !== "string") return config;
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return config;
  }
  if (url.username === "" && url.password === "") return config;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  const headers = { ...((config.headers as Record<string, string> | undefined) ?? {}) };
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === "authorization" && headers[h] !== "");
  if (!hasAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`, "utf8").toString("base64")}`;
  }
  return { ...config, url: url.href, headers };
}

interface Row {
  id: string;
  tenant_id: string;
  kind: string;
  config: Record<string, unknown>;
  secrets: unknown;
}

/** Runs `fn` on one monitor row locked FOR UPDATE in its own transaction (skipped when the row is gone). */
async function withLockedMonitor(
  pool: ReturnType<typeof getSystemPool>,
  id: string,
  fn: (row: Row, update: (sql: string, values: unknown[]) => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const row = (
      await client.query<Row>(
        "SELECT id, tenant_id, kind::text AS kind, config, secrets FROM monitors WHERE id = $1 FOR UPDATE",
        [id],
      )
    ).rows[0];
    if (row) await fn(row, (sql, values) => client.query(sql, values));
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Seals what rows written before migration 20261204030000 still hold in clear: secret fields and credential
 * headers in `config`, and credentials in URLs. Run by the worker at start-up (before it probes) and by
 * `secrets:rotate`; idempotent (a clean database is one indexed-free scan that changes nothing).
 */
export async function sealPlaintextMonitorSecrets(sb: SecretBox = secretBox()): Promise<number> {
  const pool = getSystemPool();
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM monitors
      WHERE steward_config_has_plaintext_secret(kind::text, config)
         OR coalesce(config ->> 'url', '') ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@'`,
  );
  let sealed = 0;
  for (const { id } of rows) {
    await withLockedMonitor(pool, id, async (r, update) => {
      const split = splitSecrets(r.kind, moveUrlCredentials(r.config ?? {}));
      const secrets = { ...sealedSecretsOf(r.secrets), ...sealMonitorSecrets(r.tenant_id, r.id, split.secrets, sb) };
      await update("UPDATE monitors SET config = $2, secrets = $3 WHERE id = $1", [
        r.id,
        JSON.stringify(split.config),
        JSON.stringify(secrets),
      ]);
      sealed++;
    });
  }
  return sealed;
}

/**
 * Re-seals every monitor secret that is not under the current key (after a new key was added and made
 * current). Idempotent: a second run finds nothing to do. A value that does not open (altered, or its key
 * is no longer configured) is left as it is and counted in `failed`, never dropped.
 */
export async function rotateMonitorSecrets(
  sb: SecretBox = secretBox(),
): Promise<{ monitors: number; resealed: number; failed: number }> {
  const pool = getSystemPool();
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM monitors WHERE secrets <> '{}'::jsonb ORDER BY id`);
  let monitors = 0;
  let resealed = 0;
  let failed = 0;
  for (const { id } of rows) {
    await withLockedMonitor(pool, id, async (r, update) => {
      const current = sealedSecretsOf(r.secrets);
      const next: SealedSecrets = { ...current };
      let changed = 0;
      for (const [path, value] of Object.entries(current)) {
        if (!sb.needsRotation(value)) continue;
        const aad = { tenantId: r.tenant_id, owner: monitorSecretOwner(r.id), field: path };
        try {
          next[path] = sb.seal(sb.open(value, aad), aad);
          changed++;
        } catch {
          failed++;
        }
      }
      if (changed > 0) {
        await update("UPDATE monitors SET secrets = $2 WHERE id = $1", [r.id, JSON.stringify(next)]);
        monitors++;
        resealed += changed;
      }
    });
  }
  return { monitors, resealed, failed };
}
