import { z } from "zod";

/** The only place @steward/api reads the environment. */
const Env = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});

export const env = Env.parse({
  NODE_ENV: process.env.NODE_ENV || undefined,
});
export const isProduction = env.NODE_ENV === "production";
