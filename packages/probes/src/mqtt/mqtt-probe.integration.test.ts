import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsrfGuard } from "../ssrf.ts";
import { freePort, probeCtx, requireBinary, type SpawnedPeer, spawnPeer } from "../testing/peers.ts";
import { MqttProbeConfig, mqttProbe } from "./mqtt-probe.ts";

// Peers: Debian's mosquitto, spawned twice on free ports (anonymous; password-protected). The shared
// broker on 1883 is not touched, so parallel runs never see each other's topics.
let anon: SpawnedPeer;
let authed: SpawnedPeer;
let dir: string;
let silent: net.Server;
let silentPort: number;

beforeAll(async () => {
  const bin = requireBinary("mosquitto", "mosquitto");
  const passwd = requireBinary("mosquitto_passwd", "mosquitto");
  dir = mkdtempSync(path.join(tmpdir(), "steward-mqtt-"));
  const pwFile = path.join(dir, "passwd");
  execFileSync(passwd, ["-b", "-c", pwFile, "probe", "probe-Pa55"], { stdio: "ignore" });
  // mosquitto started as root drops to its own user: let it read the password file.
  chmodSync(dir, 0o755);
  chmodSync(pwFile, 0o644);
  anon = await spawnPeer(bin, (port) => {
    const conf = path.join(dir, "anon.conf");
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    return ["-c", conf];
  });
  authed = await spawnPeer(bin, (port) => {
    const conf = path.join(dir, "auth.conf");
    writeFileSync(
      conf,
      `listener ${port} 127.0.0.1\nallow_anonymous false\npassword_file ${pwFile}\npersistence false\n`,
    );
    return ["-c", conf];
  });
  silent = net.createServer((s) => s.resume());
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await Promise.all([anon?.stop(), authed?.stop(), silent && new Promise((r) => silent.close(r))]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cfg = (port: number, over: Record<string, unknown> = {}) =>
  MqttProbeConfig.parse({ host: "127.0.0.1", port, ...over });

describe("mqtt probe against Debian's mosquitto", () => {
  it("connect + publish/subscribe round trip → ok (QoS 1 and 0)", async () => {
    expect(await mqttProbe.run(cfg(anon.port), probeCtx())).toMatchObject({ ok: true });
    expect(await mqttProbe.run(cfg(anon.port, { qos: 0, topicPrefix: "custom/prefix/" }), probeCtx())).toMatchObject({
      ok: true,
    });
  });

  it("auth: right credentials → ok; wrong or none → fail (password never echoed)", async () => {
    expect(
      await mqttProbe.run(cfg(authed.port, { username: "probe", password: "probe-Pa55" }), probeCtx()),
    ).toMatchObject({ ok: true });
    const wrong = await mqttProbe.run(cfg(authed.port, { username: "probe", password: "wrong-pw" }), probeCtx());
    expect(wrong).toMatchObject({ ok: false, error: expect.stringMatching(/^broker refused the connection/) });
    expect(JSON.stringify(wrong)).not.toContain("wrong-pw");
    const none = await mqttProbe.run(cfg(authed.port), probeCtx());
    expect(none).toMatchObject({ ok: false, error: expect.stringMatching(/^broker refused the connection/) });
    const user = await mqttProbe.run(cfg(authed.port, { username: "canary-user", password: "x" }), probeCtx());
    expect(user).toMatchObject({ ok: false, error: "broker refused the connection: not authorized" });
    expect(JSON.stringify(user)).not.toContain("canary");
  });

  it("a canary published on the broker never reaches the result (the probe reads only its own topic)", async () => {
    const CANARY = "canary-mqtt-7f3a";
    const publisher = requireBinary("mosquitto_pub", "mosquitto-clients");
    // Retained canaries on the probe's prefix and beside its topics: the probe must not see them.
    for (const topic of ["steward/probe", "steward/probe/x", "steward/probe/other"]) {
      execFileSync(publisher, ["-h", "127.0.0.1", "-p", String(anon.port), "-t", topic, "-r", "-m", CANARY]);
    }
    const ok = await mqttProbe.run(cfg(anon.port), probeCtx());
    expect(ok).toMatchObject({ ok: true });
    expect(JSON.stringify(ok)).not.toContain("canary");
  });

  it("refused → fail; a silent peer → timeout fail; worker abort → unknown", async () => {
    const refused = await mqttProbe.run(cfg(await freePort()), probeCtx());
    expect(refused).toMatchObject({ ok: false, error: "connection refused" });
    const t = await mqttProbe.run(cfg(silentPort), probeCtx({ timeoutMs: 300 }));
    expect(t.ok).toBe(false);
    expect(t.unknown).toBeUndefined();
    expect(t.error).toMatch(/timeout/);
    const ac = new AbortController();
    const p = mqttProbe.run(cfg(silentPort), probeCtx({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 30);
    expect(await p).toMatchObject({ ok: false, unknown: true });
  });

  it("SSRF: loopback refused without an allowlist", async () => {
    const r = await mqttProbe.run(cfg(anon.port, { host: "localhost" }), probeCtx({ ssrf: createSsrfGuard() }));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^blocked by SSRF policy/) });
  });

  it("config validation", () => {
    expect(MqttProbeConfig.safeParse({ host: "broker.test", topicPrefix: "a/#" }).success).toBe(false);
    expect(MqttProbeConfig.safeParse({ host: "broker.test", qos: 2 }).success).toBe(false);
    expect(MqttProbeConfig.parse({ host: "broker.test" })).toMatchObject({
      port: 1883,
      qos: 1,
      topicPrefix: "steward/probe",
    });
  });
});
