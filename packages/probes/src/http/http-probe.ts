import { performance } from "node:perf_hooks";
import { Client, errors } from "undici";
import { z } from "zod";
import type { Probe, ProbeContext, ProbeResult } from "../probe.ts";

export const HttpProbeConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  /** Status codes that count as up; default any 2xx or 3xx (redirects are not followed). */
  expectedStatus: z.array(z.number().int().min(100).max(599)).min(1).max(50).optional(),
  /** Read at most this many body bytes, then drop the connection. */
  maxBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024)
    .default(64 * 1024),
});
export type HttpProbeConfig = z.infer<typeof HttpProbeConfig>;

const MAX_HEADER_BYTES = 16 * 1024;
const USER_AGENT = "Steward-Probe/1.0";

function isExpected(status: number, expected: readonly number[] | undefined): boolean {
  return expected ? expected.includes(status) : status >= 200 && status < 400;
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
    case "UND_ERR_SOCKET":
      return "connection reset";
    case "ESSRFBLOCKED":
      return `blocked by SSRF policy: ${e.message ?? e.cause?.message}`;
    case "UND_ERR_HEADERS_OVERFLOW":
      return "response headers too large";
    default:
      return (e?.message ?? String(err)).slice(0, 300);
  }
}

/** Local resource problems mean the probe could not run: report unknown. */
const LOCAL_ERROR_CODES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

export const httpProbe: Probe<"HTTP", typeof HttpProbeConfig> = {
  kind: "HTTP",
  configSchema: HttpProbeConfig,
  async run(config, ctx: ProbeContext): Promise<ProbeResult> {
    const start = performance.now();
    const elapsed = () => Math.max(0, Math.round(performance.now() - start));
    const url = new URL(config.url);
    // Literal IP hosts skip DNS, so the socket-level lookup guard never sees them: check here.
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (/^[\d.]+$/.test(host) || host.includes(":")) {
      const reason = ctx.ssrf.check(host);
      if (reason) return { ok: false, latencyMs: elapsed(), error: `blocked by SSRF policy: ${host} (${reason})` };
    }

    // One controller + one timer (cheaper than AbortSignal.any/timeout on the hot path).
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, ctx.timeoutMs);
    const onAbort = () => ac.abort();
    if (ctx.signal.aborted) ac.abort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
    const signal = ac.signal;

    // One connection per probe (no keep-alive pool): each probe measures a full connect.
    const client = new Client(url.origin, {
      connect: { lookup: ctx.ssrf.lookup, timeout: ctx.timeoutMs, keepAlive: false },
      connectTimeout: ctx.timeoutMs,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
      maxHeaderSize: MAX_HEADER_BYTES,
      pipelining: 1,
      allowH2: false,
    });
    try {
      const res = await client.request({
        method: config.method,
        path: `${url.pathname}${url.search}`,
        headers: { "user-agent": USER_AGENT, accept: "*/*", connection: "close" },
        signal,
      });
      // Read (and discard) at most maxBodyBytes; never buffer an unbounded body.
      let read = 0;
      try {
        for await (const chunk of res.body) {
          read += (chunk as Buffer).length;
          if (read >= config.maxBodyBytes) break;
        }
      } finally {
        if (!res.body.destroyed) res.body.destroy();
      }
      const latencyMs = elapsed();
      const ok = isExpected(res.statusCode, config.expectedStatus);
      return ok
        ? { ok, latencyMs, statusCode: res.statusCode }
        : { ok, latencyMs, statusCode: res.statusCode, error: `unexpected status ${res.statusCode}` };
    } catch (err) {
      const latencyMs = elapsed();
      if (ctx.signal.aborted) return { ok: false, unknown: true, latencyMs, error: "probe aborted (worker stopping)" };
      if (timedOut || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
        return { ok: false, latencyMs, error: `timeout after ${ctx.timeoutMs} ms` };
      }
      if (err instanceof errors.ConnectTimeoutError) return { ok: false, latencyMs, error: "connect timeout" };
      const code = (err as { code?: string })?.code;
      if (code && LOCAL_ERROR_CODES.has(code)) {
        return { ok: false, unknown: true, latencyMs, error: `local resource error (${code})` };
      }
      return { ok: false, latencyMs, error: describeTargetError(err) };
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onAbort);
      client.destroy().catch(() => {});
    }
  },
};
