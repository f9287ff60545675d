import type { AddressInfo } from "node:net";
import { createDeploymentGuard, type SsrfGuard } from "@steward/probes";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Canary, startCanary } from "../../probes/src/ssrf/testing/canary.ts";
import type { NotificationMessage } from "./channel.ts";
import { emailChannel, emailIds } from "./email.ts";

const USER = "steward-mailer";
const PASSWORD = "s3cret-smtp-password-9931";

/** A real SMTP peer on loopback (smtp-server), every accepted message parsed by mailparser. */
async function smtpSink() {
  const received: { envelope: { from: string; to: string[] }; mail: ParsedMail }[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASSWORD) return cb(null, { user: USER });
      return cb(Object.assign(new Error("Authentication failed"), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            mail,
          });
          cb(null);
        },
        (err) => cb(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const message = (over: Partial<NotificationMessage> = {}): NotificationMessage => ({
  incidentId: "inc_42",
  tenant: { id: "ten_acme", name: "Acme Dental" },
  title: "Website <down>",
  status: "triggered",
  priority: "P2",
  url: "https://steward.example/incidents/inc_42",
  summary: "HTTP check failed from 2 regions.",
  event: "escalated",
  dedupKey: "inc_42:escalated:step-2:user_7",
  occurredAt: new Date("2026-12-04T18:00:00.000Z"),
  ...over,
});

let sink: Awaited<ReturnType<typeof smtpSink>>;
let canary: Canary;
let guard: SsrfGuard;
const config = (over: Record<string, unknown> = {}) =>
  emailChannel.configSchema.parse({
    host: "127.0.0.1",
    port: sink.port,
    security: "none",
    from: "steward@msp.example",
    to: ["oncall@msp.example", "backup@msp.example"],
    ...over,
  });
const ctx = (c: ReturnType<typeof config>, secrets: { username?: string; password?: string }, timeoutMs = 5000) => ({
  config: c,
  secrets,
  signal: new AbortController().signal,
  timeoutMs,
  ssrf: guard,
});

beforeAll(async () => {
  sink = await smtpSink();
  canary = await startCanary();
  guard = await createDeploymentGuard({
    STEWARD_DEV: "1",
    PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535",
    WEB_PORT: String(canary.port),
  });
});
afterAll(async () => {
  await sink.close();
  await canary.close();
});
afterEach(() => {
  sink.received.length = 0;
  expect(canary.hits).toEqual([]);
});

describe("e-mail over a real SMTP exchange", () => {
  it("arrives with subject, recipients, text + HTML bodies, and the dedup key in Message-ID and a header", async () => {
    const m = message();
    const r = await emailChannel.send(m, ctx(config(), { username: USER, password: PASSWORD }));
    expect(r).toMatchObject({ ok: true, status: 250, retryable: false });
    expect(sink.received).toHaveLength(1);
    const { envelope, mail } = sink.received[0]!;
    expect(envelope).toEqual({ from: "steward@msp.example", to: ["oncall@msp.example", "backup@msp.example"] });
    expect(mail.subject).toBe("[P2] Incident escalated: Website <down> (Acme Dental)");
    expect(mail.from?.text).toBe("steward@msp.example");
    expect([mail.to].flat().map((a) => a?.text)).toEqual(["oncall@msp.example, backup@msp.example"]);
    expect(mail.text).toContain("Priority: P2");
    expect(mail.text).toContain("Open the incident: https://steward.example/incidents/inc_42");
    expect(mail.html).toContain("Website &lt;down&gt;");
    expect(mail.html).toContain('href="https://steward.example/incidents/inc_42"');
    const ids = emailIds(m, "steward@msp.example");
    expect(mail.messageId).toBe(ids.messageId);
    expect(mail.messageId).toMatch(/^<n\.[\w-]{32}@msp\.example>$/);
    expect(mail.headers.get("x-steward-dedup-key")).toBe(m.dedupKey);
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.references).toBe(ids.references);

    // A retry of the same notification has the same Message-ID; another notification does not.
    await emailChannel.send(m, ctx(config(), { username: USER, password: PASSWORD }));
    await emailChannel.send(message({ dedupKey: "other" }), ctx(config(), { username: USER, password: PASSWORD }));
    expect(sink.received[1]!.mail.messageId).toBe(ids.messageId);
    expect(sink.received[2]!.mail.messageId).not.toBe(ids.messageId);
    // ...but the same thread (References names the incident).
    expect(sink.received[2]!.mail.references).toBe(ids.references);
  });

  it("an authentication failure is final (not retryable) and does not spell the password", async () => {
    const wrong = "wrong-password-1234567";
    const r = await emailChannel.send(message(), ctx(config(), { username: USER, password: wrong }));
    expect(r).toMatchObject({ ok: false, retryable: false, status: 535 });
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(JSON.stringify(r)).not.toContain(USER);
    expect(sink.received).toEqual([]);
  });

  it("a connection refused is retryable", async () => {
    const closed = await smtpSink();
    await closed.close();
    const r = await emailChannel.send(message(), ctx(config({ port: closed.port }), {}));
    expect(r).toMatchObject({ ok: false, retryable: true });
    expect(r.error).toMatch(/ECONNREFUSED|ECONNECTION/);
  });

  it("SSRF: an SMTP host at a platform port is refused before any connection (any spelling)", async () => {
    for (const host of ["127.0.0.1", "localhost", "127.1", "[::1]", "0x7f000001"]) {
      const r = await emailChannel.send(
        message(),
        ctx(config({ host, port: canary.port }), { username: USER, password: PASSWORD }),
      );
      expect(r, host).toMatchObject({ ok: false, retryable: false });
      expect(r.error).toMatch(/^blocked by SSRF policy/);
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
    expect(canary.hits).toEqual([]);
  });

  it("the deadline is honoured against a peer that never greets", async () => {
    const net = await import("node:net");
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      const r = await emailChannel.send(message(), ctx(config({ port }), {}, 300));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r).toMatchObject({ ok: false, retryable: true });
    } finally {
      silent.close();
    }
  });
});
