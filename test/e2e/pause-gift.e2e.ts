// G4 (pause) and G2 (gifts) of issue 20, as the salon's people do them, on a demo server of its own
// (the shared demo's counters stay as other stories expect):
// - a manager pauses Dóra's pedicures from today for two weeks: the dialog says which days take no
//   credit and until when the package is then valid; the card says "Paused until …" instead of
//   "Active", the expiry moved later, its Redeem waits; a desk whose screen was out of date is refused
//   in words; a second pause over the same days is refused next to its field; the pause is ended,
//   and the activity log says both in words;
// - the front desk sells Anna's gift for Csilla at the till with a message: the ticket line and the
//   receipt say "Gift for Csilla Tóth — “For your back”", and Csilla's new package "Gift from Anna
//   Kertész"; the desk sees no Pause;
// - at 390 px: a gift sold directly from the customer's profile, a pause to come cancelled, a pause
//   over a booked day refused with how many bookings are in the way; everything fits the phone.
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { apiIn, closeTicket, launch, missingTranslations, pageAt, SHOTS, shot, signIn } from "./browser.js";
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
    await Promise.all(pages.map((p, i) => shot(p, `pause-gift-failed-${i}`)));
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
  await page.getByRole("heading", { name }).waitFor();
}

/** What the window shows (a dialog as the person sees it; a full-page shot puts it at the bottom). */
const windowShot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), animations: "disabled" });
const card = (page: Page, name: string) => page.getByTestId("package-card").filter({ hasText: name });
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

/** Today in Budapest, 'YYYY-MM-DD', moved by `days`. */
const budapestDay = (days = 0) => {
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Budapest",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
  const [y, m, d] = today.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
};

/** Chooses a customer in a search field of the page (a dialog's or the till's). */
async function choose(page: Page, field: string, name: string) {
  await page.getByRole("combobox", { name: field }).fill(name.split(" ")[0]!);
  await page.getByRole("option", { name: new RegExp(`^${name}`) }).click();
}

it("a manager pauses Dóra's pedicures for two weeks, a stale desk's redeem is refused in words, and the pause is ended", async () => {
  // A desk has Dóra open, and its live updates are down: its card still says Active.
  const desk = await signedIn(DESK, 1440);
  await desk.route("**/api/v1/live", (route) => route.abort());
  await openCustomer(desk, "Dóra Simon");
  await card(desk, "10x Pedicure").getByTestId("package-status").waitFor();

  const page = await signedIn(MANAGER, 1440);
  await openCustomer(page, "Dóra Simon");
  const pedicure = card(page, "10x Pedicure");
  const expiryBefore = (await pedicure.getByTestId("package-expiry").textContent())!;
  expect(expiryBefore).toMatch(/^Valid until /);
  expect(await pedicure.getByTestId("package-status").textContent()).toBe("Active");
  await pedicure.getByRole("button", { name: "Pause", exact: true }).click();

  const dialog = page.getByRole("dialog", { name: "Pause 10x Pedicure" });
  // Today to 13 days on unless changed: two weeks, today included.
  expect(await dialog.getByLabel("First paused day").inputValue()).toBe(budapestDay(0));
  expect(await dialog.getByLabel("Last paused day").inputValue()).toBe(budapestDay(13));
  const preview = (await dialog.getByTestId("pause-preview").textContent())!;
  expect(preview).toMatch(
    /^No credits can be used from .+ to .+; the package will then be valid until .+ \(14 days later\)\.$/,
  );
  const newExpiry = /valid until (.+) \(14 days later\)/.exec(preview)![1]!;
  const submit = dialog.getByRole("button", { name: "Pause for 14 days" });
  expect(await submit.isDisabled()).toBe(true); // no reason yet
  // A last day before the first is said at once.
  await dialog.getByLabel("Last paused day").fill(budapestDay(-1));
  await dialog.getByText("The last paused day cannot be before the first.").waitFor();
  expect(await dialog.getByRole("button", { name: "Pause", exact: true }).isDisabled()).toBe(true);
  await dialog.getByLabel("Last paused day").fill(budapestDay(13));
  await dialog.getByLabel("Reason").fill("Holiday in Thailand");
  expect(await submit.isEnabled()).toBe(true);
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "pause-modal-1440");
  await submit.click();
  await dialog.waitFor({ state: "hidden" });

  // The card says it is paused and until when, the expiry moved, and nothing can be redeemed.
  const badge = pedicure.getByTestId("package-paused");
  await expect.poll(() => badge.textContent()).toMatch(/^Paused until \d{1,2} \w{3}( \d{4})?$/);
  expect(await pedicure.getByTestId("package-status").count()).toBe(0);
  expect(await pedicure.getByTestId("package-expiry").textContent()).toMatch(
    new RegExp(`^Valid until ${newExpiry} \\(end of day, Europe/Budapest\\) · 14 paused days added$`),
  );
  const now = pedicure.locator('[data-testid="package-pause"][data-state="on"]');
  expect(await now.textContent()).toMatch(/^Paused .+ · Holiday in ThailandEnd pause$/);
  expect(await pedicure.getByRole("button", { name: "Redeem one Pedicure" }).isDisabled()).toBe(true);
  expect(await pedicure.locator('[data-credit="paused"]').count()).toBeGreaterThan(0);
  await shot(page, "pause-card-1440");

  // The desk's screen was out of date: its quick redeem is refused, in words that name the days.
  const stale = card(desk, "10x Pedicure");
  await stale.getByRole("button", { name: "Redeem one Pedicure" }).click();
  const refusal = desk.locator(".mantine-Notification-root").filter({ hasText: "Not redeemed" });
  await expect
    .poll(() => refusal.textContent())
    .toMatch(/Not redeemedThis package is paused .+; its credits cannot be used on those days\./);
  // … and the card catches up with the pause.
  await card(desk, "10x Pedicure").getByTestId("package-paused").waitFor();
  expect(await card(desk, "10x Pedicure").getByRole("button", { name: "Pause", exact: true }).count()).toBe(
    0,
  );
  expect(await card(desk, "10x Pedicure").getByRole("button", { name: "End pause" }).count()).toBe(0);
  await shot(desk, "pause-desk-refused-1440");

  // A second pause over the same days is refused next to its first day.
  await pedicure.getByRole("button", { name: "Pause", exact: true }).click();
  await dialog.getByLabel("Reason").fill("Asked twice");
  await dialog.getByRole("button", { name: "Pause for 14 days" }).click();
  await dialog.getByText(/^The package is already paused .+; choose days outside that pause\.$/).waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Ended today: the whole pause goes, and so do its days on the expiry.
  await now.getByRole("button", { name: "End pause" }).click();
  const confirm = page.getByRole("dialog", { name: "End the pause of 10x Pedicure?" });
  expect(await confirm.getByLabel("Usable again from").inputValue()).toBe(budapestDay(0));
  expect(await confirm.getByTestId("end-pause-what").textContent()).toMatch(
    /^Credits can be used again from .+; the package will then be valid until .+ \(14 days earlier\)\.$/,
  );
  await confirm.getByLabel("Reason (optional)").fill("Trip cancelled");
  await windowShot(page, "pause-end-confirm-1440");
  await confirm.getByTestId("confirm-end-pause").click();
  await confirm.waitFor({ state: "hidden" });
  await expect.poll(() => pedicure.getByTestId("package-status").textContent()).toBe("Active");
  expect(await pedicure.getByTestId("package-expiry").textContent()).toBe(expiryBefore);
  expect(await pedicure.getByTestId("package-pause").count()).toBe(0);
  expect(await pedicure.getByRole("button", { name: "Redeem one Pedicure" }).isEnabled()).toBe(true);

  // The activity log says both in words.
  await page.getByRole("tab", { name: "Activity" }).click();
  const paused = page.locator('[data-testid="activity-row"][data-action="pause"]');
  await paused.waitFor();
  expect(await paused.getByTestId("activity-action").textContent()).toBe("Paused");
  expect(await paused.getByTestId("activity-details").textContent()).toMatch(
    new RegExp(`^.+ \\(14 days\\), valid until ${newExpiry} \\(was .+\\)$`),
  );
  expect(await paused.getByTestId("activity-reason").textContent()).toBe("Holiday in Thailand");
  const ended = page.locator('[data-testid="activity-row"][data-action="pause_end"]');
  expect(await ended.getByTestId("activity-action").textContent()).toBe("Pause ended");
  expect(await ended.getByTestId("activity-details").textContent()).toMatch(
    new RegExp(`^.+ taken away; 14 days given back, valid until .+ \\(was ${newExpiry}\\)$`),
  );
  await shot(page, "pause-activity-1440");
  expect(missing).toEqual([]);
});

it("the front desk sells Anna's gift for Csilla at the till: the ticket, the receipt and Csilla's package say so", async () => {
  const page = await signedIn(DESK, 1440);
  await openCustomer(page, "Anna Kertész");
  // Pausing is for managers.
  expect(await page.getByRole("button", { name: "Pause", exact: true }).count()).toBe(0);
  await page.getByRole("button", { name: "New ticket" }).click();
  const panel = page.getByTestId("add-to-ticket");
  await panel.getByRole("tab", { name: "Packages" }).click();
  const massage = panel.getByRole("button", { name: /^3x Massage/ });
  // Not a gift unless said so.
  expect(await panel.getByRole("switch", { name: "This is a gift" }).isChecked()).toBe(false);
  await panel.getByRole("switch", { name: "This is a gift" }).click();
  expect(await massage.isDisabled()).toBe(true);
  expect(await panel.getByTestId("gift-hint").textContent()).toBe(
    "Choose who receives it, then the package.",
  );
  // The ticket's own customer is not offered as the recipient.
  await panel.getByRole("combobox", { name: "Gift for (who receives it)" }).fill("Anna");
  await page.getByText("No customer found").waitFor();
  await choose(page, "Gift for (who receives it)", "Csilla Tóth");
  await panel.getByLabel("Message (optional)").fill("For your back");
  expect(await panel.getByTestId("gift-hint").textContent()).toBe(
    "Now choose the package for Csilla Tóth: the ticket's customer pays.",
  );
  await windowShot(page, "gift-till-1440");
  await massage.click();

  await page.getByTestId("ticket-lines").waitFor();
  const line = page.getByTestId("ticket-line").filter({ hasText: "3x Massage" });
  expect(await line.getByTestId("ticket-gift").textContent()).toBe("Gift for Csilla Tóth — “For your back”");
  // The switch is off again: the next package sold is no gift unless said so.
  await panel.getByRole("tab", { name: "Packages" }).click();
  expect(await panel.getByRole("switch", { name: "This is a gift" }).isChecked()).toBe(false);
  await shot(page, "gift-ticket-1440");

  await closeTicket(page, "Card");
  const receiptLine = page.getByTestId("receipt-line").filter({ hasText: "3x Massage" });
  expect(await receiptLine.getByTestId("receipt-gift").textContent()).toBe(
    "Gift for Csilla Tóth — “For your back”",
  );
  await shot(page, "gift-receipt-1440");

  // Csilla's new package says who gave it, and the message.
  await openCustomer(page, "Csilla Tóth");
  const gift = card(page, "3x Massage");
  await expect
    .poll(() => gift.getByTestId("package-gift").textContent())
    .toBe("Gift from Anna Kertész“For your back”");
  expect(await gift.getByTestId("package-gift-message").textContent()).toBe("“For your back”");
  await shot(page, "gift-recipient-1440");
  // The giver is one click away.
  await gift.getByRole("link", { name: "Anna Kertész" }).click();
  await page.getByRole("heading", { name: "Anna Kertész" }).waitFor();
  expect(missing).toEqual([]);
});

it("at 390 px: a gift sold from the profile, a pause to come cancelled, a pause over a booking refused", async () => {
  const desk = await signedIn(DESK, 390);
  await openCustomer(desk, "Bence Nagy");
  await desk.getByRole("button", { name: "Sell a package" }).click();
  const sell = desk.getByRole("dialog", { name: "Sell a package" });
  await sell
    .getByRole("textbox", { name: "Package", exact: true })
    .or(sell.getByRole("combobox", { name: "Package", exact: true }))
    .click();
  await desk.getByRole("option", { name: "5x Facial" }).click();
  await sell.getByRole("switch", { name: "This is a gift" }).click();
  await choose(desk, "Paid by (who gives it)", "Judit Farkas");
  await sell.getByLabel("Message (optional)").fill("Happy birthday, Bence!");
  expect(await sell.getByTestId("sell-gift-preview").textContent()).toBe(
    "Judit Farkas pays for 5x Facial; it is Bence Nagy's to book and use.",
  );
  const submit = sell.getByRole("button", { name: /^Sell as a gift for / });
  expect(await fitsWidth(desk)).toBe(true);
  await windowShot(desk, "gift-sell-390");
  await submit.click();
  await sell.waitFor({ state: "hidden" });
  const facial = card(desk, "5x Facial");
  await expect
    .poll(() => facial.getByTestId("package-gift").textContent())
    .toContain("Gift from Judit Farkas");
  expect(await facial.getByTestId("package-gift-message").textContent()).toBe("“Happy birthday, Bence!”");
  expect(await fitsWidth(desk)).toBe(true);
  await shot(desk, "gift-card-390");

  // A manager pauses Clara's yoga pass for three days next week, then cancels it.
  const page = await signedIn(MANAGER, 390);
  await openCustomer(page, "Clara Weiss");
  const yoga = card(page, "10-class Yoga pass");
  const expiryBefore = await yoga.getByTestId("package-expiry").textContent();
  await yoga.getByRole("button", { name: "Pause", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Pause 10-class Yoga pass" });
  // A later first day moves the last day with it: the length stays.
  await dialog.getByLabel("First paused day").fill(budapestDay(7));
  expect(await dialog.getByLabel("Last paused day").inputValue()).toBe(budapestDay(20));
  await dialog.getByLabel("Last paused day").fill(budapestDay(9));
  await dialog.getByLabel("Reason").fill("Knee surgery");
  expect(await dialog.getByTestId("pause-preview").textContent()).toMatch(
    /^No credits can be used from .+ to .+; the package will then be valid until .+ \(3 days later\)\.$/,
  );
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "pause-modal-390");
  await dialog.getByRole("button", { name: "Pause for 3 days" }).click();
  await dialog.waitFor({ state: "hidden" });
  const ahead = yoga.locator('[data-testid="package-pause"][data-state="ahead"]');
  await expect.poll(() => ahead.textContent()).toMatch(/^Pause .+ · Knee surgeryCancel pause$/);
  // Not begun: still active today.
  expect(await yoga.getByTestId("package-status").textContent()).toBe("Active");
  expect(await yoga.getByTestId("package-expiry").textContent()).toContain("· 3 paused days added");
  expect(await fitsWidth(page)).toBe(true);
  await shot(page, "pause-ahead-card-390");
  await ahead.getByRole("button", { name: "Cancel pause" }).click();
  const confirm = page.getByRole("dialog", { name: "Cancel the pause of 10-class Yoga pass?" });
  expect(await confirm.getByTestId("end-pause-what").textContent()).toMatch(
    /^The pause from .+ to .+ is taken away; the package will be valid until .+ \(3 days earlier\)\.$/,
  );
  expect(await confirm.getByLabel("Usable again from").count()).toBe(0);
  await windowShot(page, "pause-cancel-confirm-390");
  await confirm.getByRole("button", { name: "Cancel pause" }).click();
  await confirm.waitFor({ state: "hidden" });
  await expect.poll(() => yoga.getByTestId("package-pause").count()).toBe(0);
  expect(await yoga.getByTestId("package-expiry").textContent()).toBe(expiryBefore);

  // Paused from today: the badge, the pause and its End pause fit the phone.
  await yoga.getByRole("button", { name: "Pause", exact: true }).click();
  await dialog.getByLabel("Reason").fill("Knee surgery, sooner");
  await dialog.getByRole("button", { name: "Pause for 14 days" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expect.poll(() => yoga.getByTestId("package-paused").textContent()).toMatch(/^Paused until /);
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "pause-card-390");
  await yoga.getByRole("button", { name: "End pause" }).click();
  const end = page.getByRole("dialog", { name: "End the pause of 10-class Yoga pass?" });
  await end.getByTestId("end-pause-what").waitFor();
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "pause-end-confirm-390");
  await end.getByTestId("confirm-end-pause").click();
  await end.waitFor({ state: "hidden" });
  await expect.poll(() => yoga.getByTestId("package-status").textContent()).toBe("Active");

  // Bella's massage tomorrow is booked from her package: a pause over it is refused, in words.
  await openCustomer(page, "Bella Fodor");
  const massage = card(page, "3x Massage");
  await massage.getByRole("button", { name: "Pause", exact: true }).click();
  const bella = page.getByRole("dialog", { name: "Pause 3x Massage" });
  expect(await bella.getByTestId("pause-booked").textContent()).toBe(
    "1 credit of this package is booked: a booking on a paused day must be moved or cancelled first.",
  );
  await bella.getByLabel("Reason").fill("Travelling");
  await bella.getByRole("button", { name: "Pause for 14 days" }).click();
  await bella
    .getByText(/^1 booking uses this package between .+ and .+: move or cancel it first\.$/)
    .waitFor();
  expect(await fitsWidth(page)).toBe(true);
  await windowShot(page, "pause-refused-390");
  expect(missing).toEqual([]);
});

it("U2: the pause in Hungarian, every word translated", async () => {
  const page = await signedIn(MANAGER, 390);
  expect((await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" })).status).toBe(200);
  try {
    await openCustomer(page, "Éva Lukács");
    const manicure = card(page, "5x Manicure");
    await manicure.getByRole("button", { name: "Szüneteltetés", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "5x Manicure szüneteltetése" });
    await dialog.getByLabel("Indok").fill("Szabadság");
    expect(await dialog.getByTestId("pause-preview").textContent()).toMatch(
      /^Nem használható fel alkalom .+ és .+ között; a bérlet ezután .+ végéig érvényes \(14 nappal később\)\.$/,
    );
    // Éva has a manicure booked from this package today: the refusal says so, in Hungarian.
    await dialog.getByRole("button", { name: "Szüneteltetés 14 napra" }).click();
    await dialog.getByText(/foglalás szól erre a bérletre .+ és .+ között/).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await windowShot(page, "pause-modal-hu-390");
    await dialog.getByRole("button", { name: "Mégse" }).click();
  } finally {
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
  }
  expect(missing).toEqual([]);
});
