import net from "node:net";
import { databaseUrls } from "@steward/db";
import { ingestProbeResults, type ProbeResultRow } from "@steward/services";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultBatcher } from "./batcher.ts";

// Real Postgres (this file's database) behind a TCP relay this test can cut: the worker's connection to
// Postgres goes away (refused, and open connections reset) and comes back on the same address, as when
// Postgres is restarted. Nothing the batcher acknowledged may be missing, and nothing is stored twice.

let admin: pg.Pool;
let relayed: pg.Pool;
let tenantId: string;
let monitorId: string;
const upstream = new URL(process.env.DATABASE_URL!);
const sockets = new Set<net.Socket>();
let port = 0;
let relay: net.Server | null = null;

async function openRelay(): Promise<void> {
  relay = net.createServer((client) => {
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay!.listen(port, "127.0.0.1", resolve));
  port = (relay!.address() as net.AddressInfo).port;
}

async function cutRelay(): Promise<void> {
  const r = relay;
  relay = null;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => r?.close(() => resolve()) ?? resolve());
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  tenantId = (
    await admin.query<{ id: string }>(
      `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Outage', 'outage') RETURNING id`,
    )
  ).rows[0]!.id;
  monitorId = (
    await admin.query<{ id: string }>(
      `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds)
       VALUES ($1, 'outage', 'HTTP', '{"url":"http://127.0.0.1:9/"}', 10) RETURNING id`,
      [tenantId],
    )
  ).rows[0]!.id;
  await openRelay();
  const system = new URL(databaseUrls().systemDatabaseUrl);
  system.hostname = "127.0.0.1";
  system.port = String(port);
  relayed = new pg.Pool({ connectionString: system.toString(), max: 2, connectionTimeoutMillis: 1_000 });
  relayed.on("error", () => {}); // idle clients cut by the relay
});

afterAll(async () => {
  await cutRelay();
  await relayed.end();
  await admin.end();
});

describe("ResultBatcher across a lost Postgres connection (real Postgres)", () => {
  it("holds results while Postgres is unreachable, stores each exactly once when it is back", async () => {
    const errors: string[] = [];
    const batcher = new ResultBatcher({
      flushMs: 20,
      maxRows: 50,
      outageRetryMs: [50, 100, 200],
      ingest: (rows) => ingestProbeResults(rows, { pool: relayed }),
      onError: (err) => errors.push((err as { code?: string }).code ?? (err as Error).message),
    });
    const slot0 = Math.floor(Date.now() / 10_000) * 10_000 - 600_000;
    const row = (i: number): ProbeResultRow => ({
      monitorId,
      tenantId,
      scheduledAt: new Date(slot0 + i * 10_000),
      checkedAt: new Date(slot0 + i * 10_000 + 30),
      state: "UP",
      latencyMs: 30,
      statusCode: 200,
      error: null,
    });

    await batcher.add(row(0)); // the pool has a live connection now
    await cutRelay();
    const acked: number[] = [];
    const during = Array.from({ length: 30 }, (_, k) => k + 1).map((i) =>
      batcher.add(row(i)).then(() => acked.push(i)),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(acked).toEqual([]); // nothing acknowledged while nothing can be committed
    expect(errors.length).toBeGreaterThan(0);

    await openRelay(); // Postgres is back on the same address
    await Promise.all(during);
    expect(acked.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    await batcher.close();

    const { rows } = await admin.query<{ n: number; distinct_slots: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT scheduled_at)::int AS distinct_slots FROM probe_results WHERE monitor_id = $1`,
      [monitorId],
    );
    expect(rows[0]).toEqual({ n: 31, distinct_slots: 31 });
  });
});
