import { createDeploymentGuard, type SsrfGuard } from "@steward/probes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Canary, recordConnectAttempts, startCanary } from "../../probes/src/ssrf/testing/canary.ts";
import type { DeliveryResult, NotificationMessage } from "./channel.ts";
import { CHANNELS } from "./index.ts";
import { generateWebhookSecret } from "./webhook.ts";

/**
 * Host spellings of the platform (the canary stands in for Steward's web port, on every local address)
 * and of the cloud metadata endpoint, through every channel kind: each is refused by the guard, no
 * socket dials anything, the canary counts 0.
 */
const HOSTS = [
  "127.0.0.1",
  "127.1",
  "2130706433",
  "0x7f.1",
  "0177.0.0.1",
  "127.0.0.1.",
  "[::1]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "localhost",
  "api.localhost",
  "0.0.0.0",
  "[::]",
];
const METADATA = ["169.254.169.254", "metadata.google.internal", "[fd00:ec2::254]"];

let canary: Canary;
let guard: SsrfGuard;
beforeAll(async () => {
  canary = await startCanary();
  guard = await createDeploymentGuard({
    STEWARD_DEV: "1",
    PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535,[::1/128]:1-65535",
    WEB_PORT: String(canary.port),
  });
});
afterAll(() => canary.close());

const message: NotificationMessage = {
  incidentId: "inc_1",
  tenant: { id: "t1", name: "T" },
  title: "x",
  status: "triggered",
  priority: "P1",
  url: "https://steward.example/incidents/inc_1",
  summary: "",
  event: "triggered",
  dedupKey: "k",
  occurredAt: new Date(0),
};

function send(kind: keyof typeof CHANNELS, host: string, port: number): Promise<DeliveryResult> {
  const url = `http://${host}:${port}/hook`;
  const config =
    kind === "EMAIL"
      ? { host, port, security: "none", from: "s@msp.example", to: ["a@msp.example"] }
      : { url, endpoint: url };
  const secrets = {
    webhookUrl: url,
    signingSecret: generateWebhookSecret(),
    routingKey: "R0123456789abcdef0123456789abcdef",
    username: "u",
    password: "p",
  };
  const ctx = { config, secrets, signal: new AbortController().signal, timeoutMs: 1500, ssrf: guard };
  return CHANNELS[kind].send(message, ctx as never);
}

describe.each(Object.keys(CHANNELS) as (keyof typeof CHANNELS)[])("%s", (kind) => {
  it("every spelling of a platform port and of cloud metadata is refused; nothing is dialled", async () => {
    const recorder = recordConnectAttempts();
    recorder.recording = true;
    try {
      for (const [host, port] of [
        ...HOSTS.map((h) => [h, canary.port] as const),
        ...METADATA.map((h) => [h, 80] as const),
      ]) {
        const r = await send(kind, host, port);
        expect(r, `${kind} ${host}:${port}`).toMatchObject({ ok: false, retryable: false });
        expect(r.error, `${kind} ${host}:${port}`).toMatch(/^blocked by SSRF policy/);
      }
    } finally {
      recorder.recording = false;
      recorder.restore();
    }
    expect(recorder.attempts).toEqual([]);
    expect(canary.hits).toEqual([]);
  });
});
