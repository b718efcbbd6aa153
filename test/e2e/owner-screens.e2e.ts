// Item 11 and U2 for the signed-out pages and the owner's screens: the first load of the sign-in page
// logs no error in the browser's console (nobody signed in is an answer, not a 401), and sign-in,
// settings, staff, catalog and import read in Hungarian at 390 px with no missing translation and
// nothing wider than the phone.
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiIn, BASE_URL, launch, pageAt, shot, shotForDocs, signIn } from "./browser.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());

/** Every error the page logs to its console, and every script error it throws. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** The owner's screens this test looks at, and what shows once each has loaded. */
const SCREENS = [
  { path: "/settings", hu: "Beállítások", name: "settings", ready: "reminder-summary" },
  { path: "/staff", hu: "Munkatársak", name: "staff", ready: "staff-member" },
  { path: "/catalog?tab=services", hu: "Kínálat", name: "catalog", ready: "catalog-item" },
  { path: "/catalog?tab=templates", hu: "Kínálat", name: "catalog-templates", ready: "template-card" },
  { path: "/catalog?tab=locations", hu: "Kínálat", name: "catalog-locations", ready: "location-card" },
  { path: "/catalog?tab=commission", hu: "Kínálat", name: "catalog-commission", ready: "commission-staff" },
  { path: "/import", hu: "Import és export", name: "import", ready: "example-file" },
];

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

it("item 11: the first load of the sign-in page logs no error in the console", async () => {
  for (const width of [1440, 390]) {
    const page = await pageAt(browser, width);
    const errors = consoleErrors(page);
    const answers: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/v1/auth/")) answers.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${BASE_URL}/`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
    // "Who is signed in?" was asked, and "nobody" came back as an answer, not as a refusal.
    expect(answers).toContain("200 /api/v1/auth/session");
    expect(answers.filter((a) => !a.startsWith("2"))).toEqual([]);
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);
    await shot(page, `sign-in-${width}`);
    await page.context().close();
  }
});

it("item 11: after signing out, the sign-in page again logs no error", async () => {
  const page = await pageAt(browser, 1440);
  await signIn(page, "desk@demo.carnet.test");
  const errors = consoleErrors(page);
  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
  await page.context().close();
});

it("U2: the owner's screens in Hungarian at 390 px: every word translated, nothing wider than the phone", async () => {
  const page = await pageAt(browser, 390);
  await signIn(page, "owner@demo.carnet.test");
  expect((await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" })).status).toBe(200);
  const errors = consoleErrors(page);
  try {
    for (const screen of SCREENS) {
      await page.goto(`${BASE_URL}${screen.path}`);
      await page.getByRole("heading", { name: screen.hu, exact: true }).waitFor();
      await page.getByTestId(screen.ready).first().waitFor();
      expect(await pageWidth(page), screen.path).toBeLessThanOrEqual(390);
      await shotForDocs(page, `${screen.name}-hu-390`);
    }
    // A form and a dialog of each, where words are the longest.
    await page.goto(`${BASE_URL}/catalog?tab=templates`);
    await page.getByRole("button", { name: "Új bérlet vagy csomag" }).click();
    await page.getByRole("dialog").getByText("Mennyit ér egy alkalom").waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await shot(page, "catalog-template-form-hu-390");
    await page.goto(`${BASE_URL}/staff`);
    await page
      .getByRole("button", { name: /munkaideje$/ })
      .first()
      .click();
    await page.getByRole("dialog").getByText("Hétfő", { exact: true }).waitFor();
    await shot(page, "staff-working-hours-hu-390");
    expect(errors).toEqual([]);
  } finally {
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
    await page.context().close();
  }
}, 240_000);

it("the owner's screens in English at 390 px: nothing wider than the phone", async () => {
  const page = await pageAt(browser, 390);
  await signIn(page, "owner@demo.carnet.test");
  for (const screen of SCREENS) {
    await page.goto(`${BASE_URL}${screen.path}`);
    await page.getByTestId(screen.ready).first().waitFor();
    expect(await pageWidth(page), screen.path).toBeLessThanOrEqual(390);
    await shot(page, `${screen.name}-en-390`);
  }
  await page.context().close();
}, 180_000);
