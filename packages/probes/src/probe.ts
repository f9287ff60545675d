import type { z } from "zod";
import type { SsrfGuard } from "./ssrf.ts";

export interface ProbeContext {
  /** Aborted when the worker shuts down; an aborted probe reports `unknown`, never a failure. */
  signal: AbortSignal;
  /** Deadline for the whole probe (DNS, connect, headers, body). */
  timeoutMs: number;
  ssrf: SsrfGuard;
  /**
   * The scheduled run this probe is (absent for "test now"): protocols that can carry it tell the target
   * (HTTP: a `Steward-Probe: slot=<ISO time>; region=<region>` request header), so a target can recognise
   * a re-run of the same slot.
   */
  run?: { scheduledAt: number; region: string };
}

/**
 * The outcome of one probe.
 *  - ok: the target answered as expected;
 *  - !ok && !unknown: the target failed (refused, timed out, wrong status, DNS name missing, blocked);
 *  - unknown: the probe itself could not run (worker shutting down, local resource exhaustion, a bug):
 *    it says nothing about the target and never counts as up or down.
 */
export interface ProbeResult {
  ok: boolean;
  unknown?: boolean;
  /** Elapsed time of the probe in ms. */
  latencyMs: number;
  statusCode?: number;
  error?: string;
  /** HTTP: the URL of the final response when redirects were followed. */
  finalUrl?: string;
  /** HTTPS (and TLS): notAfter of the server certificate, ISO 8601 (the earliest one across redirect hops). */
  certExpiresAt?: string;
}

export interface Probe<Kind extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly kind: Kind;
  readonly configSchema: Schema;
  run(config: z.infer<Schema>, ctx: ProbeContext): Promise<ProbeResult>;
}
