import http from "node:http";
import type { AddressInfo } from "node:net";
import { createDeploymentGuard, type SsrfGuard } from "@steward/probes";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "../../probes/src/ssrf/testing/canary.ts";
import type { DeliveryResult, NotificationMessage } from "./channel.ts";
import { CHANNELS, getChannel } from "./index.ts";
import { PAGERDUTY_EVENTS_URL, pagerDutyChannel } from "./pagerduty.ts";
import { slackChannel } from "./slack.ts";
import { teamsChannel } from "./teams.ts";
import { generateWebhookSecret, webhookChannel } from "./webhook.ts";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver: records every request and answers with `reply` (status, body, headers). */
async function receiver() {
  const requests: Received[] = [];
  let reply: (r: Received) => { status: number; body?: string; headers?: Record<string, string> } | null = () => ({
    status: 200,
    body: "ok",
  });
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(r);
      const out = reply(r);
      if (!out) return; // never answer (timeouts)
      res.writeHead(out.status, out.headers ?? {}).end(out.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    requests,
    setReply(fn: typeof reply) {
      reply = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const message = (over: Partial<NotificationMessage> = {}): NotificationMessage => ({
  incidentId: "inc_01",
  tenant: { id: "ten_acme", name: "Acme <Dental> & Co" },
  title: "Website down",
  status: "triggered",
  priority: "P1",
  url: "https://steward.example/incidents/inc_01",
  summary: "HTTP check of https://acme.example failed from 2 regions.",
  event: "triggered",
  dedupKey: "inc_01:triggered:1",
  occurredAt: new Date("2026-12-04T18:00:00.000Z"),
  ...over,
});

let rx: Awaited<ReturnType<typeof receiver>>;
let canary: Canary;
let guard: SsrfGuard;
const ctx = <C, S>(config: C, secrets: S, timeoutMs = 5000) => ({
  config,
  secrets,
  signal: new AbortController().signal,
  timeoutMs,
  ssrf: guard,
});

beforeAll(async () => {
  rx = await receiver();
  canary = await startCanary();
  // As the worker builds it: the deployment's allowlist opens loopback (development), and the platform
  // deny list (here the canary stands in for Steward's web port) is applied after it.
  guard = await createDeploymentGuard({
    STEWARD_DEV: "1",
    PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535",
    WEB_PORT: String(canary.port),
  });
});
afterAll(async () => {
  await rx.close();
  await canary.close();
});
afterEach(() => {
  rx.requests.length = 0;
  rx.setReply(() => ({ status: 200, body: "ok" }));
  expect(canary.hits).toEqual([]);
});

const lastJson = () => JSON.parse(rx.requests.at(-1)!.body);

describe("payloads in each service's real format", () => {
  it("Slack: text + blocks, mrkdwn escaped, a button to the incident", async () => {
    const r = await slackChannel.send(message(), ctx({}, { webhookUrl: rx.url("/services/T1/B2/tok3n") }));
    expect(r).toEqual({ ok: true, status: 200, retryable: false, responseSnippet: "ok" });
    const req = rx.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/services/T1/B2/tok3n");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(lastJson()).toMatchSnapshot();
  });

  it("Teams: one Adaptive Card attachment", async () => {
    const r = await teamsChannel.send(message({ priority: "P3" }), ctx({}, { webhookUrl: rx.url("/workflows/x") }));
    expect(r.ok).toBe(true);
    const body = lastJson();
    expect(body.type).toBe("message");
    expect(body.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(body).toMatchSnapshot();
  });

  it("generic webhook: Standard Webhooks headers, verified by the standardwebhooks library; a tampered body is rejected", async () => {
    const secret = generateWebhookSecret();
    const r = await webhookChannel.send(message(), ctx({ url: rx.url() }, { signingSecret: secret }));
    expect(r.ok).toBe(true);
    const req = rx.requests[0]!;
    const headers = {
      "webhook-id": String(req.headers["webhook-id"]),
      "webhook-timestamp": String(req.headers["webhook-timestamp"]),
      "webhook-signature": String(req.headers["webhook-signature"]),
    };
    expect(headers["webhook-id"]).toMatch(/^msg_[\w-]{32}$/);
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(req.body, headers);
    expect(verified).toEqual(JSON.parse(req.body));
    expect(verified).toMatchSnapshot();

    expect(() => new Webhook(secret).verify(req.body.replace("Website down", "Website up"), headers)).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(req.body, headers)).toThrow();
    // A retry of the same notification carries the same webhook-id (receivers drop the duplicate).
    await webhookChannel.send(message(), ctx({ url: rx.url() }, { signingSecret: secret }));
    expect(rx.requests[1]!.headers["webhook-id"]).toBe(headers["webhook-id"]);
    await webhookChannel.send(message({ dedupKey: "other" }), ctx({ url: rx.url() }, { signingSecret: secret }));
    expect(rx.requests[2]!.headers["webhook-id"]).not.toBe(headers["webhook-id"]);
  });

  it("PagerDuty Events v2: trigger / acknowledge / resolve under one dedup key; severity from the priority", async () => {
    const routingKey = "R0123456789abcdef0123456789abcdef";
    expect(pagerDutyChannel.configSchema.parse({})).toEqual({ endpoint: PAGERDUTY_EVENTS_URL });
    rx.setReply(() => ({
      status: 202,
      body: '{"status":"success","message":"Event processed","dedup_key":"steward:ten_acme:inc_01"}',
    }));
    const config = { endpoint: rx.url("/v2/enqueue") };
    for (const status of ["triggered", "acknowledged", "resolved"] as const) {
      const r = await pagerDutyChannel.send(message({ status, event: status }), ctx(config, { routingKey }));
      expect(r).toMatchObject({ ok: true, status: 202, retryable: false });
    }
    const bodies = rx.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event_action)).toEqual(["trigger", "acknowledge", "resolve"]);
    expect(new Set(bodies.map((b) => b.dedup_key))).toEqual(new Set(["steward:ten_acme:inc_01"]));
    expect(bodies.every((b) => b.routing_key === routingKey)).toBe(true);
    expect(bodies[0].payload.severity).toBe("critical");
    expect(bodies[0]).toMatchSnapshot();
    expect(bodies[1]).toEqual({ routing_key: routingKey, event_action: "acknowledge", dedup_key: bodies[0].dedup_key });

    await pagerDutyChannel.send(message({ priority: "P4" }), ctx(config, { routingKey }));
    expect(lastJson().payload.severity).toBe("info");
  });
});

describe("retry classification", () => {
  const send = () => slackChannel.send(message(), ctx({}, { webhookUrl: rx.url() }));
  it.each([
    [200, true, false],
    [204, true, false],
    [400, false, false],
    [403, false, false],
    [404, false, false],
    [408, false, true],
    [429, false, true],
    [500, false, true],
    [503, false, true],
  ])("HTTP %i → ok %s, retryable %s", async (status, ok, retryable) => {
    rx.setReply(() => ({ status, body: "x" }));
    const r = await send();
    expect({ ok: r.ok, status: r.status, retryable: r.retryable }).toEqual({ ok, status, retryable });
  });

  it("a connection refused is retryable; a timeout is retryable and honoured", async () => {
    const closed = await receiver();
    await closed.close();
    const refused = await slackChannel.send(message(), ctx({}, { webhookUrl: closed.url() }));
    expect(refused).toMatchObject({ ok: false, retryable: true });
    expect(refused.error).toMatch(/ECONNREFUSED/);

    rx.setReply(() => null);
    const started = Date.now();
    const slow = await slackChannel.send(message(), ctx({}, { webhookUrl: rx.url() }, 300));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow).toMatchObject({ ok: false, retryable: true });
    expect(slow.error).toMatch(/timeout/);
  });

  it("the caller's signal (worker shutdown) aborts a delivery in flight; it is retried later", async () => {
    rx.setReply(() => null);
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error("worker stopping")), 100);
    const started = Date.now();
    const r = await slackChannel.send(message(), {
      ...ctx({}, { webhookUrl: rx.url() }, 10_000),
      signal: abort.signal,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: false, retryable: true, error: "worker stopping" });
  });

  it("the response read is bounded", async () => {
    rx.setReply(() => ({ status: 500, body: "e".repeat(100_000) }));
    const r = await send();
    expect(r.retryable).toBe(true);
    expect(r.responseSnippet!.length).toBeLessThanOrEqual(301);
  });
});

describe("SSRF: every request through the guard", () => {
  it.each(Object.keys(CHANNELS).filter((k) => k !== "EMAIL"))(
    "%s: a URL at a platform port is refused and nothing reaches it",
    async (kind) => {
      const url = `http://127.0.0.1:${canary.port}/hook`;
      const channel = getChannel(kind)!;
      const r: DeliveryResult = await channel.send(
        message(),
        ctx(
          { url, endpoint: url },
          { webhookUrl: url, signingSecret: generateWebhookSecret(), routingKey: "R0123456789abcdef0123456789abcdef" },
        ) as never,
      );
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(r.error).toMatch(/^blocked by SSRF policy: .*Steward's own web server/);
      expect(canary.hits).toEqual([]);
    },
  );

  it("a name resolving to the platform port is refused (localhost spelling)", async () => {
    const r = await slackChannel.send(message(), ctx({}, { webhookUrl: `http://localhost:${canary.port}/x` }));
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(canary.hits).toEqual([]);
  });

  it("a redirect is never followed (a 3xx is a final failure), even to an allowed listener", async () => {
    const other = await receiver();
    try {
      for (const target of [`http://127.0.0.1:${canary.port}/`, other.url("/elsewhere")]) {
        rx.setReply(() => ({ status: 307, headers: { location: target } }));
        const r = await webhookChannel.send(
          message(),
          ctx({ url: rx.url() }, { signingSecret: generateWebhookSecret() }),
        );
        expect(r).toMatchObject({ ok: false, status: 307, retryable: false });
        expect(r.error).toMatch(/redirects are not followed/);
      }
      expect(other.requests).toEqual([]);
      expect(canary.hits).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("secrets never leave in a DeliveryResult", () => {
  const token = "xoxb-SECRET-TOKEN-4242";
  const routingKey = "Rsecret0123456789abcdef0123456789";

  it("a peer echoing the request (URL token, routing key) has them redacted from the snippet", async () => {
    rx.setReply((r) => ({ status: 400, body: `bad request to ${r.url}: ${r.body}` }));
    const slack = await slackChannel.send(message(), ctx({}, { webhookUrl: rx.url(`/services/${token}`) }));
    const pd = await pagerDutyChannel.send(message(), ctx({ endpoint: rx.url() }, { routingKey }));
    for (const r of [slack, pd]) {
      expect(r.ok).toBe(false);
      expect(r.responseSnippet).toContain("[redacted]");
      expect(JSON.stringify(r)).not.toContain(token);
      expect(JSON.stringify(r)).not.toContain(routingKey);
    }
  });

  it("an error about a secret URL does not spell it", async () => {
    for (const webhookUrl of [
      `http://127.0.0.1:${canary.port}/services/${token}`,
      `ftp://127.0.0.1/${token}`,
      `http://no-such-host.invalid/${token}`,
    ]) {
      const r = await slackChannel.send(message(), ctx({}, { webhookUrl }));
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toContain(token);
    }
  });
});
