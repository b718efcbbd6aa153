// The till as a front desk uses it (T1, T7, T8, S1, U1–U3, U5), on a demo server of its own so that
// the shared demo's counters stay as the other stories expect them:
// - "New ticket" asks who it is for and opens the ticket with its first line: no empty tickets;
// - closing is a step of its own: the total, what packages cover, and how it is paid (cash with the
//   change, card, store credit with the balance, split), nothing chosen for the person;
// - a refund says what comes back in a dialog (no browser confirm) and the refunded line reads so,
//   consistent with the totals;
// - the practitioner is offered nothing the role may not do;
// - at 390 px every line keeps its price and the close step fits;
// - every word has an English and a Hungarian translation.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { launch, missingTranslations, pageAt, shot, shotForDocs, signIn } from "./browser.js";
import { type OwnServer, startOwnServer } from "./own-server.js";

let browser: Browser;
let server: OwnServer;
const contexts: BrowserContext[] = [];
const missing: string[] = [];
const nativeDialogs: string[] = [];

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
    await Promise.all(pages.map((p, i) => shot(p, `front-desk-till-failed-${i}`)));
  }
});

const at = (path: string) => `${server.url}${path}`;

async function signedIn(email: string, width = 1440): Promise<Page> {
  const page = await pageAt(browser, width, { isMobile: false, timezoneId: "Europe/Budapest" });
  contexts.push(page.context());
  // The till's own words; other screens' are their tests' to check.
  missingTranslations(page, /carnet: missing translation: \S+ till:/, missing);
  page.on("dialog", async (d) => {
    nativeDialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  await signIn(page, email, server.url);
  return page;
}

/** A write through the API with the page's session (set-up only, never what the test checks). */
async function apiAs(page: Page, method: "POST" | "PATCH", path: string, data: unknown) {
  const me = await (await page.request.get(at("/api/v1/auth/me"))).json();
  const res = await page.request.fetch(at(path), {
    method,
    data: data as object,
    headers: { "x-csrf-token": me.csrfToken, "idempotency-key": crypto.randomUUID() },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return res.json();
}

const openTickets = async (page: Page): Promise<number> =>
  (await (await page.request.get(at("/api/v1/tickets?status=open&limit=200"))).json()).items.length;

async function customerId(page: Page, name: string): Promise<string> {
  const found = await (await page.request.get(at(`/api/v1/customers?q=${encodeURIComponent(name)}`))).json();
  return found.items[0].id;
}

/** A text box or a select, by its label. */
const field = (scope: Page | Locator, name: string) =>
  scope.getByRole("textbox", { name, exact: true }).or(scope.getByRole("combobox", { name, exact: true }));

const PRODUCTS = new Set(["Cuticle oil", "Hand cream"]);

/** Puts an item on the ticket (or opens the new ticket with it) from its tab. */
async function addItem(page: Page, name: string) {
  const panel = page.getByTestId("add-to-ticket");
  await panel.getByRole("tab", { name: PRODUCTS.has(name) ? "Products" : "Services" }).click();
  await panel.getByRole("button", { name: new RegExp(`^${name}`) }).click();
}

/** From the till: a new ticket for `customer` (or a walk-in), opened with `first` and then `more`. */
async function newTicket(page: Page, customer: string | null, first: string, ...more: string[]) {
  await page.goto(at("/till"));
  await page.getByRole("button", { name: "New ticket" }).click();
  if (customer) {
    await field(page, "Customer").fill(customer);
    await page
      .getByRole("option", { name: new RegExp(customer) })
      .first()
      .click();
  } else {
    await page.getByRole("button", { name: "Walk-in (no customer)" }).click();
  }
  await addItem(page, first);
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  for (const item of more) {
    const lines = await page.getByTestId("ticket-line").count();
    await addItem(page, item);
    await expect.poll(() => page.getByTestId("ticket-line").count()).toBe(lines + 1);
  }
}

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).first().textContent()) ?? "").replace(/\s/g, " ");

let desk: Page;
let bellaTicketUrl = "";

it("T1: New ticket asks who it is for, creates nothing until the first line, then opens with it", async () => {
  desk = await signedIn("desk@demo.carnet.test");
  const before = await openTickets(desk);
  await desk.goto(at("/till"));
  await desk.getByRole("button", { name: "New ticket" }).click();
  await desk.getByTestId("new-ticket-who").waitFor();
  expect(await desk.getByTestId("new-ticket-who").textContent()).toContain("Who is this ticket for?");
  await shot(desk, "till-new-ticket-1440");
  // Looked, changed their mind: nothing was created.
  await desk.getByRole("link", { name: "← Till" }).click();
  await desk.getByRole("button", { name: "New ticket" }).waitFor();
  expect(await openTickets(desk)).toBe(before);

  await newTicket(desk, null, "Cuticle oil");
  expect(await openTickets(desk)).toBe(before + 1);
  expect(await desk.getByTestId("ticket-line").count()).toBe(1);
  expect(await desk.getByTestId("ticket-line").textContent()).toContain("Cuticle oil");
  await desk.getByRole("link", { name: "← Till" }).click();
  await desk.getByTestId("till-ticket").first().waitFor();
  await shot(desk, "till-home-1440");
});

it("U5: the close step shows the total and what packages cover, chooses nothing, and gives change for cash", async () => {
  await newTicket(desk, "Bella", "Facial", "Pedicure");
  bellaTicketUrl = desk.url();
  await desk.getByTestId("close-ticket").click();
  const step = desk.getByTestId("close-step");
  await step.waitFor();
  expect(await text(desk, "close-due")).toMatch(/^15 000 Ft$/);
  const covered = await text(desk, "close-covered");
  expect(covered).toContain("Facial");
  expect(covered).toContain("from 5x Facial, 2 of 5 used");
  // Nothing preselected: no tender is checked and the confirm button waits.
  const radios = step.getByRole("radio");
  expect(await radios.count()).toBe(4);
  for (const r of await radios.all()) expect(await r.getAttribute("aria-checked")).toBe("false");
  expect(await step.getByTestId("confirm-close").isDisabled()).toBe(true);
  expect(await text(desk, "store-credit-balance")).toMatch(/0 Ft/);
  await shot(desk, "till-close-step-1440");

  await step.getByRole("radio", { name: "Cash", exact: true }).click();
  expect(await step.getByTestId("confirm-close").isDisabled()).toBe(true);
  await field(step, "Cash given").fill("12000");
  expect(await text(desk, "close-problems")).toContain("3000 Ft short");
  expect(await step.getByTestId("confirm-close").isDisabled()).toBe(true);
  await field(step, "Cash given").fill("20000");
  expect(await text(desk, "change-due")).toMatch(/^5000 Ft$/);
  await shot(desk, "till-close-cash-1440");
  await step.getByTestId("confirm-close").click();

  await desk.getByTestId("receipt").waitFor();
  const payments = (await desk.getByTestId("receipt-payment").allTextContents()).map((p) =>
    p.replace(/\s/g, " "),
  );
  expect(payments).toEqual([expect.stringMatching(/^Cash15 000 FtCash given20 000 FtChange5000 Ft$/)]);
  expect(await text(desk, "receipt-line")).toContain("Facial — from 5x Facial, 2 of 5 used");
  await shot(desk, "till-receipt-cash-1440");
});

it("U5: store credit shows the balance, cannot go above it, and splits with a card", async () => {
  const manager = await signedIn("manager@demo.carnet.test");
  const judit = await customerId(manager, "Judit Farkas");
  const [pkg] = (await (await manager.request.get(at(`/api/v1/customers/${judit}/packages`))).json()).items;
  await apiAs(manager, "POST", `/api/v1/packages/${pkg.id}/refund`, { kind: "store_credit" });

  await newTicket(desk, "Judit", "Massage", "Mani-pedi", "Pedicure");
  await desk.getByTestId("close-ticket").click();
  const step = desk.getByTestId("close-step");
  expect(await text(desk, "close-due")).toMatch(/^64 000 Ft$/);
  expect(await text(desk, "store-credit-balance")).toBe("Balance 54 000 Ft");
  await step.getByRole("radio", { name: "Store credit", exact: true }).click();
  expect(await text(desk, "close-problems")).toContain("The store credit balance is 54 000 Ft");
  expect(await step.getByTestId("confirm-close").isDisabled()).toBe(true);

  await step.getByRole("radio", { name: "Split", exact: true }).click();
  const parts = step.getByTestId("split-part");
  await field(parts.nth(0), "Part 1: how").click();
  await desk.getByRole("option", { name: "Store credit" }).click();
  await field(parts.nth(0), "Part 1: amount").fill("60000");
  await field(parts.nth(1), "Part 2: how").click();
  await desk.getByRole("option", { name: "Card" }).click();
  await field(parts.nth(1), "Part 2: amount").fill("4000");
  expect(await text(desk, "split-placed")).toBe("64 000 Ft of 64 000 Ft placed");
  // 60 000 from a 54 000 balance: refused before the server is asked.
  expect(await step.getByTestId("confirm-close").isDisabled()).toBe(true);
  await field(parts.nth(0), "Part 1: amount").fill("54000");
  // Hungarian forints group from five digits: 6000, 10 000.
  expect(await text(desk, "close-problems")).toContain("6000 Ft still to place");
  await step.getByRole("button", { name: /^The rest/ }).click();
  expect((await field(parts.nth(1), "Part 2: amount").inputValue()).replace(/\s/g, " ")).toBe("10 000");
  expect(await step.getByTestId("confirm-close").isEnabled()).toBe(true);
  await shot(desk, "till-close-split-1440");
  await step.getByTestId("confirm-close").click();

  await desk.getByTestId("receipt").waitFor();
  const payments = (await desk.getByTestId("receipt-payment").allTextContents()).map((p) =>
    p.replace(/\s/g, " "),
  );
  expect(payments).toEqual(["Store credit54 000 Ft", "Card10 000 Ft"]);
  const credit = await (await desk.request.get(at(`/api/v1/customers/${judit}/store-credit`))).json();
  expect(credit).toEqual([{ currency: "HUF", balanceMinor: 0 }]);
});

it("T8: a refund says in a dialog what comes back; the refunded lines read as refunded, as the totals do", async () => {
  const manager = await signedIn("manager@demo.carnet.test");
  await manager.goto(bellaTicketUrl);
  const facial = manager.getByTestId("ticket-line").filter({ hasText: "Facial" });
  const pedicure = manager.getByTestId("ticket-line").filter({ hasText: "Pedicure" });

  await facial.getByRole("button", { name: "Refund" }).click();
  const dialog = manager.getByRole("dialog");
  expect(await dialog.getByTestId("refund-what").textContent()).toBe(
    "1 credit goes back to 5x Facial. No money is paid back: the package paid for this line.",
  );
  expect(await dialog.getByRole("radio").count()).toBe(0);
  await shot(manager, "till-refund-credit-1440");
  await dialog.getByTestId("confirm-refund").click();
  await dialog.waitFor({ state: "detached" });
  await expect.poll(() => facial.getAttribute("data-refunded")).toBe("true");
  // Never its retail price as if charged: "Package", struck through, and what came back.
  expect(await facial.getByTestId("price").count()).toBe(0);
  expect(await facial.getByTestId("price-package").textContent()).toBe("Package");
  expect(((await facial.getByTestId("refunded-note").textContent()) ?? "").replace(/\s/g, " ")).toBe(
    "Refunded1 credit back to 5x Facial (worth 22 000 Ft); no money moved",
  );
  expect(await text(manager, "ticket-total")).toBe("15 000 Ft");

  await pedicure.getByRole("button", { name: "Refund" }).click();
  expect(((await dialog.getByTestId("refund-what").textContent()) ?? "").replace(/\s/g, " ")).toBe(
    "15 000 Ft is paid back to the customer.",
  );
  // Paid in cash: back in cash, shown as chosen; the card paid nothing here, so it cannot take it.
  expect(await dialog.getByRole("radio", { name: "Cash" }).isChecked()).toBe(true);
  expect(await dialog.getByRole("radio", { name: "Card" }).isDisabled()).toBe(true);
  await shot(manager, "till-refund-money-1440");
  await dialog.getByTestId("confirm-refund").click();
  await dialog.waitFor({ state: "detached" });
  await expect.poll(() => text(manager, "ticket-status")).toBe("Refunded");
  expect(await pedicure.getAttribute("data-refunded")).toBe("true");
  expect(((await pedicure.getByTestId("refunded-note").textContent()) ?? "").replace(/\s/g, " ")).toBe(
    "Refunded15 000 Ft paid back",
  );
  const payments = (await manager.getByTestId("ticket-payment").allTextContents()).map((p) =>
    p.replace(/\s/g, " "),
  );
  expect(payments).toEqual([
    "Paid · Cash15 000 Ft",
    expect.stringMatching(/^Paid back · Cash[-−]15 000 Ft$/),
  ]);
  expect(await text(manager, "ticket-kept")).toBe("0 Ft");
  await shot(manager, "till-refunded-1440");
  expect(nativeDialogs).toEqual([]);

  await manager.getByRole("link", { name: "Receipt" }).click();
  await manager.getByTestId("receipt").waitFor();
  const lines = (await manager.getByTestId("receipt-line").allTextContents()).map((l) =>
    l.replace(/\s/g, " "),
  );
  expect(lines).toEqual([
    "Facialrefunded: 1 credit back to 5x FacialPACKAGE",
    "Pedicurerefunded: 15 000 Ft paid back15 000 Ft",
  ]);
});

it("S1: the practitioner is offered no till action, and the front desk no refund", async () => {
  const practitioner = await signedIn("practitioner@demo.carnet.test");
  await practitioner.goto(at("/till"));
  await practitioner.getByTestId("read-only").waitFor();
  expect(await practitioner.getByRole("button", { name: "New ticket" }).count()).toBe(0);
  await practitioner.goto(at("/tickets/new"));
  expect(await practitioner.getByTestId("not-allowed").textContent()).toContain(
    "Your role does not open tickets",
  );
  expect(await practitioner.getByTestId("add-to-ticket").count()).toBe(0);

  // An open ticket: read, not changed.
  await newTicket(desk, null, "Hand cream");
  await practitioner.goto(desk.url());
  await practitioner.getByTestId("ticket-line").waitFor();
  await practitioner.getByTestId("read-only").waitFor();
  for (const testId of ["close-ticket", "add-to-ticket"])
    expect(await practitioner.getByTestId(testId).count(), testId).toBe(0);
  expect(await practitioner.getByRole("button", { name: /^Options for/ }).count()).toBe(0);
  expect(await practitioner.getByRole("button", { name: "Void" }).count()).toBe(0);
  expect(await field(practitioner, "Customer").count()).toBe(0);
  await shot(practitioner, "till-practitioner-1440");

  // A closed ticket: a refund is a manager's; neither the practitioner nor the front desk sees it.
  await desk.getByTestId("close-ticket").click();
  await desk.getByRole("radio", { name: "Card", exact: true }).click();
  await desk.getByTestId("confirm-close").click();
  await desk.getByTestId("receipt").waitFor();
  for (const page of [practitioner, desk]) {
    await page.goto(desk.url().replace(/\/receipt$/, ""));
    await page.getByTestId("ticket-line").waitFor();
    expect(await page.getByRole("button", { name: "Refund" }).count()).toBe(0);
  }
});

it("U3: at 390 px every line keeps its price, nothing is wider than the screen, and the close step fits", async () => {
  const phone = await signedIn("desk@demo.carnet.test", 390);
  await phone.goto(at("/till"));
  await phone.getByTestId("till-ticket").first().waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(phone, "till-home-390");
  await newTicket(phone, "Ildikó", "Facial", "Cuticle oil", "Pedicure");
  const within = async (locator: Locator) => {
    const box = await locator.boundingBox();
    expect(box, "on screen").not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  };
  for (const line of await phone.getByTestId("ticket-line").all())
    await within(line.getByTestId("price").or(line.getByTestId("price-package")));
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(phone, "till-ticket-390");

  await phone.getByTestId("close-ticket").click();
  const step = phone.getByTestId("close-step");
  await step.waitFor();
  await step.getByRole("radio", { name: "Cash", exact: true }).click();
  await field(step, "Cash given").fill("50000");
  await within(step.getByTestId("change-due"));
  await within(step.getByTestId("confirm-close"));
  await shot(phone, "till-close-step-390");
  await step.getByTestId("confirm-close").click();
  await phone.getByTestId("receipt").waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(phone, "till-receipt-390");
});

it("U2: the till in Hungarian, every word translated", async () => {
  const hu = await signedIn("desk@demo.carnet.test");
  await apiAs(hu, "PATCH", "/api/v1/auth/me", { language: "hu" });
  await hu.goto(bellaTicketUrl);
  await hu.getByRole("heading", { name: /\. blokk$/ }).waitFor();
  expect(await text(hu, "ticket-status")).toBe("Visszatérítve");
  await shot(hu, "till-ticket-hu-1440");
  await hu.getByRole("link", { name: "Nyugta" }).click();
  await hu.getByTestId("receipt").waitFor();
  expect(await text(hu, "receipt-number")).toMatch(/^\d+\. nyugta · /);
  await shot(hu, "till-receipt-hu-1440");

  await hu.goto(at("/till"));
  await hu.getByRole("button", { name: "Új blokk" }).click();
  await hu.getByRole("button", { name: "Betérő vendég (név nélkül)" }).click();
  // Services is the first tab.
  await hu
    .getByTestId("add-to-ticket")
    .getByRole("button", { name: /^Pedicure/ })
    .click();
  await hu.getByRole("heading", { name: /\. blokk$/ }).waitFor();
  await hu.getByTestId("close-ticket").click();
  await hu.getByRole("radio", { name: "Készpénz", exact: true }).click();
  await field(hu, "Átadott készpénz").fill("20000");
  expect(await text(hu, "change-due")).toMatch(/^5000 Ft$/);
  await shot(hu, "till-close-step-hu-1440");
  await hu.setViewportSize({ width: 390, height: 844 });
  await shotForDocs(hu, "till-close-step-hu-390", "till-close-hu-390");
  expect(await hu.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const [path, docsName, ready] of [
    [bellaTicketUrl, "ticket-hu-390", "ticket-line"],
    [`${bellaTicketUrl}/receipt`, "receipt-hu-390", "receipt"],
    [at("/till"), "till-hu-390", "till-ticket"],
  ] as const) {
    await hu.goto(path);
    await hu.getByTestId(ready).first().waitFor();
    expect(await hu.evaluate(() => document.documentElement.scrollWidth), docsName).toBeLessThanOrEqual(390);
    await shotForDocs(hu, `till-${docsName}`, docsName);
  }
  await apiAs(hu, "PATCH", "/api/v1/auth/me", { language: null });
  expect(missing).toEqual([]);
});
