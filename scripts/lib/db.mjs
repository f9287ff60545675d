// Database bootstrap glue for start/test/stack: migrations (the db helper's scripts/migrate.mjs), the
// one-time demo seed, and database resets for the browser tests. Import only after `pnpm install`
// (it needs `pg`).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { FatalError, log, ROOT, run, runOrFail, withDb } from "./util.mjs";

const MIGRATE_CLI = path.join(ROOT, "scripts", "migrate.mjs");
const SEED = path.join(ROOT, "prisma", "seed.ts");

function pg() {
  return createRequire(path.join(ROOT, "package.json"))("pg");
}

async function withClient(url, fn) {
  const client = new (pg().Client)({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** DATABASE_URL / APP_DATABASE_URL / SYSTEM_DATABASE_URL / AUTH_DATABASE_URL for an admin URL (db helper's deriveUrls). */
export async function databaseEnv(adminUrl, env = {}) {
  let deriveUrls;
  try {
    ({ deriveUrls } = await import("./migrate.mjs"));
  } catch (err) {
    throw new FatalError(`scripts/lib/migrate.mjs could not be loaded: ${err.message}`);
  }
  const urls = deriveUrls({ ...env, DATABASE_URL: adminUrl });
  return {
    DATABASE_URL: urls.databaseUrl,
    APP_DATABASE_URL: urls.appDatabaseUrl,
    SYSTEM_DATABASE_URL: urls.systemDatabaseUrl,
    AUTH_DATABASE_URL: urls.authDatabaseUrl,
  };
}

/** Create the database if missing, apply pending migrations, set role passwords, ensure partitions. */
export async function migrateDatabase(env) {
  if (!existsSync(MIGRATE_CLI)) throw new FatalError("scripts/migrate.mjs is missing: cannot apply migrations");
  log("applying migrations …");
  await runOrFail("applying migrations (node scripts/migrate.mjs)", process.execPath, [MIGRATE_CLI], { env });
}

/** True when the demo provider organisation exists (the seed ran to completion before). */
export async function isSeeded(databaseUrl) {
  try {
    return await withClient(databaseUrl, async (c) => {
      const r = await c.query("select 1 from organizations where slug = 'steward-msp'");
      return r.rowCount > 0;
    });
  } catch {
    return false;
  }
}

/** Seed the demo data unless it is there already (prisma/seed.ts is idempotent either way). */
export async function seedOnce(pnpm, env, { force = false } = {}) {
  if (!force && (await isSeeded(env.DATABASE_URL))) {
    log("demo data already seeded (skipping seed)");
    return;
  }
  if (!existsSync(SEED)) throw new FatalError("prisma/seed.ts is missing: cannot seed the demo data");
  log("seeding demo data …");
  await runOrFail("seeding demo data", pnpm, ["--filter", "@steward/db", "exec", "tsx", "../../prisma/seed.ts"], {
    env,
  });
}

/** Drop (forcing connections off) and recreate an empty database. */
export async function recreateDatabase(adminUrl) {
  const name = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  const ident = `"${name.replaceAll('"', '""')}"`;
  await withClient(withDb(adminUrl, "postgres"), async (c) => {
    await c.query(`drop database if exists ${ident} with (force)`);
    await c.query(`create database ${ident}`);
  });
}

/** Drop a database (forcing connections off) if it exists. */
export async function dropDatabase(adminUrl) {
  const name = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  await withClient(withDb(adminUrl, "postgres"), (c) =>
    c.query(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`),
  );
}

/** `prisma generate` for @steward/db. */
export async function generatePrismaClient(pnpm, env) {
  log("generating the Prisma client …");
  const code = await run(pnpm, ["--filter", "@steward/db", "generate"], { env });
  if (code !== 0) throw new FatalError(`prisma generate failed (exit ${code})`);
}
