import { z } from "zod";

/** The only place the demo estate reads the environment (zod only: no other dependencies). */
export const env = z
  .object({
    DEMO_ESTATE_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
    DEMO_ESTATE_HOST: z.string().min(1).default("127.0.0.1"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .parse(process.env);
