import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeCtx, requireBinary, type SpawnedPeer, spawnPeer } from "../testing/peers.ts";
import { PrometheusProbeConfig, prometheusProbe } from "./prometheus-probe.ts";

// Peer: Debian's prometheus-node-exporter, spawned on a free loopback port (apt-get install -y
// prometheus-node-exporter; the package's own service on :9100 is not used).
let exporter: SpawnedPeer;
beforeAll(async () => {
  const bin = requireBinary("prometheus-node-exporter", "prometheus-node-exporter");
  exporter = await spawnPeer(bin, (port) => [`--web.listen-address=127.0.0.1:${port}`]);
});
afterAll(() => exporter?.stop());

const cfg = (over: Record<string, unknown>) =>
  PrometheusProbeConfig.parse({ url: `http://127.0.0.1:${exporter.port}/metrics`, ...over });

describe("prometheus probe against Debian's prometheus-node-exporter", () => {
  it("build info is 1; memory total is positive; a series with a label selects", async () => {
    const ctx = probeCtx({ timeoutMs: 10_000 });
    expect(
      await prometheusProbe.run(cfg({ metric: "node_exporter_build_info", op: "eq", threshold: 1 }), ctx),
    ).toMatchObject({ ok: true, statusCode: 200 });
    expect(
      await prometheusProbe.run(cfg({ metric: "node_memory_MemTotal_bytes", op: "gt", threshold: 0 }), ctx),
    ).toMatchObject({ ok: true });
    expect(
      await prometheusProbe.run(
        cfg({ metric: "node_scrape_collector_success", labels: { collector: "meminfo" }, op: "eq", threshold: 1 }),
        ctx,
      ),
    ).toMatchObject({ ok: true });
  });

  it("a threshold the real value cannot meet → fail with the value", async () => {
    const r = await prometheusProbe.run(
      cfg({ metric: "node_memory_MemTotal_bytes", op: "lt", threshold: 1 }),
      probeCtx({ timeoutMs: 10_000 }),
    );
    expect(r).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^node_memory_MemTotal_bytes = \d+(\.\d+)?(e\+\d+)?, expected < 1$/),
    });
  });
});
