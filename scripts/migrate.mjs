#!/usr/bin/env node
// Usage: node scripts/migrate.mjs [--status]
// Creates the database of DATABASE_URL if missing, applies pending prisma/migrations in
// order (recorded in _prisma_migrations), sets the steward_app / steward_system passwords from
// APP_DATABASE_URL / SYSTEM_DATABASE_URL (defaults derived from DATABASE_URL), and makes sure the
// probe_results daily partitions exist.
import pg from "pg";
import { deriveUrls, migrate, readMigrations, redact } from "./lib/migrate.mjs";

const log = (msg) => console.log(`[migrate] ${msg}`);

async function status() {
  const { databaseUrl } = deriveUrls(process.env);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query("select to_regclass('public._prisma_migrations') as t");
    const applied = new Map();
    if (exists.rows[0].t) {
      const { rows } = await client.query(
        `select migration_name, checksum from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`,
      );
      for (const r of rows) applied.set(r.migration_name, r.checksum);
    }
    for (const m of readMigrations()) {
      const c = applied.get(m.name);
      log(`${c === undefined ? "pending " : c === m.checksum ? "applied " : "EDITED  "} ${m.name}`);
    }
  } finally {
    await client.end();
  }
}

async function main() {
  if (process.argv.includes("--status")) return status();
  const { applied, skipped, urls } = await migrate(process.env, { log });
  log(`${redact(urls.databaseUrl)}: ${applied.length} applied, ${skipped.length} already applied`);
  const client = new pg.Client({ connectionString: urls.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("select steward_ensure_probe_partitions(7) as n");
    if (rows[0].n > 0) log(`created ${rows[0].n} probe_results partition(s)`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  console.error(`[migrate] ${err?.message ?? err}`);
  process.exitCode = 1;
});
