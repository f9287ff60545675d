import type { AddressInfo } from "node:net";
import { createDeploymentGuard, type SsrfGuard, type SsrfResolver, systemResolver } from "@steward/probes";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki } from "../../probes/src/testing/certs.ts";
import type { NotificationMessage } from "./channel.ts";
import { emailChannel } from "./email.ts";

/**
 * STARTTLS and implicit TLS on loopback with a throwaway PKI: the channel connects to the address the
 * guard pinned while the host name stays the TLS servername (the certificate is checked against it), a
 * private relay's CA is trusted only when configured, and "starttls" never sends credentials in clear.
 */
const NAME = "mail.steward.test";
const PASSWORD = "tls-smtp-password-5150";

let pki: TestPki;
let guard: SsrfGuard;
const servers: SMTPServer[] = [];
const auths: string[] = [];
const received: { subject: string | undefined; secure: boolean }[] = [];

async function listen(opts: SMTPServerOptions): Promise<number> {
  const server = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    onAuth(auth, _s, cb) {
      auths.push(auth.username ?? "");
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ subject: mail.subject, secure: session.secure });
          cb(null);
        },
        (err) => cb(err),
      );
    },
    ...opts,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.server.address() as AddressInfo).port;
}

const message: NotificationMessage = {
  incidentId: "inc_9",
  tenant: { id: "t1", name: "Acme" },
  title: "Disk full",
  status: "triggered",
  priority: "P3",
  url: "https://steward.example/incidents/inc_9",
  summary: "",
  event: "triggered",
  dedupKey: "inc_9:1",
  occurredAt: new Date("2026-12-04T18:00:00Z"),
};

const send = (config: Record<string, unknown>) =>
  emailChannel.send(message, {
    config: emailChannel.configSchema.parse({ from: "s@msp.example", to: ["a@msp.example"], ...config }),
    secrets: { username: "relay-user", password: PASSWORD },
    signal: new AbortController().signal,
    timeoutMs: 5000,
    ssrf: guard,
  });

let starttlsPort: number;
let implicitPort: number;
let plainPort: number;
beforeAll(async () => {
  pki = createTestPki();
  const leaf = pki.leaf({ cn: NAME, sans: [`DNS:${NAME}`], notAfter: new Date(Date.now() + 86_400_000) });
  starttlsPort = await listen({ secure: false, key: leaf.key, cert: leaf.cert });
  implicitPort = await listen({ secure: true, key: leaf.key, cert: leaf.cert });
  plainPort = await listen({ secure: false, disabledCommands: ["STARTTLS"] });
  const resolver: SsrfResolver = async (name, signal) =>
    name === NAME ? [{ address: "127.0.0.1", family: 4 }] : systemResolver(name, signal);
  guard = await createDeploymentGuard({ STEWARD_DEV: "1", PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535" }, { resolver });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  pki.dispose();
});

describe("e-mail over TLS", () => {
  it("STARTTLS and implicit TLS to the pinned address, the certificate checked against the host name", async () => {
    const ca = pki.ca.cert;
    expect(await send({ host: NAME, port: starttlsPort, security: "starttls", tlsCa: ca })).toMatchObject({
      ok: true,
      status: 250,
    });
    expect(await send({ host: NAME, port: implicitPort, security: "tls", tlsCa: ca })).toMatchObject({ ok: true });
    expect(received).toEqual([
      { subject: "[P3] Incident triggered: Disk full (Acme)", secure: true },
      { subject: "[P3] Incident triggered: Disk full (Acme)", secure: true },
    ]);
  });

  it("an untrusted certificate or a name it does not carry is a final failure; nothing is sent", async () => {
    received.length = 0;
    auths.length = 0;
    const untrusted = await send({ host: NAME, port: starttlsPort, security: "starttls" });
    // 127.0.0.1 is not in the certificate: the identity check fails even with the CA trusted.
    const wrongName = await send({ host: "127.0.0.1", port: starttlsPort, security: "starttls", tlsCa: pki.ca.cert });
    for (const r of [untrusted, wrongName]) {
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(r.error).toMatch(/certificate|altnames/);
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
    expect(received).toEqual([]);
    expect(auths).toEqual([]);
  });

  it('"starttls" against a server that does not offer it fails before AUTH: no credential in clear', async () => {
    auths.length = 0;
    const r = await send({ host: NAME, port: plainPort, security: "starttls" });
    expect(r.ok).toBe(false);
    expect(auths).toEqual([]);
  });
});
