// The owner's Settings page (R3 reminders, with the other business settings): saved on the server
// with an Idempotency-Key, still there after a reload; a front-desk user sees no Settings at all.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { BASE_URL, launch, shot, signIn } from "./browser.js";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

const reminderSwitch = () =>
  page.getByRole("switch", { name: "E-mail customers before their package expires" });
const days = () => page.getByRole("textbox", { name: "Days before expiry" });

async function saveSettings(): Promise<Record<string, string>> {
  const request = page.waitForRequest(
    (r) => r.url().endsWith("/api/v1/business/settings") && r.method() === "PATCH",
  );
  await page.getByRole("button", { name: "Save settings" }).click();
  const headers = (await request).headers();
  await page.getByText("Settings saved.").waitFor();
  return headers;
}

async function serverSettings(): Promise<{ reminderDaysBeforeExpiry: number | null }> {
  return page.evaluate(async () => {
    const r = await fetch("/api/v1/business", { credentials: "same-origin" });
    return ((await r.json()) as { settings: { reminderDaysBeforeExpiry: number | null } }).settings;
  });
}

it("the owner turns reminders off, then sets them to 7 days; after a reload the page shows 7", async () => {
  await signIn(page, "owner@demo.carnet.test");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();

  // Start from "off", so that seeing 7 afterwards proves the save.
  if (await reminderSwitch().isChecked()) {
    await reminderSwitch().click({ force: true });
    const headers = await saveSettings();
    expect(headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
  }
  await page.reload();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  expect(await reminderSwitch().isChecked()).toBe(false);
  expect(await days().isDisabled()).toBe(true);
  expect(await page.getByTestId("reminder-summary").textContent()).toBe("Reminders are off.");
  expect((await serverSettings()).reminderDaysBeforeExpiry).toBeNull();

  await reminderSwitch().click({ force: true });
  await days().fill("7");
  expect(await page.getByTestId("reminder-summary").textContent()).toBe(
    "Customers are reminded 7 days before expiry.",
  );
  const headers = await saveSettings();
  expect(headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers["x-csrf-token"]).toBeTruthy();
  await shot(page, "settings-reminders");

  await page.reload();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  expect(await reminderSwitch().isChecked()).toBe(true);
  expect(await days().inputValue()).toBe("7");
  expect((await serverSettings()).reminderDaysBeforeExpiry).toBe(7);
});

it("a front-desk user sees no Settings link, and the address leads back to customers", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await page.getByRole("link", { name: "Customers" }).waitFor();
  expect(await page.getByRole("link", { name: "Settings" }).count()).toBe(0);
  await page.goto(`${BASE_URL}/settings`);
  await page.waitForURL(/\/customers$/);
  expect(await page.getByRole("heading", { name: "Settings" }).count()).toBe(0);
});
