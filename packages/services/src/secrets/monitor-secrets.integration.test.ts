import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { withSystem } from "@steward/db";
import { SENSITIVE_HEADER, URL_CREDENTIALS_MESSAGE } from "@steward/probes";
import { createSecretBox, SecretOpenError } from "@steward/secrets";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { type CreateMonitorInput, createMonitor } from "../monitor/create-monitor.ts";
import { getMonitor } from "../monitor/get-monitor.ts";
import { updateMonitor } from "../monitor/update-monitor.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import {
  openMonitorSecrets,
  rotateMonitorSecrets,
  sealPlaintextMonitorSecrets,
  useSecretBox,
} from "./monitor-secrets.ts";

// Issue 8 items 2 and 3 at the service layer, on this file's own Postgres database: what is stored, what an
// edit keeps or clears, URL credentials, the start-up sweep of plaintext left by older versions, rotation.

const k1 = { id: "k1", key: randomBytes(32) };
const k2 = { id: "k2", key: randomBytes(32) };
const CANARY = `Bearer canary-${randomBytes(6).toString("hex")}`;
const PW = `pw-canary-${randomBytes(6).toString("hex")}`;

let w: World;
let admin: pg.Pool;
const row = (id: string) => withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id } }));

beforeAll(async () => {
  useSecretBox(createSecretBox({ keys: [k1] }));
  w = await createWorld();
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
afterAll(async () => {
  await admin?.end();
});

async function httpMonitor(name: string, headers: Record<string, string> = { Authorization: CANARY }) {
  const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
  const m = await createMonitor(ctx, {
    name,
    kind: "HTTP",
    config: { url: "https://api.example.com/health", headers: { Accept: "text/plain", ...headers } },
  } as CreateMonitorInput);
  return { ctx, m };
}

describe("monitor secrets are stored sealed (item 3)", () => {
  it("create: the config keeps the header name only, the value is sealed to tenant + monitor + path", async () => {
    const { ctx, m } = await httpMonitor("sealed");
    const r = await row(m.id);
    expect(r.config).toMatchObject({ headers: { Authorization: "", Accept: "text/plain" } });
    expect(JSON.stringify(r)).not.toContain(CANARY);
    const secrets = r.secrets as Record<string, string>;
    expect(Object.keys(secrets)).toEqual(["headers.Authorization"]);
    expect(secrets["headers.Authorization"]).toMatch(/^sb1\.k1\./);
    expect(openMonitorSecrets(r.tenantId, r.id, secrets)).toEqual({ "headers.Authorization": CANARY });
    // Bound: another tenant, monitor or path does not open it.
    const other = { ...secrets };
    expect(() => openMonitorSecrets(w.tenants.B.id, r.id, other)).toThrow(SecretOpenError);
    expect(() => openMonitorSecrets(r.tenantId, w.tenants.B.id, other)).toThrow(SecretOpenError);
    expect(() => openMonitorSecrets(r.tenantId, r.id, { password: secrets["headers.Authorization"]! })).toThrow(
      SecretOpenError,
    );
    // monitor.get says which secret is set, never its value nor the sealed form.
    const got = await getMonitor(ctx, { monitorId: m.id });
    expect(got.monitor.secretsSet).toEqual(["headers.Authorization"]);
    expect(got.monitor).not.toHaveProperty("secrets");
    expect(JSON.stringify(got)).not.toMatch(/sb1\.|canary/);
  });

  it("the database refuses a config that carries a secret in clear, and values that are not sealed", async () => {
    const insert = (config: object, secrets: object = {}) =>
      admin.query(
        `INSERT INTO monitors (tenant_id, name, kind, config, secrets, interval_seconds)
         VALUES ($1, $2, $3, $4, $5, 60)`,
        [w.tenants.A.id, `raw ${randomBytes(3).toString("hex")}`, "url" in config ? "HTTP" : "REDIS", config, secrets],
      );
    await expect(insert({ url: "http://x.test/", headers: { "X-Api-Key": "k" } })).rejects.toThrow(/in clear/);
    await expect(insert({ host: "r.test", port: 6379, password: "p" })).rejects.toThrow(/in clear/);
    await expect(insert({ url: "http://x.test/" }, { password: "plain" })).rejects.toThrow(/monitors_secrets_sealed/);
    await insert({ url: "http://x.test/", headers: { Authorization: "", Accept: "a" } }); // names only: fine
  });

  it("URL credentials already in the audit trail are redacted by the migration's function", async () => {
    const { rows } = await admin.query<{ a: string; b: string; c: string }>(
      `SELECT steward_redact_url_credentials('https://us%40r:p%3Ass@api.example.com/x?y=a@b') AS a,
              steward_redact_url_credentials('https://api.example.com/a@b') AS b,
              steward_redact_url_credentials('db.example.com:5432/app') AS c`,
    );
    expect(rows[0]).toEqual({
      a: "https://***@api.example.com/x?y=a@b",
      b: "https://api.example.com/a@b",
      c: "db.example.com:5432/app",
    });
  });

  it("the SQL check uses the same credential-header pattern as the probes package", () => {
    const sql = readFileSync(
      new URL("../../../../prisma/migrations/20261204030000_monitor_secrets/migration.sql", import.meta.url),
      "utf8",
    );
    expect(sql).toContain(`'${SENSITIVE_HEADER.source}'`);
  });
});

describe("an edit that changes the target clears stored secrets (item 2)", () => {
  it("URL host changed, header sent blank as the form does → cleared, header removed, audited by name", async () => {
    const { ctx, m } = await httpMonitor("retarget host");
    const res = await updateMonitor(ctx, {
      monitorId: m.id,
      config: { url: "https://other.example.net/health", headers: { Authorization: "", Accept: "text/plain" } },
    });
    expect(res.secretsCleared).toEqual(["headers.Authorization"]);
    const r = await row(m.id);
    expect(r.secrets).toEqual({});
    expect(r.config).toMatchObject({ url: "https://other.example.net/health", headers: { Accept: "text/plain" } });
    expect((r.config as { headers: object }).headers).not.toHaveProperty("Authorization");
    const [audit] = await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" }).then((a) =>
      a.filter((x) => (x.metadata as { secrets?: unknown }).secrets),
    );
    expect(audit?.metadata).toMatchObject({ secrets: { set: [], cleared: ["headers.Authorization"] } });
  });

  it("scheme or port changed → cleared too; path-only and other edits keep the sealed value as it is", async () => {
    for (const url of ["http://api.example.com/health", "https://api.example.com:8443/health"]) {
      const { ctx, m } = await httpMonitor(`retarget ${url}`);
      await updateMonitor(ctx, { monitorId: m.id, config: { url, headers: { Authorization: "" } } });
      expect((await row(m.id)).secrets).toEqual({});
    }
    const { ctx, m } = await httpMonitor("same target");
    const before = (await row(m.id)).secrets;
    const res = await updateMonitor(ctx, {
      monitorId: m.id,
      name: "same target, new path",
      config: { url: "https://API.example.com:443/other?x=1", headers: { Authorization: "" }, keyword: "ok" },
    });
    expect(res.secretsCleared).toEqual([]);
    expect((await row(m.id)).secrets).toEqual(before);
  });

  it("URL changed with the header entered again → kept (the new value, sealed)", async () => {
    const { ctx, m } = await httpMonitor("retarget with header");
    const again = `${CANARY}-2`;
    const res = await updateMonitor(ctx, {
      monitorId: m.id,
      config: { url: "https://other.example.net/", headers: { Authorization: again } },
    });
    expect(res.secretsCleared).toEqual([]);
    const r = await row(m.id);
    expect(openMonitorSecrets(r.tenantId, r.id, r.secrets)).toEqual({ "headers.Authorization": again });
  });

  it("host-and-port kinds: host, port or TLS changed → password cleared unless entered again", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const base = { host: "cache.example.com", port: 6379, password: PW };
    for (const [i, change] of [{ host: "evil.example.com" }, { port: 6380 }, { tls: true }].entries()) {
      const m = await createMonitor(ctx, { name: `redis ${i}`, kind: "REDIS", config: base } as CreateMonitorInput);
      const { password: _, ...shown } = base;
      await updateMonitor(ctx, { monitorId: m.id, config: { ...shown, ...change } });
      expect((await row(m.id)).secrets, JSON.stringify(change)).toEqual({});
    }
    const m = await createMonitor(ctx, { name: "redis kept", kind: "REDIS", config: base } as CreateMonitorInput);
    await updateMonitor(ctx, { monitorId: m.id, config: { host: "cache.example.com", port: 6379 } });
    const r = await row(m.id);
    expect(openMonitorSecrets(r.tenantId, r.id, r.secrets)).toEqual({ password: PW });
    await updateMonitor(ctx, { monitorId: m.id, config: { host: "cache2.example.com", port: 6379, password: "new" } });
    const r2 = await row(m.id);
    expect(openMonitorSecrets(r2.tenantId, r2.id, r2.secrets)).toEqual({ password: "new" });
  });

  it("credentials in a URL are refused on create and update, with a message pointing at the header", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(
      createMonitor(ctx, { name: "url creds", kind: "HTTP", config: { url: "https://u:p@host.example.com/" } }),
    ).rejects.toThrow();
    const { m } = await httpMonitor("url creds update");
    const err = await updateMonitor(ctx, {
      monitorId: m.id,
      config: { url: "https://u:p@host.example.com/" },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details?.fields).toMatchObject({ "config.url": URL_CREDENTIALS_MESSAGE });
    expect(URL_CREDENTIALS_MESSAGE).toMatch(/Authorization/);
  });

  it("audit rows never hold a secret value", async () => {
    const rows = await auditRows({ tenantId: w.tenants.A.id });
    const text = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(text).not.toContain("canary");
    expect(text).not.toContain("sb1.");
  });
});

describe("plaintext left by older versions, and key rotation", () => {
  it("the start-up sweep seals plaintext fields, headers and URL credentials; a second run does nothing", async () => {
    const c = await admin.connect();
    const ids: string[] = [];
    try {
      // As rows written before the migration: the plaintext guard did not exist then.
      await c.query("SET session_replication_role = replica");
      for (const [kind, config] of [
        ["REDIS", { host: "r.example.com", port: 6379, password: PW }],
        ["HTTP", { url: "https://api.example.com/", headers: { "X-Api-Key": "legacy-key" } }],
        ["HTTP", { url: "https://us%40r:p%3Ass@api.example.com/x" }],
      ] as const) {
        const { rows } = await c.query<{ id: string }>(
          `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds) VALUES ($1, $2, $3, $4, 60) RETURNING id`,
          [w.tenants.B.id, `legacy ${ids.length}`, kind, config],
        );
        ids.push(rows[0]!.id);
      }
    } finally {
      await c.query("SET session_replication_role = DEFAULT");
      c.release();
    }
    expect(await sealPlaintextMonitorSecrets()).toBe(3);
    expect(await sealPlaintextMonitorSecrets()).toBe(0);
    const [redis, header, url] = await Promise.all(ids.map(row));
    for (const r of [redis!, header!, url!])
      expect(JSON.stringify(r.config)).not.toMatch(/legacy-key|pw-canary|p%3Ass/);
    expect(openMonitorSecrets(redis!.tenantId, redis!.id, redis!.secrets)).toEqual({ password: PW });
    expect(openMonitorSecrets(header!.tenantId, header!.id, header!.secrets)).toEqual({
      "headers.X-Api-Key": "legacy-key",
    });
    expect(url!.config).toMatchObject({ url: "https://api.example.com/x" });
    expect(openMonitorSecrets(url!.tenantId, url!.id, url!.secrets)).toEqual({
      "headers.Authorization": `Basic ${Buffer.from("us@r:p:ss").toString("base64")}`,
    });
  });

  it("rotate re-seals every value under the current key, idempotently; the old key can then go", async () => {
    const { m } = await httpMonitor("rotate me");
    const rotated = createSecretBox({ keys: [k2, k1], currentKeyId: "k2" });
    useSecretBox(rotated);
    try {
      const first = await rotateMonitorSecrets(rotated);
      expect(first.resealed).toBeGreaterThan(0);
      expect(first.failed).toBe(0);
      expect(await rotateMonitorSecrets(rotated)).toEqual({ monitors: 0, resealed: 0, failed: 0 });
      const { rows } = await admin.query<{ v: string }>(
        `SELECT e.value #>> '{}' AS v FROM monitors m, jsonb_each(m.secrets) e`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const { v } of rows) expect(v).toMatch(/^sb1\.k2\./);
      const r = await row(m.id);
      expect(openMonitorSecrets(r.tenantId, r.id, r.secrets, createSecretBox({ keys: [k2] }))).toEqual({
        "headers.Authorization": CANARY,
      });
    } finally {
      useSecretBox(createSecretBox({ keys: [k1] }));
    }
  });
});
