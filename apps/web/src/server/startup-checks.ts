import { assertDatabaseConfig } from "@steward/services";
import { authSecret } from "../env.ts";

/** Throws when the web must not start (see instrumentation.ts). */
export function runStartupChecks(): void {
  if (!authSecret) throw new Error("AUTH_SECRET is empty");
  assertDatabaseConfig();
}
