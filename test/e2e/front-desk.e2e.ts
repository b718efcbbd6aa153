// The front desk and the manager at work, in a real Chromium against the real server on a fresh
// embedded database with the demo data (seed 000 scenarios; P5-P10, L5-L7, R1, R2, R4).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import {
  BASE_URL,
  launch,
  openCustomer,
  SHOTS,
  shot,
  shotForDocs,
  showEveryPage,
  signIn,
} from "./browser.js";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
});

const manicure = () =>
  page.getByTestId("package-card").filter({ hasText: "5x Manicure" }).getByTestId("package-line");

it("front desk finds Anna, redeems her 4th manicure from the keyboard: 3/5 → 4/5; may not undo", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Anna");
  await expect.poll(() => manicure().getByTestId("line-summary").textContent()).toContain("3 of 5 used");
  await shot(page, "profile-before-redeem");

  const redeem = page.getByRole("button", { name: "Redeem one Manicure" });
  await redeem.focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => manicure().getByTestId("line-summary").textContent()).toContain("4 of 5 used");
  expect(await manicure().getByTestId("line-remaining").textContent()).toBe("1 of 5 left");
  expect(await manicure().locator('[data-credit="used"]').count()).toBe(4);
  await shotForDocs(page, "profile-after-redeem", "profile-packages");

  // Front desk sees no Adjust, Extend or Refund, and no Undo in the history.
  await expect.poll(() => page.getByRole("button", { name: "Adjust" }).count()).toBe(0);
  expect(await page.getByRole("button", { name: "Refund" }).count()).toBe(0);
  await page
    .getByTestId("package-card")
    .filter({ hasText: "5x Manicure" })
    .getByRole("button", { name: "View usage" })
    .click();
  await page.getByTestId("usage-row").first().waitFor();
  expect(await page.getByTestId("usage-table").getByRole("button", { name: "Undo" }).count()).toBe(0);
  await shot(page, "usage-front-desk");
});

it("a manager opens View Usage, undoes the redemption after confirming, and sees it restored and marked undone", async () => {
  await signIn(page, "manager@demo.carnet.test");
  await openCustomer(page, "Anna");
  await expect.poll(() => manicure().getByTestId("line-summary").textContent()).toContain("4 of 5 used");
  await page
    .getByTestId("package-card")
    .filter({ hasText: "5x Manicure" })
    .getByRole("button", { name: "View usage" })
    .click();
  const newest = page.getByTestId("usage-row").first();
  await newest.waitFor();
  expect(await newest.getAttribute("data-kind")).toBe("redeem");
  await newest.getByRole("button", { name: "Undo" }).click();
  await page
    .getByRole("dialog", { name: "Undo this redemption?" })
    .getByLabel("Reason (optional)")
    .fill("Redeemed by mistake");
  await page.getByRole("button", { name: "Undo redemption" }).click();
  await page.getByTestId("undone-badge").first().waitFor();
  await page.getByRole("dialog", { name: "Undo this redemption?" }).waitFor({ state: "hidden" });
  const undoneRow = page.getByTestId("usage-row").filter({ has: page.getByTestId("undone-badge") });
  expect(await undoneRow.count()).toBe(1);
  expect(await page.getByTestId("usage-row").first().getAttribute("data-kind")).toBe("restore");
  await shot(page, "usage-after-undo");
  await page.keyboard.press("Escape");
  await expect.poll(() => manicure().getByTestId("line-summary").textContent()).toContain("3 of 5 used");
});

it("an adjustment needs a reason, and shows in the activity log", async () => {
  await signIn(page, "manager@demo.carnet.test");
  await openCustomer(page, "Clara");
  await page
    .getByTestId("package-card")
    .filter({ hasText: "10-class Yoga pass" })
    .getByRole("button", { name: "Adjust" })
    .click();
  const dialog = page.getByRole("dialog");
  const submit = dialog.getByRole("button", { name: /^Add/ });
  expect(await submit.isDisabled()).toBe(true);
  await dialog.getByLabel("How many").fill("2");
  await dialog.getByLabel("Reason").fill("Two classes missed because of a studio closure");
  await dialog.getByRole("button", { name: "Add 2" }).click();
  await expect
    .poll(() =>
      page
        .getByTestId("package-card")
        .filter({ hasText: "10-class Yoga pass" })
        .getByTestId("line-remaining")
        .textContent(),
    )
    .toBe("7 of 12 left");
  await page.getByRole("tab", { name: "Activity" }).click();
  const row = page
    .getByTestId("activity-row")
    .filter({ hasText: "Two classes missed because of a studio closure" });
  await row.waitFor();
  expect(await row.getAttribute("data-action")).toBe("adjust");
  await shot(page, "activity-after-adjust");
});

it("the packages page: the balances CSV downloads and its rows match the screen", async () => {
  await signIn(page, "owner@demo.carnet.test");
  await page.goto(`${BASE_URL}/packages`);
  await page.getByTestId("balance-row").first().waitFor();
  await shotForDocs(page, "packages-page");
  await showEveryPage(page, "balances-more", page.getByTestId("balance-row"));
  const screenRows = await page.getByTestId("balance-row").evaluateAll((rows) =>
    rows.map((r) => ({
      id: r.getAttribute("data-package-id"),
      cells: [...r.querySelectorAll("td")].map((td) => td.textContent?.trim()),
    })),
  );
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("csv-export").click(),
  ]);
  const csv = readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\r\n");
  expect(csv[0]).toMatch(/^customer,package,status/);
  const body = csv.slice(1);
  expect(body.length).toBe(screenRows.length);
  for (const row of screenRows) {
    const line = body.find((l) => l.endsWith(`,${row.id}`));
    expect(line, `CSV row for package ${row.id}`).toBeDefined();
    expect(line).toContain(row.cells[0]!); // customer
    expect(line).toContain(row.cells[1]!); // package
  }
});

it("the customer's balance link shows the right counts without signing in; a wrong token shows nothing", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Dóra");
  await page.getByRole("tab", { name: "Balance link" }).click();
  // A new customer has no link until the front desk makes one; its token is shown only now.
  await page.getByTestId("make-balance-link").click();
  const url = (await page.getByTestId("balance-url").textContent())!;
  const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await visitor.newPage();
  await phone.goto(url);
  await phone.getByTestId("balance-package").first().waitFor();
  const lines = await phone.getByTestId("balance-line").allTextContents();
  // U2: Dóra reads Hungarian, so her page speaks it ("15 alkalomból 14 van hátra": 14 of 15 left).
  expect(lines.some((l) => /^Pedicure: 15 alkalomból 14 van hátra/.test(l))).toBe(true);
  await phone.screenshot({ path: join(SHOTS, "customer-balance.png"), fullPage: true });
  await phone.goto(`${BASE_URL}/balance/not-the-right-token-at-all-0000`);
  await phone.getByTestId("balance-error").waitFor();
  expect(await phone.getByTestId("balance-package").count()).toBe(0);
  expect(await phone.content()).not.toContain("Dóra");
  await visitor.close();
});
