import { z } from "zod";

/** The only place @steward/api reads the environment. */
const Env = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** SSRF allowlist for "test now" probes (comma-separated CIDRs); default as the worker: loopback outside production. */
  PROBE_ALLOWED_CIDRS: z.string().optional(),
});

export const env = Env.parse({
  NODE_ENV: process.env.NODE_ENV || undefined,
  PROBE_ALLOWED_CIDRS: process.env.PROBE_ALLOWED_CIDRS || undefined,
});
export const isProduction = env.NODE_ENV === "production";

export function probeAllowedCidrs(): string[] {
  return (env.PROBE_ALLOWED_CIDRS ?? (isProduction ? "" : "127.0.0.0/8,::1/128"))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
