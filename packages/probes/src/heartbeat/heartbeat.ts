import { z } from "zod";

export const HEARTBEAT_MAX_GRACE_SECONDS = 86_400;

/**
 * `config` of a HEARTBEAT (push) monitor. The push token is generated server-side and stored only as a
 * hash on the monitor row, never in the config. graceSeconds absent → 30 % of the interval.
 */
export const HeartbeatConfig = z.object({
  graceSeconds: z
    .int("Grace must be a whole number of seconds")
    .min(0, "Grace must be between 0 and 86400 seconds")
    .max(HEARTBEAT_MAX_GRACE_SECONDS, "Grace must be between 0 and 86400 seconds")
    .optional()
    .describe("Seconds a beat may be late before the monitor fails (default: 30% of the interval)"),
});
export type HeartbeatConfig = z.infer<typeof HeartbeatConfig>;

/** The grace in seconds: explicit, or 30 % of the interval (rounded up). */
export function heartbeatGraceSeconds(config: HeartbeatConfig, intervalSeconds: number): number {
  return config.graceSeconds ?? Math.ceil(intervalSeconds * 0.3);
}

export interface HeartbeatEvaluation {
  ok: boolean;
  /** Seconds since the last beat (or since creation when none arrived yet), floored. */
  silentSeconds: number;
  error?: string;
}

/**
 * A push monitor is ok while the last beat (or, before the first one, the monitor's creation) is at most
 * interval + grace old; otherwise it fails with "no heartbeat for N s".
 */
export function evaluateHeartbeat(input: {
  now: number;
  lastHeartbeatAt: Date | null;
  createdAt: Date;
  intervalSeconds: number;
  graceSeconds: number;
}): HeartbeatEvaluation {
  const since = (input.lastHeartbeatAt ?? input.createdAt).getTime();
  const silentMs = Math.max(0, input.now - since);
  const silentSeconds = Math.floor(silentMs / 1000);
  if (silentMs <= (input.intervalSeconds + input.graceSeconds) * 1000) return { ok: true, silentSeconds };
  return {
    ok: false,
    silentSeconds,
    error: input.lastHeartbeatAt ? `no heartbeat for ${silentSeconds} s` : `no heartbeat yet (${silentSeconds} s)`,
  };
}
