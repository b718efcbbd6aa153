// G3 (issue 20), the transfer of free credits to another customer, as a manager does it at the desk,
// on a demo server of its own (the shared demo's counters stay as other stories expect):
// - "Transfer credits" on the card opens a dialog: the recipient is searched for (never the
//   package's own customer), one line or all free credits, the new package's last day (the source's
//   unless changed), a reason; a sentence says what will happen, and the button waits for all of it;
// - the recipient's new package holds the credits; both usage histories and activity logs say so in
//   words; "Undo transfer" (after a confirmation) brings the credits back, or says in plain words why
//   it cannot;
// - the front desk sees neither the action nor the undo; everything fits 390 px.
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { apiIn, launch, missingTranslations, pageAt, SHOTS, shot, signIn } from "./browser.js";
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
    await Promise.all(pages.map((p, i) => shot(p, `transfer-failed-${i}`)));
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const at = (path: string) => `${server.url}${path}`;
const DESK = "desk@demo.carnet.test";
const MANAGER = "manager@demo.carnet.test";

async function signedIn(email: string, width = 1440): Promise<Page> {
  const page = await pageAt(browser, width, { isMobile: false, timezoneId: "Europe/Budapest" });
  contexts.push(page.context());
  missingTranslations(
    page,
    /carnet: missing translation: \S+ (packages|reports|common|till|errors):/,
    missing,
  );
  await signIn(page, email, server.url);
  return page;
}

async function openCustomer(page: Page, name: string) {
  await page.goto(at("/customers"));
  await page.getByTestId("customer-row").first().waitFor();
  await page.getByTestId("customer-row").filter({ hasText: name }).first().click();
  await page.getByTestId("package-card").first().waitFor();
}

/** What the window shows (a dialog as the person sees it; a full-page shot puts it at the bottom). */
const windowShot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), animations: "disabled" });
const card = (page: Page, name: string) => page.getByTestId("package-card").filter({ hasText: name });
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

/** Chooses the recipient in the dialog's customer search. */
async function chooseRecipient(page: Page, name: string) {
  const field = page.getByRole("dialog").getByRole("combobox", { name: "To customer" });
  await field.fill(name.split(" ")[0]!);
  await page.getByRole("option", { name: new RegExp(`^${name}`) }).click();
}

it("a manager moves Bella's 2 free massages to Dávid, sees his new package and both histories, and undoes it", async () => {
  const page = await signedIn(MANAGER, 1440);
  await openCustomer(page, "Bella Fodor");
  const massage = card(page, "3x Massage");
  // One of her three massages is booked: two are free.
  expect(await massage.getByTestId("line-remaining").textContent()).toBe("2 of 3 left");
  await massage.getByRole("button", { name: "Transfer credits" }).click();

  const dialog = page.getByRole("dialog", { name: "Transfer credits from 3x Massage" });
  const submit = dialog.getByRole("button", { name: /^Transfer/ });
  expect(await dialog.getByTestId("transfer-line").textContent()).toBe("Free to move: Massage, 2 of 3 left");
  expect(await dialog.getByTestId("transfer-preview").textContent()).toBe(
    "2 Massage credits move to the customer you choose. Credits already booked stay on this package.",
  );
  expect(await submit.isDisabled()).toBe(true);

  // The package's own customer is never offered.
  await dialog.getByRole("combobox", { name: "To customer" }).fill("Bella");
  await page.getByText("No customer found").waitFor();
  await chooseRecipient(page, "Dávid Szabó");

  // The new package's last day is the source's unless changed; a day gone by is refused at once.
  const lastDay = dialog.getByLabel("Last day of the new package");
  const sourceLastDay = await lastDay.inputValue();
  expect(sourceLastDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await lastDay.fill("2020-01-01");
  await dialog.getByText("Choose today or a later day.").waitFor();
  await lastDay.fill(sourceLastDay);
  expect(await dialog.getByText("Choose today or a later day.").count()).toBe(0);

  expect(await dialog.getByTestId("transfer-preview").textContent()).toMatch(
    /^2 Massage credits move to Dávid Szabó's new package, valid until .+\. Credits already booked stay on this package\.$/,
  );
  expect(await submit.isDisabled()).toBe(true); // no reason yet
  await dialog.getByLabel("Reason").fill("Bella gave her massages to her brother");
  expect(await submit.textContent()).toBe("Transfer 2 credits");
  expect(await submit.isEnabled()).toBe(true);
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "transfer-modal-1440");
  await submit.click();

  await expect
    .poll(() => page.getByTestId("transfer-done").textContent())
    .toBe("2 Massage credits moved to Dávid Szabó.");
  await dialog.waitFor({ state: "hidden" });
  await expect.poll(() => massage.getByTestId("line-remaining").textContent()).toBe("0 of 1 left");
  // Nothing free is left to move.
  expect(await massage.getByRole("button", { name: "Transfer credits" }).count()).toBe(0);

  // The notification leads to the recipient, whose new package holds the two credits.
  await page.getByRole("button", { name: "Show Dávid Szabó's packages" }).click();
  await page.getByRole("heading", { name: "Dávid Szabó" }).waitFor();
  const received = card(page, "3x Massage");
  await expect.poll(() => received.getByTestId("line-remaining").textContent()).toBe("2 of 2 left");
  expect(await card(page, "5x Manicure").count()).toBe(1); // what he had stays
  await shot(page, "transfer-recipient-1440");

  await received.getByRole("button", { name: "View usage" }).click();
  const arrived = page.locator('[data-testid="usage-row"][data-kind="transfer_in"]');
  await arrived.waitFor();
  expect(await arrived.textContent()).toContain("Moved from another customer");
  expect(await arrived.textContent()).toContain("Bella gave her massages to her brother");
  expect(await arrived.locator("td").nth(3).textContent()).toBe("2");

  // Undo, from the recipient's side, after a confirmation.
  await arrived.getByRole("button", { name: "Undo transfer" }).click();
  const confirm = page.getByRole("dialog", { name: "Undo this transfer?" });
  expect(await confirm.getByTestId("undo-transfer-what").textContent()).toMatch(
    /^2 Massage credits came from another customer on .+\. Undoing the transfer sends them back to that customer's package\. Whatever else moved in the same transfer goes back too\.$/,
  );
  await confirm.getByLabel("Reason (optional)").fill("Her brother is away until summer");
  await windowShot(page, "transfer-undo-confirm-1440");
  await confirm.getByRole("button", { name: "Undo transfer" }).click();
  await confirm.waitFor({ state: "hidden" });
  await arrived.getByTestId("undone-badge").waitFor();
  const back = page.getByTestId("usage-row").first();
  expect(await back.getAttribute("data-kind")).toBe("transfer_out");
  expect(await back.textContent()).toContain("Transfer undone: credits sent back");
  expect(await page.getByRole("button", { name: "Undo transfer" }).count()).toBe(0);
  await shot(page, "transfer-usage-undone-1440");
  await page.keyboard.press("Escape");
  await expect.poll(() => received.getByTestId("line-remaining").textContent()).toBe("0 of 0 left");

  // Dávid's activity says what arrived, and who gave it, one click away.
  await page.getByRole("tab", { name: "Activity" }).click();
  const inRow = page.locator('[data-testid="activity-row"][data-action="transfer_in"]');
  await inRow.waitFor();
  expect(await inRow.getByTestId("activity-action").textContent()).toBe("Credits moved in");
  expect(await inRow.getByTestId("activity-details").textContent()).toMatch(
    /^2 Massage credits, worth .+, from another customer · who gave them$/,
  );
  expect(
    await page
      .locator('[data-testid="activity-row"][data-action="transfer_undo"]')
      .getByTestId("activity-details")
      .textContent(),
  ).toBe("2 credits moved back");
  await inRow.getByRole("link", { name: "who gave them" }).click();
  await page.getByRole("heading", { name: "Bella Fodor" }).waitFor();

  // Bella's massages are back; her history has the transfer, marked undone, and its undoing.
  await page.getByRole("tab", { name: /^Packages/ }).click();
  await expect
    .poll(() => card(page, "3x Massage").getByTestId("line-remaining").textContent())
    .toBe("2 of 3 left");
  await card(page, "3x Massage").getByRole("button", { name: "View usage" }).click();
  const out = page.locator('[data-testid="usage-row"][data-kind="transfer_out"]');
  await out.waitFor();
  expect(await out.textContent()).toContain("Moved to another customer");
  expect(await out.getByTestId("undone-badge").count()).toBe(1);
  const cameBack = page.getByTestId("usage-row").first();
  expect(await cameBack.getAttribute("data-kind")).toBe("transfer_in");
  expect(await cameBack.textContent()).toContain("Transfer undone: credits back");
  expect(missing).toEqual([]);
});

it("at 390 px: one line of a bundle, with a later last day; an undo refused in plain words once a credit is used", async () => {
  const page = await signedIn(MANAGER, 390);
  await openCustomer(page, "Ildikó Vass");
  const spa = card(page, "Spa bundle");
  const left = (item: string) =>
    spa
      .locator(`[data-testid="package-line"][data-item="${item}"]`)
      .getByTestId("line-remaining")
      .textContent();
  const facialBefore = await left("Facial");
  await spa.getByRole("button", { name: "Transfer credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer credits from Spa bundle" });
  // Each line says what is free; a line with nothing free cannot be chosen.
  const cuticle = dialog.getByRole("radio", { name: "Cuticle oil" });
  expect(await cuticle.isDisabled()).toBe(true);
  await dialog.getByText("0 of 1 left, nothing to move").waitFor();
  await dialog.getByText("2 of 2 left").waitFor();
  await dialog.getByRole("radio", { name: "Massage" }).check();
  await chooseRecipient(page, "Csilla Tóth");
  await dialog.getByLabel("Last day of the new package").fill("2099-12-31");
  await dialog.getByLabel("Reason").fill("Ildikó's massages are a gift for Csilla");
  expect(await dialog.getByTestId("transfer-preview").textContent()).toMatch(
    /^2 Massage credits move to Csilla Tóth's new package, valid until .*2099\.$/,
  );
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "transfer-modal-390");
  await dialog.getByRole("button", { name: "Transfer 2 credits" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expect.poll(() => left("Massage")).toBe("0 of 0 left");
  // The other lines stay as they were.
  expect(await left("Facial")).toBe(facialBefore);
  expect(await fitsWidth(page)).toBe(true);
  await shot(page, "transfer-source-390");

  // Csilla uses one of them: the transfer can no longer be undone, and the dialog says why.
  const csilla = (
    await apiIn<{ items: Array<{ id: string; name: string }> }>(page, "GET", "/api/v1/customers?q=Csilla")
  ).body.items.find((c) => c.name === "Csilla Tóth")!;
  const gift = (
    await apiIn<{ items: Array<{ id: string; lines: Array<{ id: string }> }> }>(
      page,
      "GET",
      `/api/v1/customers/${csilla.id}/packages`,
    )
  ).body.items[0]!;
  const redeemed = await apiIn(
    page,
    "POST",
    `/api/v1/packages/${gift.id}/lines/${gift.lines[0]!.id}/redeem`,
    {
      quantity: 1,
    },
  );
  expect(redeemed.status).toBe(200);

  await spa.getByRole("button", { name: "View usage" }).click();
  const out = page.locator('[data-testid="usage-row"][data-kind="transfer_out"]');
  await out.waitFor();
  expect(await out.textContent()).toContain("Massage · Moved to another customer · 2 credits");
  const undoButton = out.getByRole("button", { name: "Undo transfer" });
  // in full on the phone's card
  expect(
    await undoButton.evaluate((b) => {
      const label = b.querySelector("[class*=label]") as HTMLElement;
      return label.scrollWidth <= label.clientWidth && b.scrollWidth <= b.clientWidth;
    }),
  ).toBe(true);
  await undoButton.click();
  const confirm = page.getByRole("dialog", { name: "Undo this transfer?" });
  expect(await confirm.getByTestId("undo-transfer-what").textContent()).toMatch(
    /^2 Massage credits were moved to another customer on .+\. Undoing the transfer brings them back to this package\./,
  );
  await confirm.getByRole("button", { name: "Undo transfer" }).click();
  await expect
    .poll(() => confirm.getByTestId("undo-transfer-error").textContent())
    .toBe(
      "The other customer has already used or booked some of these credits, so the transfer can no longer be undone.",
    );
  expect(await fitsWidth(page)).toBe(true);
  // Refused for good: not to be pressed again.
  expect(await confirm.getByRole("button", { name: "Undo transfer" }).isDisabled()).toBe(true);
  await windowShot(page, "transfer-undo-refused-390");
  await confirm.getByRole("button", { name: "Keep it" }).click();
  await confirm.waitFor({ state: "hidden" });
  expect(await out.getByTestId("undone-badge").count()).toBe(0);
  await windowShot(page, "transfer-usage-390");
  await page.keyboard.press("Escape");

  // The activity log says it in words, and fits the phone.
  await page.getByRole("tab", { name: "Activity" }).click();
  const outRow = page.locator('[data-testid="activity-row"][data-action="transfer_out"]');
  await outRow.waitFor();
  expect(await outRow.getByTestId("activity-action").textContent()).toBe("Credits moved out");
  expect(await outRow.getByTestId("activity-details").textContent()).toMatch(
    /2 Massage credits, worth .+, to another customer · who got them$/,
  );
  expect(await fitsWidth(page)).toBe(true);
  await shot(page, "transfer-activity-390");
  expect(missing).toEqual([]);
});

it("the front desk sees no Transfer credits and no Undo transfer", async () => {
  const page = await signedIn(DESK, 1440);
  await openCustomer(page, "Ildikó Vass");
  await card(page, "Spa bundle").waitFor();
  expect(await page.getByRole("button", { name: "Transfer credits" }).count()).toBe(0);
  await card(page, "Spa bundle").getByRole("button", { name: "View usage" }).click();
  await page.locator('[data-testid="usage-row"][data-kind="transfer_out"]').waitFor();
  expect(await page.getByRole("button", { name: "Undo transfer" }).count()).toBe(0);
  const refused = await apiIn(
    page,
    "POST",
    "/api/v1/packages/00000000-0000-4000-8000-000000000000/transfer",
    {
      toCustomerId: "00000000-0000-4000-8000-000000000000",
      reason: "Trying",
    },
  );
  expect(refused.status).toBe(403);
});

it("U2: the dialog in Hungarian, every word translated", async () => {
  const page = await signedIn(MANAGER, 390);
  expect((await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" })).status).toBe(200);
  try {
    await openCustomer(page, "Anna Kertész");
    await card(page, "5x Manicure").getByRole("button", { name: "Alkalmak átadása" }).click();
    const dialog = page.getByRole("dialog", { name: "Alkalmak átadása: 5x Manicure" });
    expect(await dialog.getByTestId("transfer-preview").textContent()).toBe(
      "2 Manicure alkalom átkerül a kiválasztott vendéghez.",
    );
    const field = dialog.getByRole("combobox", { name: "Melyik vendégnek" });
    await field.fill("Bence");
    await page.getByRole("option", { name: /^Bence Nagy/ }).click();
    expect(await dialog.getByTestId("transfer-preview").textContent()).toMatch(
      /^2 Manicure alkalom átkerül Bence Nagy új bérletére, amely .+ végéig érvényes\.$/,
    );
    expect(await dialog.getByRole("button", { name: "2 alkalom átadása" }).isDisabled()).toBe(true);
    expect(await fitsWidth(page)).toBe(true);
    await windowShot(page, "transfer-modal-hu-390");
    await dialog.getByRole("button", { name: "Mégse" }).click();
  } finally {
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
  }
  expect(missing).toEqual([]);
});
