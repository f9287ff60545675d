import pg from "pg";
import { z } from "zod";
import { resolvePinnedWithin, runProbe } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const PostgresProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema.default(5432),
  database: z.string().trim().min(1, "Database is required").max(63, "Database name is at most 63 characters"),
  user: z.string().trim().min(1, "User is required").max(63, "User name is at most 63 characters"),
  /** Secret. Stored in config for now; never logged, never echoed in an error. */
  password: z.string().max(1024, "Password is too long").optional(),
  /** Runs in a READ ONLY transaction with statement_timeout = the monitor's timeout. */
  query: z
    .string()
    .trim()
    .min(1, "Query cannot be empty")
    .max(4096, "Query is at most 4096 characters")
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

/**
 * PostgreSQL: connect (to the SSRF-pinned address) + run one query read-only; optional expected value.
 * Auth failures, missing databases, query errors and mismatches fail; the connection is always closed
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
      await run.race(client.connect());
      const res = await run.race(client.query({ text: config.query, rowMode: "array" }));
      await run.race(client.end());
      if (config.expected === undefined) return { ok: true };
      const row = (res.rows as unknown[][])[0];
      if (!row || row.length === 0) return { ok: false, error: `query returned no rows, expected ${config.expected}` };
      const got = asText(row[0]);
      return got === config.expected
        ? { ok: true }
        : { ok: false, error: `query returned ${got.slice(0, 100)}, expected ${config.expected.slice(0, 100)}` };
    });
    return r.error ? { ...r, error: redact(r.error) } : r;
  },
};
