// The calendar in Chromium (A1–A6): book from a package in the booking modal, see the package icon
// on the calendar card and the details (price 0, Package badge, "session 1 of 5"), cancel and see the
// customer's counter restored.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BASE_URL, launch, openCustomer, shot, signIn } from "./browser.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
afterAll(async () => browser.close());

const manicure = () =>
  page.getByTestId("package-card").filter({ hasText: "5x Manicure" }).getByTestId("line-summary");

it("books Judit's manicure from her package, shows the package icon and details, and cancelling restores the credit", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Judit");
  await expect.poll(() => manicure().textContent()).toContain("0 of 5 used");

  await page.goto(`${BASE_URL}/calendar`);
  await page.getByTestId("calendar").waitFor();
  await page.getByRole("button", { name: "New appointment" }).click();
  await page.getByRole("combobox", { name: "Customer" }).fill("Judit");
  await page.getByRole("option", { name: /Judit Farkas/ }).click();
  await page.getByTestId("available-package").first().waitFor();
  expect(await page.getByTestId("available-package").count()).toBe(1);
  await page.getByRole("button", { name: "Use Manicure from 5x Manicure" }).click();
  const chosen = page.getByTestId("chosen-service");
  expect(await chosen.textContent()).toContain("Package");
  await page.getByRole("combobox", { name: /^Time/ }).fill("18:30");
  await page.getByRole("option", { name: "18:30" }).click();
  await shot(page, "booking-modal");
  await page.getByRole("button", { name: "Save appointment" }).click();

  const card = page.getByTestId("calendar-event").filter({ hasText: "Judit Farkas" });
  await card.waitFor();
  expect(await card.getAttribute("data-package")).toBe("true");
  expect(await card.getByTestId("package-icon").count()).toBe(1);
  await shot(page, "calendar-with-package-booking");

  await card.click();
  const details = page.getByTestId("appointment-details");
  await details.waitFor();
  expect(await details.getByTestId("appointment-service").textContent()).toMatch(
    /Manicure.*Package.*5x Manicure: session 1 of 5 · booked/,
  );
  expect(await details.getByTestId("appointment-service").textContent()).toMatch(/0\s*Ft/);
  await page.getByRole("button", { name: "Cancel appointment" }).click();
  await page
    .getByRole("dialog", { name: "Cancel this appointment?" })
    .getByRole("button", { name: "Cancel appointment" })
    .click();
  await details.getByTestId("appointment-status").filter({ hasText: "Cancelled" }).waitFor();

  await openCustomer(page, "Judit");
  await expect.poll(() => manicure().textContent()).toContain("0 of 5 used");
});
