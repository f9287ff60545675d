import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import type { ProbeContext, ProbeResult } from "../probe.ts";
import { type PinnedAddress, resolvePinned, SsrfBlockedError, type SsrfGuard } from "../ssrf.ts";
import { onAbort } from "./abort.ts";

/** Local resource problems mean the probe could not run: report unknown. */
const LOCAL_ERROR_CODES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

/** A failure of the target that the probe already described in words. */
export class TargetError extends Error {
  readonly code = "ETARGET";
}

/** The prober could not run (missing binary, local fault): `unknown`, never evidence about the target. */
export class ProbeInfraError extends Error {
  readonly code = "EPROBEINFRA";
}

export class ProbeTimeoutError extends Error {
  readonly code = "EPROBETIMEOUT";
}

export interface ProbeRun {
  /** Aborted at the deadline or when the worker stops; pass it to every awaitable step. */
  readonly signal: AbortSignal;
  elapsed(): number;
  /** Register a cleanup (destroy a socket, kill a child); run on abort and at the end, once each. */
  defer(fn: () => void): void;
  /** Races a step against the deadline/abort (for APIs without an AbortSignal). */
  race<T>(p: Promise<T>): Promise<T>;
}

/**
 * Runs one probe body with a single deadline timer + controller (same shape as the HTTP probe) and maps
 * errors onto the ok / fail / unknown semantics of probe.ts:
 *  - worker shutdown (ctx.signal) → unknown; deadline → fail "timeout after N ms";
 *  - local resource exhaustion, ProbeInfraError → unknown; everything else → fail with a short message.
 * Every deferred cleanup runs before the promise settles, so no socket or child outlives the probe.
 */
export async function runProbe(
  ctx: ProbeContext,
  body: (run: ProbeRun) => Promise<Omit<ProbeResult, "latencyMs"> & { latencyMs?: number }>,
): Promise<ProbeResult> {
  const start = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - start));
  const ac = new AbortController();
  let timedOut = false;
  const cleanups: (() => void)[] = [];
  const runCleanups = () => {
    for (const fn of cleanups.splice(0)) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(new ProbeTimeoutError(`timeout after ${ctx.timeoutMs} ms`));
  }, ctx.timeoutMs);
  // ctx.signal is shared by every probe in flight: join its fan-out (O(1)) rather than add a listener.
  const offParent = onAbort(ctx.signal, () => ac.abort(ctx.signal.reason));
  ac.signal.addEventListener("abort", runCleanups, { once: true });

  const run: ProbeRun = {
    signal: ac.signal,
    elapsed,
    defer(fn) {
      if (ac.signal.aborted) {
        try {
          fn();
        } catch {}
      } else cleanups.push(fn);
    },
    race<T>(p: Promise<T>): Promise<T> {
      if (ac.signal.aborted) {
        p.catch(() => {});
        return Promise.reject(ac.signal.reason);
      }
      return new Promise<T>((resolve, reject) => {
        const onAbortRace = () => reject(ac.signal.reason);
        ac.signal.addEventListener("abort", onAbortRace, { once: true });
        p.then(
          (v) => {
            ac.signal.removeEventListener("abort", onAbortRace);
            resolve(v);
          },
          (e) => {
            ac.signal.removeEventListener("abort", onAbortRace);
            reject(e);
          },
        );
      });
    },
  };

  try {
    if (ac.signal.aborted) throw ac.signal.reason;
    const r = await body(run);
    const latencyMs = r.latencyMs ?? elapsed();
    if (ctx.signal.aborted) return { ok: false, unknown: true, latencyMs, error: "probe aborted (worker stopping)" };
    return { ...r, latencyMs };
  } catch (err) {
    const latencyMs = elapsed();
    if (ctx.signal.aborted) return { ok: false, unknown: true, latencyMs, error: "probe aborted (worker stopping)" };
    if (timedOut) return { ok: false, latencyMs, error: `timeout after ${ctx.timeoutMs} ms` };
    if (err instanceof ProbeInfraError) return { ok: false, unknown: true, latencyMs, error: err.message };
    const code = (err as { code?: string })?.code;
    if (code && LOCAL_ERROR_CODES.has(code)) {
      return { ok: false, unknown: true, latencyMs, error: `local resource error (${code})` };
    }
    return { ok: false, latencyMs, error: describeTargetError(err) };
  } finally {
    clearTimeout(timer);
    offParent();
    ac.signal.removeEventListener("abort", runCleanups);
    runCleanups();
  }
}

/** Network-level failures of the target (not of the prober): these are `fail`, never `unknown`. */
export function describeTargetError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_NODATA":
      return `DNS lookup failed (${code})`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "EHOSTUNREACH":
      return "host unreachable";
    case "ENETUNREACH":
      return "network unreachable";
    case "ESSRFBLOCKED":
      return `blocked by SSRF policy: ${e.message ?? e.cause?.message}`;
    default:
      return describeUnknownError(err);
  }
}

/** TLS verification codes of Node/OpenSSL (their messages can quote the certificate: never copied). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
/** A code is copied only when it is a short token (a SQLSTATE, errno or library code), never free text. */
const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,39}$|^[0-9A-Z]{5}$/;

/**
 * The catch-all of `describeTargetError`. Only words Steward wrote are copied: our own errors
 * (TargetError and the protocol errors of the HTTP reader, whose messages never quote the peer) and Node's
 * system errors (`syscall` set: "connect EHOSTUNREACH 10.0.0.1:5432" names the socket, not the server's
 * words). Anything else — a library error that may carry what the server sent — becomes a fixed text
 * plus its code (docs/security/probes.md).
 */
export function describeUnknownError(err: unknown): string {
  const e = err as { code?: unknown; message?: string; syscall?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (err instanceof TargetError || err instanceof ProbeInfraError) return (e.message ?? "").slice(0, 300);
  if (code === "EHTTPPROTOCOL") return `invalid response: ${e.message ?? ""}`.slice(0, 300);
  if (code === "EHEADERSTOOLARGE" || code === "EREDIRECT" || code === "EREGEXTIMEOUT") {
    return (e.message ?? "").slice(0, 300);
  }
  if (code && TLS_CODE.test(code)) return `TLS handshake failed (${code})`;
  if (typeof e?.syscall === "string" && code && SAFE_CODE.test(code)) return (e.message ?? code).slice(0, 300);
  return code && SAFE_CODE.test(code) ? `connection failed (${code})` : "connection failed";
}

/**
 * The guard's `resolvePinned` (every spelling normalised, every answer checked, one address pinned) under
 * this probe's deadline: connect to exactly the address returned. Throws SsrfBlockedError (→ fail
 * "blocked by SSRF policy") or the resolver's error (ENOTFOUND → fail).
 */
export function resolvePinnedWithin(
  host: string,
  ssrf: SsrfGuard,
  run: Pick<ProbeRun, "race" | "signal">,
  /** The port the probe connects to (null: a port-less probe such as ICMP). */
  port: number | null,
): Promise<PinnedAddress> {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return run.race(resolvePinned(h, ssrf, { signal: run.signal, port }));
}

/** Checks a literal IP host on `port` against the guard (sockets given a `lookup` skip it for literals). */
export function checkLiteralHost(host: string, ssrf: SsrfGuard, port: number): void {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (isIP(h)) {
    const reason = ssrf.check(h, port);
    if (reason) throw new SsrfBlockedError(h, reason);
  }
}
