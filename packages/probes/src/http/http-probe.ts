import { performance } from "node:perf_hooks";
import { z } from "zod";
import { describeUnknownError, ProbeTimeoutError } from "../common/probe-run.ts";
import { URL_CREDENTIALS_MESSAGE, urlHasCredentials } from "../common/schema.ts";
import type { Probe, ProbeContext, ProbeResult } from "../probe.ts";
import { ssrfFailureMessage } from "../ssrf.ts";
import {
  checkJsonPath,
  checkKeyword,
  checkRegex,
  compileRegex,
  JSON_PATH_OPS,
  MAX_JSON_PATH_LENGTH,
  MAX_REGEX_LENGTH,
  parseJsonPath,
  REGEX_FLAGS,
  RegexTimeoutError,
} from "./assertions.ts";
import { guardedRequest } from "./guarded-request.ts";

/** Hop-by-hop headers, and headers the probe owns (Host, framing): a monitor may not set them. */
const FORBIDDEN_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "expect",
  "http2-settings",
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_REQUEST_BODY_BYTES = 64 * 1024;

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const HttpHeaders = z.record(z.string(), z.string()).superRefine((h, ctx) => {
  const names = Object.keys(h);
  if (names.length > 32) ctx.addIssue({ code: "custom", message: "At most 32 request headers" });
  const seen = new Set<string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    const value = h[name] ?? "";
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: [name], message });
    if (!HEADER_NAME.test(name) || name.length > 256)
      issue(`Header name ${JSON.stringify(name.slice(0, 40))} is not valid`);
    else if (FORBIDDEN_HEADERS.has(lower)) {
      issue(
        `${name}: Host, Content-Length, Expect and hop-by-hop headers (Connection, Transfer-Encoding, ...) cannot be set`,
      );
    }
    if (seen.has(lower)) issue(`Header ${name} is set twice (names are case-insensitive)`);
    seen.add(lower);
    if (value.length > 8192) issue(`Header ${name}: value is too long (8192 characters max)`);
    if (/[\r\n\0]/.test(value)) issue(`Header ${name}: value cannot contain line breaks or NUL`);
    // HTTP/1.1 field values are bytes: the probe sends Latin-1 and refuses anything wider at run time.
    else if (/[\u0100-\uffff]/.test(value)) {
      issue(`Header ${name}: value may only contain Latin-1 characters (encode others, e.g. percent-encoding)`);
    }
  }
});

export const HttpProbeConfig = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .refine((u) => !urlHasCredentials(u), { message: URL_CREDENTIALS_MESSAGE }),
    method: z.enum(HTTP_METHODS, { message: `Method must be one of ${HTTP_METHODS.join(", ")}` }).default("GET"),
    /** Request headers (User-Agent may be overridden; Host and hop-by-hop headers may not). */
    headers: HttpHeaders.optional().describe("Request headers; Host and hop-by-hop headers cannot be set."),
    /** Request body (not with GET/HEAD); set Content-Type in `headers`. */
    body: z
      .string()
      .max(MAX_REQUEST_BODY_BYTES, "Request body is at most 64 KiB")
      .refine((b) => Buffer.byteLength(b) <= MAX_REQUEST_BODY_BYTES, { message: "Request body is at most 64 KiB" })
      .optional()
      .describe("Sent with POST, PUT, PATCH, DELETE or OPTIONS; set Content-Type in the headers."),
    /** Status codes that count as up (of the final response); default any 2xx or 3xx. */
    expectedStatus: z.array(z.number().int().min(100).max(599)).min(1).max(50).optional(),
    /** Read at most this many body bytes, then drop the connection. */
    maxBodyBytes: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(64 * 1024),
    /** Redirects to follow, each hop re-checked by the SSRF guard; 0 = judge the first response. */
    maxRedirects: z.number().int().min(0).max(10).default(5),
    /** Body must contain (or, with keywordMode "absent", must not contain) this text; empty = no check. */
    keyword: z
      .string()
      .max(1024, "Keyword is at most 1024 characters")
      .optional()
      .describe("Text the response body must contain (or must not, with keyword mode absent)."),
    keywordMode: z.enum(["present", "absent"]).default("present"),
    keywordCaseSensitive: z.boolean().default(true),
    /** A JavaScript regular expression the body must (or must not) match; empty = no check. */
    regex: z
      .string()
      .max(MAX_REGEX_LENGTH, `Regex is at most ${MAX_REGEX_LENGTH} characters`)
      .optional()
      .describe("JavaScript regular expression the body must match (or must not, with regex mode absent)."),
    /** Regex flags: any of i, m, s, u. */
    regexFlags: z.string().regex(REGEX_FLAGS, "Regex flags may be i, m, s and u, each once").optional(),
    regexMode: z.enum(["present", "absent"]).default("present"),
    /** JSON path into the body ($.a.b[0]["c-d"]) compared with jsonPathExpected by jsonPathOp; empty = no check. */
    jsonPath: z
      .string()
      .max(MAX_JSON_PATH_LENGTH, `JSON path is at most ${MAX_JSON_PATH_LENGTH} characters`)
      .optional()
      .describe('Path into a JSON body, e.g. $.status or $.items[0]["state"]'),
    jsonPathOp: z.enum(JSON_PATH_OPS).default("exists"),
    jsonPathExpected: z.string().max(1024, "Expected value is at most 1024 characters").optional(),
    /** HTTPS: fewer whole days than this before the certificate's notAfter → fail ("certificate expires in N days"). */
    certExpiryWarningDays: z
      .number()
      .int("Expiry warning must be whole days")
      .min(0, "Expiry warning days cannot be negative")
      .max(365, "Expiry warning is at most 365 days")
      .default(14),
    /** HTTPS: extra trusted CA certificates (PEM), added to the system roots (private PKI, tests). */
    ca: z
      .string()
      .max(64 * 1024, "CA bundle is too large (64 KiB max)")
      .refine((s) => s.includes("-----BEGIN CERTIFICATE-----"), { message: "CA must be PEM certificates" })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.regex) {
      try {
        compileRegex(c.regex, c.regexFlags);
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["regex"], message: `Invalid regex: ${(err as Error).message}` });
      }
    }
    if (c.jsonPath) {
      try {
        parseJsonPath(c.jsonPath);
      } catch (err) {
        ctx.addIssue({ code: "custom", path: ["jsonPath"], message: `Invalid JSON path: ${(err as Error).message}` });
      }
      if (c.jsonPathOp !== "exists" && c.jsonPathExpected === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["jsonPathExpected"],
          message: `An expected value is needed for "${c.jsonPathOp}"`,
        });
      }
      if (
        ["lt", "le", "gt", "ge"].includes(c.jsonPathOp) &&
        (c.jsonPathExpected ?? "").trim() !== "" &&
        !Number.isFinite(Number(c.jsonPathExpected))
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["jsonPathExpected"],
          message: `"${c.jsonPathOp}" compares numbers: the expected value must be a number`,
        });
      }
    }
    if (c.keyword || c.regex || c.jsonPath) {
      if (c.method === "HEAD") {
        ctx.addIssue({ code: "custom", path: ["method"], message: "A HEAD response has no body to check" });
      }
      if (c.maxBodyBytes === 0) {
        ctx.addIssue({ code: "custom", path: ["maxBodyBytes"], message: "Body checks need maxBodyBytes above 0" });
      }
    }
    if (c.body && (c.method === "GET" || c.method === "HEAD")) {
      ctx.addIssue({ code: "custom", path: ["body"], message: `A request body cannot be sent with ${c.method}` });
    }
  });
export type HttpProbeConfig = z.infer<typeof HttpProbeConfig>;

const MAX_HEADER_BYTES = 16 * 1024;
const USER_AGENT = "Steward-Probe/1.0";

/** User-Agent by default; the monitor's headers (lower-cased names) on top. */
function requestHeaders(extra: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { "user-agent": USER_AGENT };
  if (extra) for (const [k, v] of Object.entries(extra)) out[k.toLowerCase()] = v;
  return out;
}

interface Prepared {
  url: URL;
  headers: Record<string, string>;
  collectBody: boolean;
}
/**
 * What every run of a config needs, derived once per config object: a parsed config is never modified,
 * and the worker keeps it across runs (its monitor cache). Neither value is modified by a request.
 */
const prepared = new WeakMap<HttpProbeConfig, Prepared>();
function prepare(config: HttpProbeConfig): Prepared {
  let p = prepared.get(config);
  if (!p) {
    p = {
      url: new URL(config.url),
      headers: requestHeaders(config.headers),
      collectBody: Boolean(config.keyword || config.regex || config.jsonPath),
    };
    prepared.set(config, p);
  }
  return p;
}

function isExpected(status: number, expected: readonly number[] | undefined): boolean {
  return expected ? expected.includes(status) : status >= 200 && status < 400;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function elapsedMs(start: number): number {
  return Math.max(0, Math.round(performance.now() - start));
}

function earliest(certs: readonly { validTo: Date }[]): Date | undefined {
  let min: Date | undefined;
  for (const c of certs) if (!Number.isNaN(c.validTo.getTime()) && (!min || c.validTo < min)) min = c.validTo;
  return min;
}

/**
 * Same rule and wording as the TLS probe: a verified certificate with fewer whole days left than the
 * warning is a failure (ProbeResult has no warning channel; an expiring certificate must alert before the
 * outage). An already expired or untrusted certificate never gets here: the handshake fails first.
 */
function checkCertExpiry(validTo: Date | undefined, warningDays: number): string | undefined {
  if (!validTo) return undefined;
  const daysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
  return daysLeft < warningDays ? `certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}` : undefined;
}

const CERT_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: "certificate expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate, not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in chain, not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate chain is incomplete or untrusted",
  UNABLE_TO_GET_ISSUER_CERT: "certificate chain is incomplete or untrusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "certificate chain is incomplete or untrusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate is not valid for this host name",
  CERT_REVOKED: "certificate revoked",
};

/**
 * Keyword, regex and JSON-path assertions on the body read (at most maxBodyBytes, ≤ 1 MiB), in that order;
 * the first that fails is the probe's error. The body is decoded as UTF-8.
 */
function checkBody(config: HttpProbeConfig, body: Buffer): string | undefined {
  if (!config.keyword && !config.regex && !config.jsonPath) return undefined;
  const text = body.toString("utf8");
  if (config.keyword) {
    const e = checkKeyword(text, config.keyword, {
      absent: config.keywordMode === "absent",
      caseSensitive: config.keywordCaseSensitive,
    });
    if (e) return e;
  }
  if (config.regex) {
    try {
      const e = checkRegex(text, compileRegex(config.regex, config.regexFlags), {
        absent: config.regexMode === "absent",
      });
      if (e) return e;
    } catch (err) {
      if (err instanceof RegexTimeoutError) return err.message;
      throw err;
    }
  }
  if (config.jsonPath) return checkJsonPath(text, config.jsonPath, config.jsonPathOp, config.jsonPathExpected);
  return undefined;
}

/** Network-level failures of the target (not of the prober): these are `fail`, never `unknown`. */
function describeTargetError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `DNS lookup failed (${code})`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ESSRFBLOCKED":
      return ssrfFailureMessage(err);
    case "EHEADERSTOOLARGE":
      return "response headers too large";
    case "EHTTPPROTOCOL":
      return `invalid HTTP response: ${e.message}`.slice(0, 300);
    default:
      if (code && Object.hasOwn(CERT_ERRORS, code)) return `${CERT_ERRORS[code]} (${code})`;
      return describeUnknownError(err);
  }
}

/** Local resource problems mean the probe could not run: report unknown. */
const LOCAL_ERROR_CODES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

/**
 * HTTP(S) probe. One request (method, headers, body) through the SSRF guard, redirects followed by hand and
 * each hop re-checked (guarded-request.ts). Up when, in this order: the final status is expected (default
 * 2xx/3xx); the keyword / regex / JSON-path assertions on the body hold (assertions.ts); and, for HTTPS, every
 * hop's certificate has at least `certExpiryWarningDays` whole days left (`certExpiresAt` reports the
 * earliest). The first failing check is the error.
 *
 * DEGRADED is not decided here: a probe reports ok + latencyMs, and the monitor's `degradedThresholdMs`
 * (domain `resultStateOf`, applied by the worker for every kind) turns a slow ok into DEGRADED. An HTTP
 * latency threshold is that monitor field, so it is not duplicated in this config.
 */
export const httpProbe: Probe<"HTTP", typeof HttpProbeConfig> = {
  kind: "HTTP",
  configSchema: HttpProbeConfig,
  async run(config, ctx: ProbeContext): Promise<ProbeResult> {
    const start = performance.now();
    try {
      const { url, headers: configured, collectBody } = prepare(config);
      // The slot and region of a scheduled run (ProbeContext.run); the monitor's own headers win.
      const headers = ctx.run
        ? {
            "steward-probe": `slot=${new Date(ctx.run.scheduledAt).toISOString()}; region=${ctx.run.region}`,
            ...configured,
          }
        : configured;
      // Every hop: host resolved once by the guard, socket pinned to that address, redirects re-checked;
      // the whole exchange (every hop) runs under one deadline of ctx.timeoutMs, aborted by ctx.signal.
      const res = await guardedRequest({
        url,
        method: config.method,
        headers,
        ...(config.body ? { body: config.body } : {}),
        maxRedirects: config.maxRedirects,
        maxBodyBytes: config.maxBodyBytes,
        collectBody,
        guard: ctx.ssrf,
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
        maxHeaderBytes: MAX_HEADER_BYTES,
        // Verification stays on; a private CA is added to (never replaces) the system roots.
        ...(config.ca ? { tls: { ca: config.ca } } : {}),
      });
      const latencyMs = elapsedMs(start);
      const finalUrl = res.hops.length > 1 ? { finalUrl: res.finalUrl } : {};
      const cert = earliest(res.certificates);
      const certExpiresAt = cert ? { certExpiresAt: cert.toISOString() } : {};
      const error =
        (isExpected(res.statusCode, config.expectedStatus)
          ? checkBody(config, res.body)
          : `unexpected status ${res.statusCode}`) ?? checkCertExpiry(cert, config.certExpiryWarningDays);
      return error
        ? { ok: false, latencyMs, statusCode: res.statusCode, error, ...finalUrl, ...certExpiresAt }
        : { ok: true, latencyMs, statusCode: res.statusCode, ...finalUrl, ...certExpiresAt };
    } catch (err) {
      const latencyMs = elapsedMs(start);
      if (ctx.signal.aborted) return { ok: false, unknown: true, latencyMs, error: "probe aborted (worker stopping)" };
      if (err instanceof ProbeTimeoutError) return { ok: false, latencyMs, error: `timeout after ${ctx.timeoutMs} ms` };
      const code = (err as { code?: string })?.code;
      if (code && LOCAL_ERROR_CODES.has(code)) {
        return { ok: false, unknown: true, latencyMs, error: `local resource error (${code})` };
      }
      return { ok: false, latencyMs, error: describeTargetError(err) };
    }
  },
};
