// The customer list and the package cards as a front desk and a manager use them (P9, P10, L5, L6, A3,
// U1–U3), on a demo server of its own so that the shared demo's counters stay as other stories expect:
// - the list shows how many of how many, loads the rest on demand, in Hungarian order in Budapest
//   (Ágnes and Éva, both package holders, were past the silent cut at 25 in byte order);
// - the adjust dialog says what is wrong with "How many" next to it, never changes what was typed,
//   and keeps disabled what the server would refuse;
// - counters in words ("2 of 5 left", "3 of 5 used", "Unlimited"), the used part of the bar green,
//   expired credits grey and struck, never green "free";
// - the usage history says what was left after in words, the Undone badge reads in full, the undo
//   dialog speaks in a sentence;
// - every screen fits 390 px, and every word is in English and Hungarian.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { launch, missingTranslations, pageAt, shot, shotForDocs, signIn } from "./browser.js";
import { type OwnServer, startOwnServer } from "./own-server.js";

let browser: Browser;
let server: OwnServer;
const contexts: BrowserContext[] = [];
const missing: string[] = [];

beforeAll(async () => {
  server = await startOwnServer({ CARNET_DEMO: "1" });
  browser = await launch();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    const pages = contexts.flatMap((c) => c.pages());
    await Promise.all(pages.map((p, i) => shot(p, `front-desk-customers-failed-${i}`)));
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const at = (path: string) => `${server.url}${path}`;
const DESK = "desk@demo.carnet.test";
const MANAGER = "manager@demo.carnet.test";

async function signedIn(email: string, width = 1440): Promise<Page> {
  const page = await pageAt(browser, width, { isMobile: false, timezoneId: "Europe/Budapest" });
  contexts.push(page.context());
  // This screen's own words; other screens' are their tests' to check.
  missingTranslations(page, /carnet: missing translation: \S+ (customers|packages):/, missing);
  await signIn(page, email, server.url);
  return page;
}

/** Sets the signed-in person's own language (set-up only, never what the test checks). */
async function speak(page: Page, language: string | null) {
  const me = await (await page.request.get(at("/api/v1/auth/me"))).json();
  const res = await page.request.fetch(at("/api/v1/auth/me"), {
    method: "PATCH",
    data: { language },
    headers: { "x-csrf-token": me.csrfToken, "idempotency-key": crypto.randomUUID() },
  });
  expect(res.ok(), await res.text()).toBe(true);
}

async function openCustomer(page: Page, name: string) {
  await page.goto(at("/customers"));
  await page.getByTestId("customer-row").first().waitFor();
  await page.getByTestId("customer-row").filter({ hasText: name }).first().click();
  await page.getByTestId("package-card").first().waitFor();
}

const card = (page: Page, name: string) => page.getByTestId("package-card").filter({ hasText: name });
const names = (page: Page) =>
  page.getByTestId("customer-row").locator("td:first-child p:first-child").allTextContents();
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
/** The element shows all of its text: nothing cut off with an ellipsis. */
const readsInFull = (l: Locator) =>
  l.evaluate((el) => {
    const label = (el.querySelector("[class*=label]") as HTMLElement | null) ?? (el as HTMLElement);
    return label.scrollWidth <= label.clientWidth && el.scrollWidth <= el.clientWidth;
  });

it("item 2, U1: the list says 25 of 27, shows the rest on demand, in Hungarian order (Ágnes first, Éva after Emese)", async () => {
  for (const width of [1440, 390]) {
    const page = await signedIn(DESK, width);
    await page.goto(at("/customers"));
    await page.getByTestId("customer-count").waitFor();
    expect(await page.getByTestId("customer-row").count()).toBe(25);
    expect(await page.getByTestId("customer-count").textContent()).toBe("Showing 25 of 27 customers");
    const first = await names(page);
    expect(first[0]).toBe("Ágnes Kovács");
    expect(first.indexOf("Éva Lukács")).toBe(first.indexOf("Emese Horváth") + 1);
    expect(first.indexOf("Csilla Tóth")).toBe(first.indexOf("Clara Weiss") + 1);
    expect(first).toEqual([...first].sort(new Intl.Collator("hu").compare));
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `customers-list-${width}`);

    await page.getByRole("button", { name: "Show 2 more" }).click();
    await page.getByTestId("customer-row").nth(26).waitFor();
    expect(await page.getByTestId("customer-row").count()).toBe(27);
    expect(await page.getByTestId("customer-count").textContent()).toBe("Showing 27 of 27 customers");
    expect(await page.getByTestId("customer-more").count()).toBe(0);
    const all = await names(page);
    expect(all.slice(0, 25)).toEqual(first);
    expect(all).toEqual([...all].sort(new Intl.Collator("hu").compare));
    expect(new Set(all).size).toBe(27);

    // A search counts its own matches.
    await page.getByLabel("Search customers").fill("ol");
    await expect
      .poll(() => page.getByTestId("customer-count").textContent(), { timeout: 15_000 })
      .toBe("Showing 2 of 2 matching customers");
  }
});

it("item 3, P9: How many says what is wrong next to it, keeps what was typed, and Add/Deduct stay disabled", async () => {
  const page = await signedIn(MANAGER);
  await openCustomer(page, "Anna Kertész");
  await card(page, "5x Manicure").getByRole("button", { name: "Adjust" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust 5x Manicure" });
  const howMany = dialog.getByLabel("How many");
  await dialog.getByLabel("Reason").fill("Checking the field");
  const submit = dialog.getByRole("button", { name: /^(Add|Deduct)/ });

  const typed = async (text: string) => {
    await howMany.fill(text);
    await howMany.blur();
    expect(await howMany.inputValue(), `"${text}" stays as typed`).toBe(text);
  };
  await typed("1.5");
  await dialog.getByText("Enter a whole number of credits, such as 2.").waitFor();
  expect(await submit.isDisabled()).toBe(true);
  await typed("-3");
  await dialog.getByText("Enter a number above 0. To take credits away, choose Deduct credits.").waitFor();
  expect(await submit.isDisabled()).toBe(true);
  await typed("99999999999");
  await dialog.getByText(/^At most 10\s?000 credits at a time\.$/).waitFor();
  expect(await submit.isDisabled()).toBe(true);
  await typed("3");
  expect(await submit.textContent()).toBe("Add 3");
  expect(await dialog.getByTestId("adjust-preview").textContent()).toBe(
    "Now: 2 of 5 left. Adding grows the whole package: afterwards 5 of 8 left.",
  );

  await dialog.getByText("Deduct credits").click();
  await typed("5");
  await dialog.getByText("Only 2 credits are left to deduct.").waitFor();
  expect(await submit.textContent()).toBe("Deduct");
  expect(await submit.isDisabled()).toBe(true);
  await typed("2");
  expect(await submit.textContent()).toBe("Deduct 2");
  expect(await submit.isEnabled()).toBe(true);
  expect(await dialog.getByTestId("adjust-preview").textContent()).toBe(
    "Now: 2 of 5 left. Deducting lowers what is left: afterwards 0 of 5 left.",
  );
  await shot(page, "adjust-deduct-1440");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Nothing left: nothing to deduct, no "0/5 becomes -1/5", nothing to press.
  await openCustomer(page, "Hanna Bíró");
  await card(page, "Mani-pedi").first().getByRole("button", { name: "Adjust" }).click();
  const empty = page.getByRole("dialog");
  await empty.getByText("Deduct credits").click();
  await empty.getByTestId("adjust-nothing-left").waitFor();
  expect(await empty.getByTestId("adjust-preview").textContent()).toMatch(/^Now: 0 of \d+ left\. $/);
  expect(await empty.textContent()).not.toMatch(/-1/);
  await empty.getByLabel("Reason").fill("Checking the field");
  expect(await empty.getByRole("button", { name: /^Deduct/ }).isDisabled()).toBe(true);
  await shot(page, "adjust-nothing-left-1440");
});

it("items 5, 10, 11: counters in words, the used part green, Unlimited never 'of 999', expired credits not free", async () => {
  const page = await signedIn(DESK);
  await openCustomer(page, "Anna Kertész");
  const manicure = card(page, "5x Manicure").getByTestId("package-line");
  expect(await manicure.getByTestId("line-remaining").textContent()).toBe("2 of 5 left");
  expect(await manicure.getByTestId("line-summary").textContent()).toBe("3 of 5 used");
  const used = manicure.getByTestId("bar-used");
  expect(await used.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
    await page.evaluate(() => {
      const probe = document.createElement("div");
      probe.style.background = "var(--mantine-color-green-6)";
      document.body.append(probe);
      const color = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return color;
    }),
  );
  expect(await manicure.locator('[data-credit="used"]').count()).toBe(3);
  expect(await manicure.locator('[data-credit="free"]').count()).toBe(2);

  await openCustomer(page, "Ildikó Vass");
  const yoga = card(page, "Yoga month, unlimited");
  await yoga.waitFor();
  expect(await yoga.getByTestId("line-remaining").textContent()).toBe("Unlimited");
  // Its bookings are today's demo appointments: what counts is that no "of 999" is said.
  expect(await yoga.getByTestId("line-summary").textContent()).toMatch(/^\d+ used( \(\d+ booked\))?$/);
  expect(await yoga.textContent()).not.toMatch(/999|UNLIMITED/);
  expect(await readsInFull(yoga.getByTestId("line-remaining"))).toBe(true);
  await shot(page, "profile-unlimited-1440");

  await openCustomer(page, "Fanni Mészáros");
  const expired = page
    .getByTestId("package-card")
    .filter({ has: page.getByText("Expired", { exact: true }) });
  expect(await expired.locator('[data-credit="free"]').count()).toBe(0);
  expect(await expired.locator('[data-credit="expired"]').count()).toBe(2);
  expect(await expired.getByTestId("line-remaining").textContent()).toBe("2 of 3 left");
  expect(
    await expired
      .locator('[data-credit="expired"]')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundImage),
  ).toContain("linear-gradient");
  await shot(page, "profile-expired-1440");

  await openCustomer(page, "Gabriella Pintér");
  expect(await page.getByTestId("package-card").locator('[data-credit="free"]').count()).toBe(0);
});

it("item 11, L5, L6: usage says what was left after in words, Undone reads in full, the undo dialog is a sentence", async () => {
  for (const width of [1440, 390]) {
    const page = await signedIn(MANAGER, width);
    await openCustomer(page, "Éva Lukács");
    await card(page, "5x Manicure").getByRole("button", { name: "View usage" }).click();
    const rows = page.getByTestId("usage-row");
    await rows.first().waitFor();
    const after = await page.getByTestId("usage-after").allTextContents();
    expect(after.length).toBeGreaterThan(0);
    for (const text of after) expect(text).toMatch(/^(After: )?\d+ of 5 left$/);
    const badge = page.getByTestId("undone-badge");
    expect(await badge.count()).toBe(1);
    expect(await badge.textContent()).toBe("Undone");
    expect(await readsInFull(badge)).toBe(true);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, `usage-${width}`);

    await page
      .locator('[data-testid="usage-row"][data-kind="redeem"]')
      .filter({ has: page.getByRole("button", { name: "Undo" }) })
      .first()
      .getByRole("button", { name: "Undo" })
      .click();
    const confirm = page.getByRole("dialog", { name: "Undo this redemption?" });
    const sentence = (await confirm.getByTestId("undo-what").textContent()) ?? "";
    expect(sentence).toMatch(
      /^1 Manicure credit was redeemed on .+\. Undoing it gives the credit back to the package\. The entry stays in the history, marked undone\.$/,
    );
    expect(sentence).not.toContain(" of 1 ×");
    await shot(page, `undo-dialog-${width}`);
    await confirm.getByRole("button", { name: "Keep it" }).click();
  }
});

it("U3: the list and the profile fit 390 px; U4: an adjustment refreshes the card and the activity at once", async () => {
  const page = await signedIn(MANAGER, 390);
  await openCustomer(page, "Clara Weiss");
  expect(await fitsWidth(page)).toBe(true);
  await shot(page, "profile-390");
  await card(page, "10-class Yoga pass").getByRole("button", { name: "Adjust" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("How many").fill("2");
  await dialog.getByLabel("Reason").fill("Studio closed for a week");
  await dialog.getByRole("button", { name: "Add 2" }).click();
  await expect
    .poll(() => card(page, "10-class Yoga pass").getByTestId("line-remaining").textContent(), {
      timeout: 15_000,
    })
    .toBe("7 of 12 left");
  await page.getByRole("tab", { name: "Activity" }).click();
  await page.getByTestId("activity-row").filter({ hasText: "Studio closed for a week" }).first().waitFor();
  expect(await fitsWidth(page)).toBe(true);
});

it("U2: the list, a profile, the adjust dialog and the usage history in Hungarian, every word translated", async () => {
  for (const width of [1440, 390]) {
    const page = await signedIn(MANAGER, width);
    await speak(page, "hu");
    try {
      await page.goto(at("/customers"));
      await expect
        .poll(() => page.getByTestId("customer-count").textContent(), { timeout: 15_000 })
        .toBe("27 vendégből 25 látható");
      if (width === 390) await shotForDocs(page, "customers-list-hu-390", "customers-hu-390");
      else await shot(page, `customers-list-hu-${width}`);
      await page.getByTestId("customer-row").filter({ hasText: "Anna Kertész" }).click();
      const manicure = card(page, "5x Manicure");
      await manicure.waitFor();
      expect(await manicure.getByTestId("line-remaining").textContent()).toBe("5 alkalomból 2 van hátra");
      expect(await fitsWidth(page)).toBe(true);
      if (width === 390) await shotForDocs(page, "profile-hu-390", "customer-profile-hu-390");
      else await shot(page, `profile-hu-${width}`);
      await manicure.getByRole("button", { name: "Módosítás" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Hány alkalom").fill("1.5");
      await dialog.getByText("Adj meg egész számot, például 2.").waitFor();
      await shot(page, `adjust-hu-${width}`);
      await dialog.getByRole("button", { name: "Mégse" }).click();
      await manicure.getByRole("button", { name: "Előzmények" }).click();
      await page.getByTestId("usage-row").first().waitFor();
      await shot(page, `usage-hu-${width}`);
    } finally {
      await speak(page, null);
    }
  }
  expect(missing).toEqual([]);
});
