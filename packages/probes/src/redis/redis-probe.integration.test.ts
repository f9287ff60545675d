import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { freePort, probeCtx, requireBinary, type SpawnedPeer, spawnPeer } from "../testing/peers.ts";
import { RedisProbeConfig, redisProbe } from "./redis-probe.ts";

// Peers: the machine's Redis (REDIS_URL) and a password-protected redis-server spawned on a free port.
const machine = new URL(process.env.REDIS_URL || "redis://127.0.0.1:6379");
const PASSWORD = "probe-test-Pa55";
let authed: SpawnedPeer;
let silent: net.Server;
let silentPort: number;

beforeAll(async () => {
  const bin = requireBinary("redis-server", "redis-server");
  authed = await spawnPeer(bin, (port) => [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--requirepass",
    PASSWORD,
  ]);
  silent = net.createServer((s) => s.resume());
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await authed?.stop();
  if (silent) await new Promise((r) => silent.close(r));
});

describe("redis probe against real Redis servers", () => {
  it("the machine's Redis answers PONG", async () => {
    const r = await redisProbe.run(
      RedisProbeConfig.parse({
        host: machine.hostname,
        port: Number(machine.port || 6379),
        ...(machine.password ? { password: decodeURIComponent(machine.password) } : {}),
      }),
      probeCtx(),
    );
    expect(r).toMatchObject({ ok: true });
  });

  it("auth: right password → ok; missing or wrong password → fail (password never echoed)", async () => {
    const cfg = (over: Record<string, unknown>) =>
      RedisProbeConfig.parse({ host: "127.0.0.1", port: authed.port, ...over });
    expect(await redisProbe.run(cfg({ password: PASSWORD }), probeCtx())).toMatchObject({ ok: true });
    expect(await redisProbe.run(cfg({ username: "default", password: PASSWORD }), probeCtx())).toMatchObject({
      ok: true,
    });
    const none = await redisProbe.run(cfg({}), probeCtx());
    expect(none).toMatchObject({ ok: false, error: "authentication required (NOAUTH)" });
    const wrong = await redisProbe.run(cfg({ password: "nope-wrong" }), probeCtx());
    expect(wrong).toMatchObject({ ok: false, error: "authentication failed (WRONGPASS)" });
    expect(JSON.stringify(wrong)).not.toContain("nope-wrong");
    const user = await redisProbe.run(cfg({ username: "canary-user", password: "nope-wrong" }), probeCtx());
    expect(user).toMatchObject({ ok: false, error: "authentication failed (WRONGPASS)" });
    expect(JSON.stringify(user)).not.toContain("canary");
  });

  it("a canary key on the server never reaches a result (ok, auth failure, no auth)", async () => {
    const CANARY = "canary-redis-key-7f3a";
    // Write the canary with redis-cli-free RESP: AUTH + SET on the password-protected peer.
    await new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port: authed.port }, () =>
        s.write(`AUTH ${PASSWORD}\r\nSET canary:key ${CANARY}\r\n`),
      );
      let got = "";
      s.on("data", (d) => {
        got += d.toString();
        if (got.split("\r\n").length > 2) {
          s.end();
          resolve();
        }
      });
      s.on("error", reject);
    });
    const cfg = (over: Record<string, unknown>) =>
      RedisProbeConfig.parse({ host: "127.0.0.1", port: authed.port, ...over });
    const results = [
      await redisProbe.run(cfg({ password: PASSWORD }), probeCtx()),
      await redisProbe.run(cfg({ password: "wrong-one" }), probeCtx()),
      await redisProbe.run(cfg({}), probeCtx()),
    ];
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(JSON.stringify(results)).not.toContain("canary");
  });

  it("error replies and odd replies are never copied: a canary the server sends stays out of the result", async () => {
    const CANARY = "canary-redis-7f3a";
    // A peer speaking RESP whose replies carry the canary (as an error text, a simple string, a bulk string).
    const replies = [
      `-ERR ${CANARY} is not allowed\r\n`,
      `-${CANARY} code\r\n`,
      `+${CANARY}\r\n`,
      `$5\r\n${CANARY}\r\n`,
    ];
    for (const reply of replies) {
      const srv = net.createServer((s) => s.once("data", () => s.end(reply)));
      await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
      const port = (srv.address() as net.AddressInfo).port;
      const r = await redisProbe.run(RedisProbeConfig.parse({ host: "127.0.0.1", port }), probeCtx());
      await new Promise((res) => srv.close(res));
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/^(PING failed \((ERR)\)|unexpected reply to PING \(not a Redis server\?\))$/);
      expect(JSON.stringify(r)).not.toContain("canary");
    }
  });

  it("refused → fail; silent peer → timeout fail; worker abort → unknown", async () => {
    const refused = await redisProbe.run(
      RedisProbeConfig.parse({ host: "127.0.0.1", port: await freePort() }),
      probeCtx(),
    );
    expect(refused).toMatchObject({ ok: false, error: "connection refused" });
    const t = await redisProbe.run(
      RedisProbeConfig.parse({ host: "127.0.0.1", port: silentPort }),
      probeCtx({ timeoutMs: 250 }),
    );
    expect(t).toMatchObject({ ok: false, error: "timeout after 250 ms" });
    const ac = new AbortController();
    const p = redisProbe.run(
      RedisProbeConfig.parse({ host: "127.0.0.1", port: silentPort }),
      probeCtx({ signal: ac.signal }),
    );
    setTimeout(() => ac.abort(), 30);
    expect(await p).toMatchObject({ ok: false, unknown: true });
  });

  it("SSRF: loopback refused without an allowlist", async () => {
    const r = await redisProbe.run(
      RedisProbeConfig.parse({ host: "localhost", port: authed.port }),
      probeCtx({ ssrf: createSsrfGuard() }),
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });
});
