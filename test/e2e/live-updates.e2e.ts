// U4 in Chromium: two front-desk browsers see each other's work without a reload. A booking made
// in browser 1 appears on browser 2's calendar within 2 s; a redemption made in browser 1 shows on
// the customer's profile open in browser 2. Signing out closes the stream without a console error.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BASE_URL, launch, openCustomer, shot, signIn } from "./browser.js";

const WITHIN_MS = 2_000;

let browser: Browser;
const contexts: BrowserContext[] = [];
let desk: Page;
let owner: Page;
const errors = new Map<Page, string[]>();

async function page(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const p = await context.newPage();
  errors.set(p, []);
  p.on("console", (m) => {
    if (m.type() === "error") errors.get(p)!.push(m.text());
  });
  p.on("pageerror", (e) => errors.get(p)!.push(e.message));
  return p;
}

/** A mark that a reload would wipe: the page must still carry it after the other browser's change. */
const markPage = (p: Page) => p.evaluate(() => Object.assign(window, { carnetNotReloaded: true }));
const stillSamePage = (p: Page) =>
  p.evaluate(() => (window as unknown as { carnetNotReloaded?: boolean }).carnetNotReloaded === true);

/** Waits until the page's live stream has said it is listening (its first `ready`). */
async function listening(p: Page) {
  await p.waitForResponse((r) => r.url().includes("/api/v1/live") && r.status() === 200, {
    timeout: 10_000,
  });
}

beforeAll(async () => {
  browser = await launch();
  desk = await page({ width: 1440, height: 900 });
  owner = await page({ width: 390, height: 844 });
  await signIn(desk, "desk@demo.carnet.test");
  await signIn(owner, "owner@demo.carnet.test");
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser.close();
});

it("a booking made in browser 1 appears on browser 2's calendar within 2 s, without a reload", async () => {
  const heard = listening(owner);
  await Promise.all([desk.goto(`${BASE_URL}/calendar`), owner.goto(`${BASE_URL}/calendar`)]);
  await Promise.all([desk.getByTestId("calendar").waitFor(), owner.getByTestId("calendar").waitFor()]);
  await heard;
  // Tomorrow on both: New appointment books on the calendar's day when it is ahead, whatever the
  // hour (today, after closing time, it would book tomorrow, off both screens).
  for (const p of [desk, owner]) await p.getByRole("button", { name: /^Next( day)?$/ }).click();
  await markPage(owner);
  const dora = (p: Page) => p.getByTestId("calendar-event").filter({ hasText: "Dóra Simon" });
  const before = await dora(owner).count();

  await desk.getByRole("button", { name: "New appointment" }).click();
  await desk.getByRole("combobox", { name: "Customer" }).fill("Dóra");
  await desk.getByRole("option", { name: /Dóra Simon/ }).click();
  await desk.getByRole("button", { name: "Use Pedicure from 10x Pedicure" }).click();
  await desk.getByRole("combobox", { name: /^Time/ }).fill("17:00");
  await desk.getByRole("option", { name: "17:00" }).click();
  await desk.getByRole("button", { name: "Save appointment" }).click();
  await expect.poll(() => dora(desk).count(), { timeout: 10_000 }).toBe(before + 1);

  const saved = performance.now();
  await expect.poll(() => dora(owner).count(), { timeout: WITHIN_MS, interval: 50 }).toBe(before + 1);
  expect(performance.now() - saved).toBeLessThan(WITHIN_MS);
  expect(await stillSamePage(owner)).toBe(true);
  // the screenshot shows the new card: scrolled to once the calendar has settled
  await owner.waitForLoadState("networkidle").catch(() => {});
  await dora(owner).nth(before).scrollIntoViewIfNeeded({ timeout: 5_000 });
  await shot(owner, "live-calendar-390");
});

it("a package redeemed in browser 1 updates the customer's profile open in browser 2", async () => {
  const heard = listening(owner);
  await Promise.all([openCustomer(desk, "Dóra"), openCustomer(owner, "Dóra")]);
  await heard;
  const used = async (p: Page) => {
    const text = await p
      .getByTestId("package-card")
      .filter({ hasText: "10x Pedicure" })
      .getByTestId("line-summary")
      .textContent();
    return Number(/(\d+) of \d+ used/.exec(text ?? "")?.[1]);
  };
  await expect.poll(() => used(owner)).toBeGreaterThanOrEqual(0);
  const before = await used(owner);
  await markPage(owner);

  await desk.getByRole("button", { name: "Redeem one Pedicure" }).click();
  await expect.poll(() => used(desk), { timeout: 10_000 }).toBe(before + 1);
  const redeemed = performance.now();
  await expect.poll(() => used(owner), { timeout: WITHIN_MS, interval: 50 }).toBe(before + 1);
  expect(performance.now() - redeemed).toBeLessThan(WITHIN_MS);
  expect(await stillSamePage(owner)).toBe(true);
  await shot(owner, "live-profile-390");
});

it("signing out closes the stream without a console error, and the other browser keeps hearing", async () => {
  errors.set(owner, []);
  await owner.goto(`${BASE_URL}/customers`);
  await owner.getByTestId("current-user").waitFor();
  await new Promise((resolve) => setTimeout(resolve, 500));
  errors.set(owner, []);
  await owner.getByRole("button", { name: "Account" }).click();
  await owner.getByRole("menuitem", { name: "Sign out" }).click();
  await owner.getByRole("button", { name: "Sign in" }).waitFor();
  // the server's recheck and the browser's reconnect would both have happened by now
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(errors.get(owner)).toEqual([]);

  await desk.goto(`${BASE_URL}/calendar`);
  await desk.getByTestId("calendar").waitFor();
  expect(errors.get(desk)?.filter((e) => /live|EventSource/i.test(e))).toEqual([]);
});
