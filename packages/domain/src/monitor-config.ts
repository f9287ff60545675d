import { z } from "zod";

/** 200…399: every success and redirect status. */
export const DEFAULT_EXPECTED_STATUS: readonly number[] = Array.from({ length: 200 }, (_, i) => 200 + i);

/**
 * The `config` of an HTTP monitor (monitors.config). Shared by the service that writes it and the probe
 * that reads it. Non-secret by design: no credentials in here.
 */
export const HttpMonitorConfig = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  expectedStatus: z
    .array(z.int().min(100).max(599))
    .min(1)
    .max(500)
    .default(() => [...DEFAULT_EXPECTED_STATUS]),
});
export type HttpMonitorConfig = z.infer<typeof HttpMonitorConfig>;

export const MONITOR_MIN_INTERVAL_SECONDS = 10;
export const MONITOR_MAX_INTERVAL_SECONDS = 24 * 60 * 60;
