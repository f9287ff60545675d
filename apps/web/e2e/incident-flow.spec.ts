import path from "node:path";
import { DEMO_ESTATE_URL, expect, loginAs, SCREENS, setTarget, test, USERS } from "./fixtures.ts";

/**
 * The walking skeleton end to end: a monitor against the demo estate goes down → an incident opens →
 * a viewer sees it but cannot act → an engineer acknowledges → the target recovers → it resolves.
 */
test("monitor goes down → incident → acknowledge → recovery resolves it", async ({ page, browser }) => {
  test.setTimeout(300_000);
  const name = `e2e-${Date.now().toString(36)}`;
  await setTarget(page, name, 503);

  // Engineer (scope acme + globex) creates a 10-second monitor on acme through the UI.
  await loginAs(page, USERS.engineer);
  await page.goto("/t/acme");
  await page.getByRole("button", { name: "Add monitor" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add an HTTP monitor" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("URL").fill(`${DEMO_ESTATE_URL}/targets/${name}`);
  await dialog.getByRole("combobox", { name: "Check" }).click();
  await page.getByRole("option", { name: "Every 10 seconds" }).click();
  await dialog.getByRole("button", { name: "Create monitor" }).click();
  await expect(dialog).toBeHidden();
  const monitorRow = page.getByRole("row").filter({ hasText: name });
  await expect(monitorRow).toBeVisible();

  // The monitor goes DOWN (after its confirmations) and an incident opens; the page polls by itself.
  await expect(monitorRow.getByText("Down", { exact: true })).toBeVisible({ timeout: 150_000 });
  await page.goto("/t/acme/incidents?status=TRIGGERED");
  const incidentRow = page.getByRole("row").filter({ hasText: name });
  await expect(incidentRow).toBeVisible({ timeout: 60_000 });
  await incidentRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/t\/acme\/incidents\/[0-9a-f-]{36}$/);
  const incidentUrl = page.url();
  await expect(page.getByRole("button", { name: "Acknowledge" })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENS, "incident-triggered-engineer.png"), fullPage: true });

  // A client viewer of acme sees the incident but no acknowledge / resolve buttons.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await loginAs(viewer, USERS.acmeViewer);
  await viewer.goto(incidentUrl);
  await expect(viewer.getByText("Triggered").first()).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Resolve" })).toHaveCount(0);
  await expect(viewer.getByLabel("Add a note")).toHaveCount(0);
  await viewerContext.close();

  // The engineer acknowledges and adds a note.
  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect(page.locator("[data-incident-status=ACKNOWLEDGED]").first()).toBeVisible();
  await page.getByLabel("Add a note").fill("Looking into it (e2e).");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("list", { name: "Incident timeline" }).getByText("Looking into it (e2e).")).toBeVisible();

  // The target recovers → the worker resolves the incident; the detail page polls and shows it.
  await setTarget(page, name, 200);
  await expect(page.locator("[data-incident-status=RESOLVED]").first()).toBeVisible({ timeout: 150_000 });
  await expect(page.getByRole("button", { name: "Resolve" })).toHaveCount(0);
});
