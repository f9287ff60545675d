// Types for scripts/lib/migrate.mjs (plain JS so it runs without a TS loader).
type Log = (msg: string) => void;
type Env = Record<string, string | undefined>;

export declare const MIGRATIONS_DIR: string;
export interface DatabaseUrls {
  databaseUrl: string;
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  authDatabaseUrl: string;
}
export interface Migration {
  name: string;
  file: string;
  sql: string;
  checksum: string;
}
export declare function deriveUrls(env?: Env): DatabaseUrls;
export declare function databaseName(url: string): string;
export declare function withDatabase(url: string, database: string): string;
export declare function redact(url: string): string;
export declare function quoteIdent(name: string): string;
export declare function checksum(content: string | Uint8Array): string;
export declare function readMigrations(dir?: string): Migration[];
export declare function migrationsHash(dir?: string): string;
export declare function ensureDatabase(adminUrl: string, opts?: { log?: Log }): Promise<boolean>;
export declare function applyMigrations(
  adminUrl: string,
  opts?: { log?: Log; dir?: string },
): Promise<{ applied: string[]; skipped: string[] }>;
export declare function ensureRolePasswords(
  adminUrl: string,
  appUrl: string,
  systemUrl: string,
  opts?: { log?: Log; authUrl?: string },
): Promise<void>;
export declare function migrate(
  env?: Env,
  opts?: { log?: Log },
): Promise<{ applied: string[]; skipped: string[]; urls: DatabaseUrls }>;
