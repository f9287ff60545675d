import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

/** Browser tests run against their own stack: a dedicated database and Redis prefix, free web port. */
const port = Number(process.env.E2E_WEB_PORT ?? 3217);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;

function e2eDatabaseUrl(): string {
  if (process.env.E2E_DATABASE_URL) return process.env.E2E_DATABASE_URL;
  const u = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/steward");
  u.pathname = "/steward_e2e";
  return u.toString();
}

/** The same database under another login role (steward_app / steward_system / steward_auth). */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = role;
  return u.toString();
}
const databaseUrl = e2eDatabaseUrl();

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results/output",
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
        command: "node scripts/stack.mjs",
        cwd: root,
        url: `${baseURL}/api/health/ready`,
        timeout: 600_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
        env: {
          DATABASE_URL: databaseUrl,
          // scripts/test.mjs passes the role URLs of the e2e database along; standalone runs derive them.
          APP_DATABASE_URL: process.env.E2E_DATABASE_URL
            ? (process.env.APP_DATABASE_URL ?? asRole(databaseUrl, "steward_app"))
            : asRole(databaseUrl, "steward_app"),
          SYSTEM_DATABASE_URL: process.env.E2E_DATABASE_URL
            ? (process.env.SYSTEM_DATABASE_URL ?? asRole(databaseUrl, "steward_system"))
            : asRole(databaseUrl, "steward_system"),
          AUTH_DATABASE_URL: process.env.E2E_DATABASE_URL
            ? (process.env.AUTH_DATABASE_URL ?? asRole(databaseUrl, "steward_auth"))
            : asRole(databaseUrl, "steward_auth"),
          WEB_PORT: String(port),
          WORKER_HEALTH_PORT: process.env.E2E_WORKER_HEALTH_PORT ?? String(port + 1),
          AUTH_URL: baseURL,
          REDIS_PREFIX: process.env.E2E_REDIS_PREFIX ?? "steward-e2e",
          LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
          // The login rate limit stays on (tested); generous enough for the suite's own logins.
          LOGIN_RATE_LIMIT: "5",
        },
      },
});
