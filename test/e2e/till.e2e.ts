// The till in Chromium (T2, T6, T7): a walk-in with a package closes at 0, the receipt labels the
// covered line, and the profile's counter moves.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeTicket, launch, openCustomer, shot, signIn } from "./browser.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
afterAll(async () => browser.close());

const facial = () =>
  page.getByTestId("package-card").filter({ hasText: "5x Facial" }).getByTestId("line-summary");

/** T7: the receipt's number, counted per business and consecutive. */
let firstReceipt = 0;
const receiptNumber = async () => {
  const match = /^Receipt #(\d+) · /.exec((await page.getByTestId("receipt-number").textContent()) ?? "");
  expect(match, "the receipt shows its number").not.toBeNull();
  return Number(match![1]);
};

it("walk-in with a package: the line shows Package, the ticket closes at 0, the receipt says which package, the counter moves", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Bella");
  await expect.poll(() => facial().textContent()).toContain("1 of 5 used");
  await page.getByRole("button", { name: "New ticket" }).click();
  // T1: the ticket opens with its first line, for the customer it was started for.
  expect(await page.getByTestId("new-ticket-for").textContent()).toContain("For Bella Fodor");
  await page.getByRole("button", { name: /^Facial/ }).click();
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  const line = page.getByTestId("ticket-line").first();
  await line.getByTestId("price-package").waitFor();
  expect(await line.getByTestId("coverage-label").textContent()).toBe("from 5x Facial, 2 of 5 used");
  expect(await page.getByTestId("ticket-total").textContent()).toMatch(/^0\s*Ft$/);
  await shot(page, "till-walk-in");

  await closeTicket(page);
  const receipt = await page.getByTestId("receipt-line").first().textContent();
  expect(receipt).toContain("Facial — from 5x Facial, 2 of 5 used");
  expect(receipt).toContain("PACKAGE");
  expect(await page.getByTestId("receipt-total").textContent()).toMatch(/^0\s*Ft$/);
  firstReceipt = await receiptNumber();
  await shot(page, "receipt");

  await openCustomer(page, "Bella");
  await expect.poll(() => facial().textContent()).toContain("2 of 5 used");
});

it("a paid line next to a covered one: the total is the paid line, closed by card", async () => {
  await page.getByRole("link", { name: "Till" }).click();
  await page.getByRole("button", { name: "New ticket" }).click();
  await page.getByRole("button", { name: "Walk-in (no customer)" }).click();
  await page.getByRole("button", { name: /^Pedicure/ }).click();
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  await page.getByTestId("ticket-line").first().getByTestId("price").waitFor();
  expect(await page.getByTestId("ticket-total").textContent()).toMatch(/15\s000\s*Ft/);
  await closeTicket(page, "Card");
  expect(await page.getByTestId("receipt-total").textContent()).toMatch(/15\s000\s*Ft/);
  expect(await receiptNumber()).toBe(firstReceipt + 1);
});
