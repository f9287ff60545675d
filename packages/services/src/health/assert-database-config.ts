import { databaseUrls } from "@steward/db";

/**
 * Start-up check for the apps (fail closed): resolves the role URLs once, which throws under
 * NODE_ENV=production when a role would connect with its built-in password (ADR 0015). Call it before
 * serving, so a misconfigured process refuses to start instead of failing on its first request.
 */
export function assertDatabaseConfig(): void {
  databaseUrls();
}
