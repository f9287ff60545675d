import type { SsrfGuard } from "@steward/probes";
import { z } from "zod";

/** The channel kinds Steward can deliver to. */
export const CHANNEL_KINDS = ["EMAIL", "SLACK", "TEAMS", "WEBHOOK", "PAGERDUTY"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const INCIDENT_STATUSES = ["triggered", "acknowledged", "resolved"] as const;
export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
/** What happened to the incident that this notification tells about. */
export const EVENT_KINDS = ["triggered", "escalated", "acknowledged", "resolved", "reopened", "test"] as const;

/**
 * One notification about one incident, as every channel renders it. `dedupKey` identifies this delivery
 * (the same on every retry of it): it becomes the e-mail's Message-ID and the Standard Webhooks
 * `webhook-id`, so a receiver can drop a duplicate. PagerDuty's own `dedup_key` is per incident instead
 * (trigger, acknowledge and resolve must name the same alert there).
 */
export const notificationMessageSchema = z.object({
  incidentId: z.string().min(1).max(100),
  tenant: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) }),
  title: z.string().min(1).max(500),
  status: z.enum(INCIDENT_STATUSES),
  priority: z.enum(PRIORITIES),
  /** The incident's page in Steward (absolute URL). */
  url: z.url(),
  summary: z.string().max(4000),
  event: z.enum(EVENT_KINDS),
  dedupKey: z.string().min(1).max(200),
  occurredAt: z.date(),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/**
 * The outcome of one delivery attempt. Never throws for a delivery failure: the queue retries when
 * `retryable`. `responseSnippet` is at most SNIPPET_CHARS of the peer's answer (control characters
 * stripped, every secret value redacted), for the delivery log; `error` is a short reason, also redacted.
 */
export interface DeliveryResult {
  ok: boolean;
  /** The HTTP status, or the SMTP reply code. */
  status?: number;
  responseSnippet?: string;
  retryable: boolean;
  error?: string;
}

export interface SendContext<Config, Secrets> {
  config: Config;
  secrets: Secrets;
  /** Aborts the delivery (e.g. the worker's shutdown). */
  signal: AbortSignal;
  /** Deadline for the whole delivery (resolution, connect, TLS, exchange). */
  timeoutMs: number;
  /** The tenant's guard: the deployment guard ∪ the tenant's approved entries, minus the platform deny list. */
  ssrf: SsrfGuard;
}

export interface Channel<Config extends z.ZodType = z.ZodType, Secrets extends z.ZodObject = z.ZodObject> {
  kind: ChannelKind;
  /** The non-secret settings (shown to the tenant, stored in clear). */
  configSchema: Config;
  /** The credentials (sealed with @steward/secrets, never shown back). */
  secretsSchema: Secrets;
  /** The names of `secretsSchema`'s fields. */
  secretFields: readonly (keyof z.output<Secrets> & string)[];
  send(message: NotificationMessage, ctx: SendContext<z.output<Config>, z.output<Secrets>>): Promise<DeliveryResult>;
}

export const SNIPPET_CHARS = 300;
export const ERROR_CHARS = 300;

/**
 * `text` with every secret value (and its URL-encoded spelling) replaced, control characters removed and
 * the length bounded: what may enter a DeliveryResult.
 */
export function redact(text: string, secrets: Record<string, unknown>, max = SNIPPET_CHARS): string {
  let out = text;
  for (const value of Object.values(secrets)) {
    if (typeof value !== "string" || value.length < 4) continue;
    // Longest first, so a part never leaves the rest of a longer spelling behind.
    const spellings = [...secretSpellings(value)].sort((a, b) => b.length - a.length);
    for (const spelling of spellings) out = out.split(spelling).join("[redacted]");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ");
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * The ways a secret may come back: as is, URL- and JSON-encoded, and for a secret URL (a Slack or Teams
 * webhook, whose path or query is the token) its path + query and every long path segment or query value,
 * since a peer or an error message may quote only those.
 */
function secretSpellings(value: string): Set<string> {
  const out = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  if (!/^https?:\/\//i.test(value)) return out;
  try {
    const url = new URL(value);
    const rest = `${url.pathname}${url.search}`;
    if (rest.length > 1) out.add(rest);
    for (const part of [...url.pathname.split("/"), ...url.searchParams.values()]) {
      if (part.length >= 10) {
        out.add(part);
        out.add(encodeURIComponent(part));
      }
    }
  } catch {
    // not a URL after all: the plain spellings stand
  }
  return out;
}

/** 2xx ok; 408, 429 and 5xx retryable; every other status (3xx included: no redirect is followed) final. */
export function classifyHttpStatus(status: number): { ok: boolean; retryable: boolean } {
  if (status >= 200 && status < 300) return { ok: true, retryable: false };
  return { ok: false, retryable: status === 408 || status === 429 || status >= 500 };
}

/** A failure before any answer: network errors and timeouts are retryable; SSRF refusals and bad input are not. */
export function classifyError(err: unknown): { retryable: boolean; reason: string } {
  const e = err as { code?: string; name?: string; message?: string } | null;
  const code = e?.code ?? "";
  const message = e?.message ?? String(err);
  if (code === "ESSRFBLOCKED") return { retryable: false, reason: `blocked by SSRF policy: ${message}` };
  if (code === "EREDIRECT") return { retryable: false, reason: message };
  if (code === "EPROBETIMEOUT") return { retryable: true, reason: message };
  if (e?.name === "TypeError") return { retryable: false, reason: message };
  return { retryable: true, reason: code ? `${code}: ${message}` : message };
}

export function failure(
  err: unknown,
  secrets: Record<string, unknown>,
  classified = classifyError(err),
): DeliveryResult {
  return { ok: false, retryable: classified.retryable, error: redact(classified.reason, secrets, ERROR_CHARS) };
}

/** An http(s) URL without credentials (user:password@ would be sent nowhere safe). */
export const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => {
    // zod runs this refinement even when the URL check above failed: a string that does not parse is that
    // check's error to report, not a thrown TypeError here.
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return url.username === "" && url.password === "";
  }, "the URL must not contain a user name or password");

/** PagerDuty's severities, by priority. */
export const SEVERITY_BY_PRIORITY = { P1: "critical", P2: "error", P3: "warning", P4: "info" } as const;

/** The settings of a channel whose every setting is a secret (Slack, Teams: the URL is the credential). */
export const noConfigSchema = z.object({});
