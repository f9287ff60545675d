import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  deriveUrls,
  ensureDatabase,
  ensureRolePasswords,
  MIGRATIONS_DIR,
  readMigrations,
  withDatabase,
} from "../../../scripts/lib/migrate.mjs";

// The runner on its own scratch database (not the per-file clone): fresh, idempotent, tamper-proof.
const admin = process.env.DATABASE_URL!;
const scratch = `steward_t_${randomBytes(6).toString("hex")}_mig`;
const url = withDatabase(admin, scratch);
let dir: string;

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "steward-migrations-"));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: withDatabase(admin, "postgres") });
  await c.connect();
  await c.query(`drop database if exists "${scratch}" with (force)`);
  await c.end();
});

describe("migration runner", () => {
  const names = readMigrations().map((m) => m.name);

  it("creates the database and applies every migration, recorded like Prisma", async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    const logs: string[] = [];
    const r = await applyMigrations(url, { dir, log: (m) => logs.push(m) });
    expect(r).toEqual({ applied: names, skipped: [] });
    expect(logs).toEqual(names.map((n) => `applied ${n}`));
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      `select migration_name, checksum, finished_at, applied_steps_count from _prisma_migrations order by migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sha = createHash("sha256")
        .update(readFileSync(path.join(dir, row.migration_name, "migration.sql")))
        .digest("hex");
      expect(row.checksum).toBe(sha);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent", async () => {
    expect(await applyMigrations(url, { dir })).toEqual({ applied: [], skipped: names });
    const rows = await query<{ n: number }>("select count(*)::int as n from _prisma_migrations");
    expect(rows[0]?.n).toBe(names.length);
  });

  it("applies a new migration only, and rolls back a failing one completely", async () => {
    mkdirSync(path.join(dir, "29990101000000_extra"));
    writeFileSync(path.join(dir, "29990101000000_extra", "migration.sql"), "create table extra_t (id int);\n");
    expect((await applyMigrations(url, { dir })).applied).toEqual(["29990101000000_extra"]);

    mkdirSync(path.join(dir, "29990102000000_broken"));
    writeFileSync(
      path.join(dir, "29990102000000_broken", "migration.sql"),
      "create table broken_t (id int);\nselect nope();\n",
    );
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/29990102000000_broken failed/);
    expect(await query("select to_regclass('broken_t') as t")).toEqual([{ t: null }]);
    expect(await query("select 1 from _prisma_migrations where migration_name = '29990102000000_broken'")).toEqual([]);
    rmSync(path.join(dir, "29990102000000_broken"), { recursive: true });
  });

  it("refuses when an applied migration was edited", async () => {
    const file = path.join(dir, names[0]!, "migration.sql");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n-- sneaky edit\n`);
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/modified after they were applied: .*_init/);
  });

  it("sets the role passwords from the URLs", async () => {
    const urls = deriveUrls({ DATABASE_URL: admin });
    await expect(ensureRolePasswords(admin, urls.appDatabaseUrl, urls.systemDatabaseUrl)).resolves.toBeUndefined();
  });
});
