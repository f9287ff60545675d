import { performance } from "node:perf_hooks";
import { errors } from "undici";
import { z } from "zod";
import type { Probe, ProbeContext, ProbeResult } from "../probe.ts";
import { ssrfFailureMessage } from "../ssrf.ts";
import { guardedRequest } from "./guarded-request.ts";

export const HttpProbeConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  method: z.enum(["GET", "HEAD"]).default("GET"),
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
      return ssrfFailureMessage(err);
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

    try {
      // Every hop: host resolved once by the guard, socket pinned to that address, redirects re-checked.
      const res = await guardedRequest({
        url: config.url,
        method: config.method,
        headers: { "user-agent": USER_AGENT },
        maxRedirects: config.maxRedirects,
        maxBodyBytes: config.maxBodyBytes,
        guard: ctx.ssrf,
        signal: ac.signal,
        timeoutMs: ctx.timeoutMs,
        maxHeaderBytes: MAX_HEADER_BYTES,
      });
      const latencyMs = elapsed();
      const ok = isExpected(res.statusCode, config.expectedStatus);
      const finalUrl = res.hops.length > 1 ? { finalUrl: res.finalUrl } : {};
      return ok
        ? { ok, latencyMs, statusCode: res.statusCode, ...finalUrl }
        : { ok, latencyMs, statusCode: res.statusCode, error: `unexpected status ${res.statusCode}`, ...finalUrl };
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
    }
  },
};
