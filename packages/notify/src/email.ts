import { createHash } from "node:crypto";
import tls from "node:tls";
import nodemailer from "nodemailer";
import { z } from "zod";
import type { Channel, DeliveryResult, NotificationMessage } from "./channel.ts";
import { classifyError, ERROR_CHARS, redact } from "./channel.ts";
import { clip, eventLabel, headline } from "./format.ts";

const hash = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 32);
const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();
/** Printable ASCII only, for a header value. */
const headerSafe = (s: string) => clip(s.replace(/[^\x20-\x7e]/g, "?"), 200);

/**
 * The e-mail's identity. The Message-ID derives from the notification's dedup key (a retry sends the
 * same Message-ID: a mailbox can drop the duplicate), `X-Steward-Dedup-Key` carries the key itself, and
 * `References` names the incident so a mail client threads every notification of one incident.
 */
export function emailIds(m: NotificationMessage, from: string) {
  const domain = domainOf(from);
  return {
    messageId: `<n.${hash(m.dedupKey)}@${domain}>`,
    references: `<incident.${hash(`${m.tenant.id}:${m.incidentId}`)}@${domain}>`,
    dedupHeader: headerSafe(m.dedupKey),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export function emailBodies(m: NotificationMessage): { subject: string; text: string; html: string } {
  const subject = clip(headline(m), 250);
  const facts: [string, string][] = [
    ["Client", m.tenant.name],
    ["Priority", m.priority],
    ["Status", m.status],
    ["Occurred", m.occurredAt.toISOString()],
  ];
  const text = [
    `${eventLabel(m)}: ${m.title}`,
    "",
    ...facts.map(([k, v]) => `${k}: ${v}`),
    "",
    ...(m.summary ? [m.summary, ""] : []),
    `Open the incident: ${m.url}`,
    "",
    "-- ",
    "Steward",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<h2>${escapeHtml(`${eventLabel(m)}: ${m.title}`)}</h2>
<table>${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>
${m.summary ? `<p>${escapeHtml(m.summary)}</p>` : ""}
<p><a href="${escapeHtml(m.url)}">Open the incident</a></p>
</body></html>`;
  return { subject, text, html };
}

const configSchema = z.object({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]_-]+$/, "a host name or IP address"),
  port: z.number().int().min(1).max(65535).default(587),
  /** `tls`: TLS from the first byte (465); `starttls`: STARTTLS required; `none`: plain SMTP (a local sink). */
  security: z.enum(["tls", "starttls", "none"]).default("starttls"),
  from: z.email().max(254),
  to: z.array(z.email().max(254)).min(1).max(50),
  /** A private relay's CA (PEM), trusted in addition to the system roots (verification is never off). */
  tlsCa: z.string().max(20_000).includes("-----BEGIN CERTIFICATE-----").optional(),
});
const secretsSchema = z
  .object({ username: z.string().min(1).max(256).optional(), password: z.string().min(1).max(1024).optional() })
  .refine((s) => (s.username === undefined) === (s.password === undefined), "give both a user name and a password");

/** SMTP reply codes: 4xx transient (retry), 5xx permanent. */
function classifySmtp(err: unknown): { retryable: boolean; reason: string } {
  const e = err as { code?: string; responseCode?: number; message?: string } | null;
  if (typeof e?.responseCode === "number") {
    return { retryable: e.responseCode >= 400 && e.responseCode < 500, reason: e.message ?? String(err) };
  }
  // A certificate that does not verify is a configuration to fix, not a transient failure.
  const cause = (err as { cause?: { code?: string } } | null)?.cause?.code ?? "";
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|certificate|altnames/.test(
      `${e?.code ?? ""} ${cause} ${e?.message ?? ""}`,
    )
  ) {
    return { retryable: false, reason: e?.message ?? String(err) };
  }
  if (e?.code === "EAUTH" || e?.code === "ETLS" || e?.code === "EENVELOPE" || e?.code === "EMESSAGE") {
    return { retryable: false, reason: e.message ?? String(err) };
  }
  return classifyError(err);
}

/**
 * E-mail over SMTP with nodemailer. The host is resolved once through the SSRF guard on the configured
 * port (the platform deny list applies: an SMTP channel cannot reach Steward's own ports) and nodemailer
 * connects to that pinned address; the host name stays the TLS servername (SNI + certificate check).
 * One connection per message (no pool); the signal and the deadline abort the exchange.
 */
export const emailChannel: Channel<typeof configSchema, typeof secretsSchema> = {
  kind: "EMAIL",
  configSchema,
  secretsSchema,
  secretFields: ["username", "password"],
  async send(message, ctx): Promise<DeliveryResult> {
    const { config, secrets } = ctx;
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);
    try {
      const host = config.host.startsWith("[") ? config.host.slice(1, -1) : config.host;
      const [pinned] = await ctx.ssrf.resolve(host, { port: config.port, signal });
      if (!pinned) throw new Error(`cannot resolve ${host}`);
      const transport = nodemailer.createTransport({
        host: pinned.address,
        port: config.port,
        secure: config.security === "tls",
        requireTLS: config.security === "starttls",
        ignoreTLS: config.security === "none",
        ...(pinned.address !== host ? { servername: host } : {}),
        tls: {
          rejectUnauthorized: true,
          ...(pinned.address !== host ? { servername: host } : {}),
          ...(config.tlsCa ? { ca: [...tls.rootCertificates, config.tlsCa] } : {}),
        },
        ...(secrets.username !== undefined ? { auth: { user: secrets.username, pass: secrets.password! } } : {}),
        connectionTimeout: ctx.timeoutMs,
        greetingTimeout: ctx.timeoutMs,
        socketTimeout: ctx.timeoutMs,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const ids = emailIds(message, config.from);
      const { subject, text, html } = emailBodies(message);
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        subject,
        text,
        html,
        messageId: ids.messageId,
        references: ids.references,
        headers: { "X-Steward-Dedup-Key": ids.dedupHeader, "Auto-Submitted": "auto-generated" },
        signal,
      });
      const status = Number.parseInt(String(info.response ?? "").slice(0, 3), 10);
      return {
        ok: true,
        retryable: false,
        ...(Number.isFinite(status) ? { status } : {}),
        responseSnippet: redact(String(info.response ?? ""), secrets),
      };
    } catch (err) {
      const timedOut = signal.aborted && !ctx.signal.aborted;
      const c = timedOut ? { retryable: true, reason: `timeout after ${ctx.timeoutMs} ms` } : classifySmtp(err);
      const responseCode = (err as { responseCode?: number } | null)?.responseCode;
      return {
        ok: false,
        retryable: c.retryable,
        ...(typeof responseCode === "number" ? { status: responseCode } : {}),
        error: redact(c.reason, secrets, ERROR_CHARS),
      };
    }
  },
};
