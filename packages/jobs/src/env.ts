import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/** The only place @steward/jobs reads the environment. */
export const env = createEnv({
  server: {
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
    /** BullMQ key prefix; tests give every suite its own. */
    REDIS_PREFIX: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only")
      .default("steward"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
