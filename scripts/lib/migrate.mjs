// Steward migration runner: plain Node ESM, depends only on `pg`.
//
// Applies prisma/migrations/<name>/migration.sql folders in name order, one transaction each, and
// records them in Prisma's standard `_prisma_migrations` table (checksum = sha256 hex of the file,
// as Prisma computes it) so `prisma migrate deploy` stays valid wherever the native engine exists.
// Serialised with the same advisory lock key Prisma's schema engine uses.
//
// Note: each migration runs inside a transaction, so statements that cannot run in one
// (CREATE INDEX CONCURRENTLY, ALTER SYSTEM, …) do not belong in a migration here.

import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** Folder holding the migration directories (repo root /prisma/migrations). */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/** The advisory lock key Prisma's schema engine takes around migrate deploy/dev. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/steward";

/**
 * @param {Record<string, string | undefined>} env
 * @returns {{ databaseUrl: string, appDatabaseUrl: string, systemDatabaseUrl: string, authDatabaseUrl: string }}
 */
export function deriveUrls(env = process.env) {
  const databaseUrl = env.DATABASE_URL || DEFAULT_ADMIN_URL;
  const withUser = (user) => {
    const u = new URL(databaseUrl);
    u.username = user;
    u.password = user;
    return u.toString();
  };
  return {
    databaseUrl,
    appDatabaseUrl: env.APP_DATABASE_URL || withUser("steward_app"),
    systemDatabaseUrl: env.SYSTEM_DATABASE_URL || withUser("steward_system"),
    authDatabaseUrl: env.AUTH_DATABASE_URL || withUser("steward_auth"),
  };
}

/** Database name of a postgres URL. */
export function databaseName(url) {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!name) throw new Error(`No database name in URL ${redact(url)}`);
  return name;
}

/** Same URL pointing at another database (e.g. `postgres` for CREATE/DROP DATABASE). */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** URL without its password, for logs. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}

export function quoteIdent(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

/** sha256 hex of the file's bytes: what Prisma stores in _prisma_migrations.checksum. */
export function checksum(content) {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Migration folders on disk, in apply order.
 * @returns {{ name: string, file: string, sql: string, checksum: string }[]}
 */
export function readMigrations(dir = MIGRATIONS_DIR) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      const buf = readFileSync(file);
      return { name, file, sql: buf.toString("utf8"), checksum: checksum(buf) };
    });
}

/** A stable hash over every migration's name and checksum (template database naming). */
export function migrationsHash(dir = MIGRATIONS_DIR) {
  const h = createHash("sha256");
  for (const m of readMigrations(dir)) h.update(`${m.name}\0${m.checksum}\n`);
  return h.digest("hex");
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: "steward-migrate" });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the URL's database (connecting to `postgres` on the same server) if it is missing. */
export async function ensureDatabase(adminUrl, { log = () => {} } = {}) {
  const name = databaseName(adminUrl);
  return withClient(withDatabase(adminUrl, "postgres"), async (c) => {
    const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [name]);
    if (rowCount) return false;
    try {
      await c.query(`create database ${quoteIdent(name)}`);
      log(`created database ${name}`);
      return true;
    } catch (err) {
      if (err && err.code === "42P04") return false; // created concurrently
      throw err;
    }
  });
}

const MIGRATIONS_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations to the database of `adminUrl` (which must exist).
 * Refuses (throws) when an applied migration's file changed, or a migration is marked failed.
 * @returns {Promise<{ applied: string[], skipped: string[] }>}
 */
export async function applyMigrations(adminUrl, { log = () => {}, dir = MIGRATIONS_DIR } = {}) {
  const migrations = readMigrations(dir);
  return withClient(adminUrl, async (c) => {
    await c.query("select pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await c.query(MIGRATIONS_TABLE_DDL);
      const { rows } = await c.query(
        `select migration_name, checksum, finished_at, rolled_back_at
           from "_prisma_migrations" order by started_at, migration_name`,
      );
      const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
      if (failed.length) {
        throw new Error(
          `Migration(s) marked as failed in _prisma_migrations: ${failed.map((r) => r.migration_name).join(", ")}. ` +
            "Resolve them (prisma migrate resolve) before applying new migrations.",
        );
      }
      const applied = new Map();
      for (const r of rows) {
        if (r.finished_at !== null && r.rolled_back_at === null) applied.set(r.migration_name, r.checksum);
      }
      const onDisk = new Set(migrations.map((m) => m.name));
      for (const name of applied.keys()) {
        if (!onDisk.has(name)) log(`warning: migration ${name} is applied but missing on disk`);
      }
      const edited = migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum);
      if (edited.length) {
        throw new Error(
          `Applied migration(s) were modified after they were applied: ${edited.map((m) => m.name).join(", ")}. ` +
            "Never edit an applied migration; add a new one.",
        );
      }
      const result = { applied: [], skipped: [] };
      for (const m of migrations) {
        if (applied.has(m.name)) {
          result.skipped.push(m.name);
          continue;
        }
        const startedAt = new Date();
        await c.query("begin");
        try {
          await c.query(m.sql);
          await c.query(
            `insert into "_prisma_migrations"
               (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             values ($1, $2, now(), $3, null, null, $4, 1)`,
            [randomUUID(), m.checksum, m.name, startedAt],
          );
          await c.query("commit");
        } catch (err) {
          await c.query("rollback").catch(() => {});
          const e = new Error(`Migration ${m.name} failed: ${err?.message ?? err}`);
          e.cause = err;
          throw e;
        }
        log(`applied ${m.name}`);
        result.applied.push(m.name);
      }
      return result;
    } finally {
      await c.query("select pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    }
  });
}

/** Sets the passwords of the app and system roles to the ones in their URLs (roles must exist). */
export async function ensureRolePasswords(adminUrl, appUrl, systemUrl, { log = () => {}, authUrl } = {}) {
  await withClient(adminUrl, async (c) => {
    for (const url of [appUrl, systemUrl, authUrl].filter(Boolean)) {
      const u = new URL(url);
      const role = decodeURIComponent(u.username);
      if (!role) continue;
      const { rowCount } = await c.query("select 1 from pg_roles where rolname = $1", [role]);
      if (!rowCount) throw new Error(`Role ${role} does not exist (apply the migrations first)`);
      if (!u.password) continue;
      const password = decodeURIComponent(u.password);
      await c.query(`alter role ${quoteIdent(role)} with password ${c.escapeLiteral(password)}`);
      log(`password set for role ${role}`);
    }
  });
}

/**
 * The whole bootstrap: create the database if missing, apply migrations, set role passwords.
 * @param {Record<string, string | undefined>} env
 */
export async function migrate(env = process.env, { log = () => {} } = {}) {
  const urls = deriveUrls(env);
  await ensureDatabase(urls.databaseUrl, { log });
  const result = await applyMigrations(urls.databaseUrl, { log });
  await ensureRolePasswords(urls.databaseUrl, urls.appDatabaseUrl, urls.systemDatabaseUrl, {
    log,
    authUrl: urls.authDatabaseUrl,
  });
  return { ...result, urls };
}
