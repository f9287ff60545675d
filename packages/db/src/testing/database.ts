// Test database lifecycle: a migrated template per migrations hash, one clone per test file.
// No vitest imports here (usable from scripts too). This module must not import ../env.ts or
// ../client.ts: the per-file setup changes process.env before the code under test reads it.
import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  applyMigrations,
  databaseName,
  deriveUrls,
  ensureRolePasswords,
  migrationsHash,
  quoteIdent,
  withDatabase,
} from "../../../../scripts/lib/migrate.mjs";

/** Admin URL whose server/credentials the harness uses (the database part is ignored). */
export function harnessAdminUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
}

/**
 * `steward_template_<first 12 hex of the migrations hash>_<UTC yyyymmdd>`. The date is part of the key
 * because a migration run creates the daily probe_results partitions around *its* day: a template kept
 * from yesterday would hand tests yesterday's partitions.
 */
export function templateDatabaseName(now = new Date()): string {
  return `steward_template_${migrationsHash().slice(0, 12)}_${now.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>, database = "postgres"): Promise<T> {
  const client = new pg.Client({
    connectionString: withDatabase(adminUrl, database),
    application_name: "steward-test-harness",
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const TEMPLATE_LOCK_KEY = 0x5757_7e01; // any constant shared by every harness process

/**
 * Makes sure the migrated template database for the current migrations exists and returns its
 * name. Built under a temporary name and renamed when complete; concurrent callers (several
 * vitest runs) serialise on an advisory lock.
 */
export async function ensureTemplateDatabase(
  adminUrl = harnessAdminUrl(),
  { log = () => {} }: { log?: (msg: string) => void } = {},
): Promise<string> {
  const template = templateDatabaseName();
  const building = `${template}_build`;
  return withAdmin(adminUrl, async (c) => {
    await c.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      const { rowCount } = await c.query("select 1 from pg_database where datname = $1 and datistemplate", [template]);
      if (!rowCount) {
        log(`building ${template}`);
        await c.query(`drop database if exists ${quoteIdent(building)} with (force)`);
        await c.query(`drop database if exists ${quoteIdent(template)} with (force)`);
        await c.query(`create database ${quoteIdent(building)}`);
        await applyMigrations(withDatabase(adminUrl, building));
        await c.query(`alter database ${quoteIdent(building)} rename to ${quoteIdent(template)}`);
        await c.query(`alter database ${quoteIdent(template)} is_template true`);
        // Templates of earlier days: drop when unused, never force. Today's templates of other
        // migration sets stay: another checkout (a branch, a worktree) may be cloning from them.
        const today = template.slice(-8);
        const old = await c.query(
          "select datname from pg_database where datname like 'steward\\_template\\_%' and datname <> $1 and right(datname, 8) <> $2",
          [template, today],
        );
        for (const { datname } of old.rows as { datname: string }[]) {
          await c.query(`alter database ${quoteIdent(datname)} is_template false`).catch(() => {});
          await c.query(`drop database ${quoteIdent(datname)}`).catch(() => {});
        }
      }
      // Roles are cluster-wide; make their passwords match the URLs the tests will use.
      const urls = deriveUrls({ ...process.env, DATABASE_URL: adminUrl });
      await ensureRolePasswords(adminUrl, urls.appDatabaseUrl, urls.systemDatabaseUrl, {
        authUrl: urls.authDatabaseUrl,
      });
      return template;
    } finally {
      await c.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]).catch(() => {});
    }
  });
}

export interface TestDatabase {
  name: string;
  /** Random id also used for the Redis prefix (`t<id>`). */
  id: string;
  databaseUrl: string;
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  authDatabaseUrl: string;
  redisPrefix: string;
}

/** Clones the template into `steward_t_<random>` and makes sure today's probe partitions exist. */
export async function createTestDatabase(template: string, adminUrl = harnessAdminUrl()): Promise<TestDatabase> {
  const id = randomBytes(6).toString("hex");
  const name = `steward_t_${id}`;
  await withAdmin(adminUrl, async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
        return;
      } catch (err) {
        // 55006: the template is briefly in use (another clone starting); retry.
        if ((err as { code?: string }).code !== "55006" || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 50 + attempt * 10));
      }
    }
  });
  // The template may be days old: create the partitions around today.
  await withAdmin(adminUrl, (c) => c.query("select steward_ensure_probe_partitions(7)"), name);
  const base = deriveUrls({ ...process.env, DATABASE_URL: adminUrl });
  return {
    name,
    id,
    databaseUrl: withDatabase(adminUrl, name),
    appDatabaseUrl: withDatabase(base.appDatabaseUrl, name),
    systemDatabaseUrl: withDatabase(base.systemDatabaseUrl, name),
    authDatabaseUrl: withDatabase(base.authDatabaseUrl, name),
    redisPrefix: `t${id}`,
  };
}

export async function dropTestDatabase(name: string, adminUrl = harnessAdminUrl()): Promise<void> {
  await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

/**
 * Runs `fn` with an admin (superuser, bypasses RLS) connection to the current test file's
 * database (process.env.DATABASE_URL as set by the per-file setup). For seeding and assertions.
 */
export async function withAdminClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (is the integration setup file configured?)");
  return withAdmin(url, fn, databaseName(url));
}

/** Deletes every Redis key under `prefix` (a test file's or a benchmark's own); a missing Redis is fine. */
export async function cleanRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== "0");
  } catch {
    // Redis not running: nothing was written there either.
  } finally {
    redis.disconnect();
  }
}
