import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

export const PASSWORD = "Steward-demo-1";
export const USERS = {
  providerAdmin: "provider-admin@steward.test",
  engineer: "engineer@steward.test",
  manager: "manager@steward.test",
  unscoped: "unscoped@steward.test",
  acmeAdmin: "admin@acme.test",
  acmeViewer: "viewer@acme.test",
  globexAdmin: "admin@globex.test",
  initechAdmin: "admin@initech.test",
} as const;

/** Screenshots for people to look at (light and dark), under apps/web/test-results/screens. */
export const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test-results/screens");
mkdirSync(SCREENS, { recursive: true });

export const DEMO_ESTATE_URL = process.env.DEMO_ESTATE_URL ?? "http://127.0.0.1:4100";

interface Fixtures {
  /** Console messages (type error) matching one of these are expected in this test. */
  allowedConsole: RegExp[];
  // biome-ignore lint/suspicious/noConfusingVoidType: Playwright auto fixtures provide nothing
  failOnConsoleErrors: void;
}

export const test = base.extend<Fixtures>({
  allowedConsole: [[], { option: true }],
  failOnConsoleErrors: [
    async ({ page, allowedConsole }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" && !allowedConsole.some((re) => re.test(msg.text())))
          errors.push(`console: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      await use();
      expect(errors, "the browser logged errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Sign in through the login form and wait for the landing page. */
export async function loginAs(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await expect(page.getByRole("button", { name: "Account menu" })).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
}

/** axe on the current page: no serious or critical violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 5)
          .join(", ")}`,
    ),
    `axe violations on ${page.url()}`,
  ).toEqual([]);
}

/** Call a tRPC mutation with the page's session (same origin, like the app does). */
export async function trpcMutation<T = unknown>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, {
    data: { json: input },
    headers: { "content-type": "application/json", origin: new URL(page.url()).origin },
  });
  const body = (await res.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!res.ok() || !body.result)
    throw new Error(`tRPC ${path} failed (${res.status()}): ${JSON.stringify(body.error ?? body)}`);
  return body.result.data?.json as T;
}

/** Set a demo-estate target's answer (status 200 or 503). */
export async function setTarget(page: Page, name: string, status: 200 | 503): Promise<void> {
  const res = await page.request.post(`${DEMO_ESTATE_URL}/control/${name}`, { data: { status } });
  expect(res.ok(), `demo estate control ${name} → ${status}`).toBeTruthy();
}

/** Screenshot the page in light and dark (under SCREENS) and check each with axe. */
export async function shoot(page: Page, name: string): Promise<void> {
  // No toast in flight (they animate over the page), and from the top (the header is sticky).
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 15_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveClass(new RegExp(scheme === "dark" ? "\\bdark\\b" : "\\blight\\b"));
    await page.screenshot({ path: path.join(SCREENS, `${name}-${scheme}.png`), fullPage: true });
    await expectAccessible(page);
  }
}
