import pg from "pg";
import { z } from "zod";
import { resolvePinnedWithin, runProbe, TargetError } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

/** The statements a probe may run: reads only (the READ ONLY transaction is the server-side wall). */
const READ_STATEMENT = /^(select|with|values|table)\b/i;

export const PostgresProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema.default(5432),
  database: z.string().trim().min(1, "Database is required").max(63, "Database name is at most 63 characters"),
  user: z.string().trim().min(1, "User is required").max(63, "User name is at most 63 characters"),
  /** Secret. Stored in config for now; never logged, never echoed in an error. */
  password: z.string().max(1024, "Password is too long").optional(),
  /**
   * One read-only statement (SELECT, WITH, VALUES or TABLE), no semicolon but an optional trailing one.
   * The server enforces it too: the query is the body of a cursor (SELECT only) declared over the extended
   * protocol (one statement per message) in a READ ONLY transaction with statement/lock timeouts within
   * the probe's deadline, rolled back (docs/security/probes.md).
   */
  query: z
    .string()
    .trim()
    .min(1, "Query cannot be empty")
    .max(4096, "Query is at most 4096 characters")
    .transform((q) => q.replace(/[\s;]+$/, ""))
    .refine((q) => !q.includes(";"), { message: "One statement only: the query cannot contain a semicolon" })
    .refine((q) => READ_STATEMENT.test(q), {
      message: "The query must be one read-only statement starting with SELECT, WITH, VALUES or TABLE",
    })
    .default("select 1"),
  /** When set, the first column of the first row (as text) must equal this. */
  expected: z.string().max(1024, "Expected value is at most 1024 characters").optional(),
  /** TLS with full verification (chain + hostname). */
  ssl: z.boolean().default(false),
});
export type PostgresProbeConfig = z.infer<typeof PostgresProbeConfig>;

const asText = (v: unknown): string =>
  v === null || v === undefined
    ? "null"
    : v instanceof Date
      ? v.toISOString()
      : typeof v === "object"
        ? JSON.stringify(v)
        : String(v);

/** SQLSTATEs with a fixed meaning a user can act on; every other one is "query failed (SQLSTATE x)". */
const SQLSTATE_TEXT: Record<string, string> = {
  "28P01": "authentication failed",
  "28000": "authentication failed",
  "3D000": "database does not exist",
  "53300": "server refused the connection: too many connections",
  "57P03": "server is starting up or shutting down",
  "25006": "query refused: the probe runs read-only",
  "42601": "query refused: syntax error or more than one statement",
  "42501": "query refused: permission denied",
};

/**
 * A PostgreSQL failure in fixed words: the SQLSTATE (a 5-character code) is reported, the server's
 * message never is ("relation "x" does not exist", "password authentication failed for user "y"" and the
 * DETAIL/HINT lines quote names and data). Errors of the client library are described by code only.
 */
function describePgError(err: unknown, timeoutMs: number): Error {
  if (err instanceof pg.DatabaseError) {
    const state = typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : "unknown";
    // 57014: our statement_timeout cancelled the query (the server-side half of the deadline).
    if (state === "57014") return new TargetError(`timeout after ${timeoutMs} ms`);
    const text = SQLSTATE_TEXT[state];
    return new TargetError(text ? `${text} (SQLSTATE ${state})` : `query failed (SQLSTATE ${state})`);
  }
  const message = (err as { message?: unknown })?.message;
  if (typeof message === "string" && /^SASL|password/i.test(message)) return new TargetError("authentication failed");
  return err as Error;
}

/**
 * PostgreSQL: connect (to the SSRF-pinned address) + run one statement read-only; optional expected value.
 * The statement runs as `BEGIN READ ONLY; SET LOCAL statement_timeout/lock_timeout` (within what is left of
 * the deadline), then `DECLARE … CURSOR FOR <query>` over the extended protocol (the server refuses a
 * second statement and anything but a SELECT) and `FETCH 1`, then ROLLBACK. Nothing the server returns is copied into the result: a mismatch says "value did not
 * match the expected value", errors carry their SQLSTATE only. The connection is always closed
 * (gracefully on success, destroyed on timeout/abort).
 */
export const postgresProbe: Probe<"POSTGRES", typeof PostgresProbeConfig> = {
  kind: "POSTGRES",
  configSchema: PostgresProbeConfig,
  async run(config, ctx) {
    const redact = (s: string) => (config.password ? s.split(config.password).join("***") : s);
    const r = await runProbe(ctx, async (run) => {
      const { address } = await resolvePinnedWithin(config.host, ctx.ssrf, run, config.port);
      const client = new pg.Client({
        host: address,
        port: config.port,
        database: config.database,
        user: config.user,
        ...(config.password !== undefined ? { password: config.password } : {}),
        ssl: config.ssl ? { servername: config.host, rejectUnauthorized: true } : false,
        connectionTimeoutMillis: ctx.timeoutMs,
        query_timeout: ctx.timeoutMs,
        statement_timeout: ctx.timeoutMs,
        application_name: "steward-probe",
        options: "-c default_transaction_read_only=on",
      });
      client.on("error", () => {}); // a server-side disconnect after the probe is not an unhandled error
      run.defer(() =>
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy(),
      );
      let rows: unknown[][];
      try {
        await run.race(client.connect());
        const left = Math.max(1, ctx.timeoutMs - run.elapsed());
        // Our own fixed text (simple protocol, so three statements in one round trip); the user's query
        // follows alone over the extended protocol.
        await run.race(
          client.query(
            `BEGIN READ ONLY; SET LOCAL statement_timeout = ${left}; SET LOCAL lock_timeout = ${left}; ` +
              `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(left, 1000)}`,
          ),
        );
        // The query is only ever the body of a cursor: Postgres accepts nothing but a SELECT/VALUES/TABLE
        // there (no COPY, no DML, no data-modifying WITH), the extended protocol (queryMode "extended",
        // pg ≥ 8.12, not in its types) refuses a second statement, and FETCH reads one row at most.
        const declare: pg.QueryConfig = Object.assign(
          { text: `DECLARE steward_probe NO SCROLL CURSOR FOR ${config.query}` },
          { queryMode: "extended" },
        );
        await run.race(client.query(declare));
        const res = await run.race(client.query({ text: "FETCH 1 FROM steward_probe", rowMode: "array" }));
        rows = res.rows as unknown[][];
        await run.race(client.query("ROLLBACK"));
        await run.race(client.end());
      } catch (err) {
        throw describePgError(err, ctx.timeoutMs);
      }
      if (config.expected === undefined) return { ok: true };
      const row = rows[0];
      if (!row || row.length === 0) return { ok: false, error: "query returned no rows" };
      return asText(row[0]) === config.expected
        ? { ok: true }
        : { ok: false, error: "value did not match the expected value" };
    });
    return r.error ? { ...r, error: redact(r.error) } : r;
  },
};
