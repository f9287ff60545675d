import pg from "pg";
import { databaseUrls } from "./env.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { normalizeTenantIds } from "./tenant-ids.ts";

/**
 * The lean tenant read path: ONE round trip for a tenant-scoped, read-only query on the raw `pg` pool of
 * steward_app (NOBYPASSRLS), where withTenant (a Prisma interactive transaction) costs four or more —
 * BEGIN, set_config, the query, COMMIT — plus Prisma's own per-statement work.
 *
 * How: the statements go to Postgres as one simple-protocol Query message,
 *
 *   SET TRANSACTION READ ONLY;
 *   SELECT set_config('app.tenant_ids', '<ids>', true), set_config('statement_timeout', '<ms>', true);
 *   <query 1>; <query 2>; …
 *
 * which Postgres runs as ONE implicit transaction (protocol docs, "Multiple Statements in a Simple
 * Query"): the transaction-local tenant setting applies to every query of the message and is gone when
 * it ends, so row-level security stays the second wall exactly as with withTenant, and nothing leaks to
 * the next user of the pooled connection. The transaction is read only: a write in a query fails.
 *
 * The simple protocol has no bind parameters, so the values of each query (a Prisma.sql tagged
 * template, as tx.$queryRaw takes) are inlined as escaped SQL literals by `sqlLiteral` — strings through
 * pg's escapeLiteral, dates as ISO-8601 literals, finite numbers, booleans, null and arrays of those as
 * array literals; anything else throws. The template's own text must be a single statement (no `;`).
 * Every plan is a custom plan for the actual values (as with Prisma's unnamed statements).
 *
 * Rows come back with pg's default type parsing (float8/int4 → number, int8/numeric → string,
 * timestamptz → Date, uuid → string): cast in SQL to what the caller expects.
 */

export interface TenantReadOptions {
  /** Statement timeout for the queries (ms). Default 15 s, like withTenant's transaction timeout. */
  statementTimeoutMs?: number;
}

let pool: pg.Pool | undefined;

/** The steward_app pool behind withTenantRead (exported for tests and tools; never run unscoped reads on it). */
export function getTenantReadPool(): pg.Pool {
  if (!pool) {
    const p = new pg.Pool({
      connectionString: databaseUrls().appDatabaseUrl,
      max: 10,
      application_name: "steward-app-read",
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // Idle clients killed by the server are removed from the pool; do not crash the process.
    p.on("error", () => {});
    pool = p;
  }
  return pool;
}

export async function closeTenantReadPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.end();
}

function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (Array.isArray(v)) return `{${v.map(arrayElement).join(",")}}`;
  const text =
    typeof v === "string"
      ? v
      : v instanceof Date
        ? isoString(v)
        : typeof v === "number" || typeof v === "bigint" || typeof v === "boolean"
          ? scalarText(v)
          : unsupported(v);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function isoString(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError("sqlLiteral: invalid Date");
  return d.toISOString();
}

function scalarText(v: number | bigint | boolean): string {
  if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`sqlLiteral: non-finite number ${v}`);
  return String(v);
}

function unsupported(v: unknown): never {
  throw new TypeError(`sqlLiteral: unsupported value of type ${typeof v}`);
}

/** One value as an SQL literal (see the module comment for what is accepted). */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "string") return pg.escapeLiteral(v);
  if (v instanceof Date) return pg.escapeLiteral(isoString(v));
  if (typeof v === "number" || typeof v === "bigint") {
    const s = scalarText(v);
    // Parenthesised when negative, so `x - ${n}` never becomes the comment `x --1`.
    return s.startsWith("-") ? `(${s})` : s;
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return pg.escapeLiteral(arrayElement(v));
  return unsupported(v);
}

/** The query's text with its values inlined as literals. */
export function inlineSql(query: Prisma.Sql): string {
  const { strings, values } = query;
  if (strings.some((s) => s.includes(";"))) {
    throw new Error("withTenantRead: one statement per query (no `;` in the SQL text; pass data as values)");
  }
  let text = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) text += sqlLiteral(values[i]) + (strings[i + 1] ?? "");
  if (text.trim() === "") throw new Error("withTenantRead: empty query");
  return text;
}

/**
 * Runs the read-only `queries` for the given tenants in ONE round trip and one transaction (see above);
 * resolves with the rows of each query, in order.
 */
export async function withTenantReadAll<R extends readonly unknown[] = unknown[][]>(
  tenantIds: string | readonly string[],
  queries: readonly Prisma.Sql[],
  options: TenantReadOptions = {},
): Promise<R> {
  const ids = normalizeTenantIds(tenantIds); // validated uuids: safe to inline
  if (queries.length === 0) return [] as unknown as R;
  const timeout = options.statementTimeoutMs ?? 15_000;
  if (!Number.isInteger(timeout) || timeout <= 0) throw new RangeError("statementTimeoutMs must be a positive integer");
  const text = [
    "SET TRANSACTION READ ONLY",
    `SELECT set_config('app.tenant_ids', ${sqlLiteral(ids.join(","))}, true), set_config('statement_timeout', '${timeout}', true)`,
    ...queries.map(inlineSql),
  ].join(";\n");
  const client = await getTenantReadPool().connect();
  let broken: Error | undefined;
  try {
    const results = (await client.query(text)) as unknown as pg.QueryResult[];
    return results.slice(2).map((r) => r.rows) as unknown as R;
  } catch (err) {
    // A failed statement ends the implicit transaction (the connection is idle again); a broken
    // connection must not go back to the pool.
    if (!(err instanceof pg.DatabaseError)) broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** withTenantReadAll for one query: its rows. */
export async function withTenantRead<T = Record<string, unknown>>(
  tenantIds: string | readonly string[],
  query: Prisma.Sql,
  options: TenantReadOptions = {},
): Promise<T[]> {
  const [rows] = await withTenantReadAll<[T[]]>(tenantIds, [query], options);
  return rows;
}
