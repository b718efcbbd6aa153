// U1, U3 in Chromium, at the front desk: a price is typed as the format locale writes numbers (a
// decimal comma and a space between thousands in Hungarian, a point in English in New York) and the
// server gets the same amount either way; the date picker names months and days in the staff
// member's language and starts the week where the location does (Monday in Budapest, Sunday in New
// York); at 390 px the calendar's columns scroll sideways under the hours, which stay in view.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiIn, BASE_URL, launch, pageAt, shot, signIn } from "./browser.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());

async function customerId(page: Page, name: string): Promise<string> {
  const found = await apiIn<{ items: Array<{ id: string; name: string }> }>(
    page,
    "GET",
    `/api/v1/customers?q=${encodeURIComponent(name)}`,
  );
  return found.body.items.find((c) => c.name === name)!.id;
}

/** The desk at the demo's New York location (en-US) for this page's session only. */
async function workInNewYork(page: Page) {
  const me = await apiIn<{ locations: Array<{ id: string; name: string }> }>(page, "GET", "/api/v1/auth/me");
  const newYork = me.body.locations.find((l) => l.name.startsWith("New York"))!;
  await apiIn(page, "POST", "/api/v1/auth/location", { locationId: newYork.id });
}

/**
 * Opens the sell dialog on `customer`'s page, chooses the first package on sale, types `typed` as
 * the price, and sells: the request is caught and never reaches the server (the demo's data stays
 * as it is). Answers what the price field showed and the price the server would have been sent.
 */
async function sellTyping(
  page: Page,
  words: { sell: string; package: string; price: RegExp; submit: RegExp },
  customer: string,
  typed: string,
): Promise<{ shown: string; priceMinor: unknown }> {
  await page.goto(`${BASE_URL}/customers/${await customerId(page, customer)}`);
  await page.getByRole("button", { name: words.sell }).click();
  const dialog = page.getByRole("dialog", { name: words.sell });
  await dialog.getByRole("combobox", { name: words.package, exact: true }).click();
  await page.getByRole("listbox").getByRole("option").first().click();
  const price = dialog.getByRole("textbox", { name: words.price });
  await expect.poll(() => price.inputValue()).not.toBe("");
  await price.fill("");
  await price.pressSequentially(typed);
  const shown = await price.inputValue();
  let sent: { priceMinor?: unknown } | undefined;
  await page.route("**/api/v1/customers/*/packages", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    sent = route.request().postDataJSON();
    await route.abort();
  });
  await dialog.getByRole("button", { name: words.submit }).click();
  await expect.poll(() => sent).toBeDefined();
  return { shown, priceMinor: sent!.priceMinor };
}

const HUNGARIAN = { sell: "Bérlet eladása", package: "Bérlet", price: /^Ár \(HUF\)/, submit: /^Eladás/ };
const ENGLISH = { sell: "Sell a package", package: "Package", price: /^Price \(USD\)/, submit: /^Sell/ };
const NBSP = "\u00a0";

describe("U1: money typed as the format locale writes it", () => {
  it("in Hungarian (hu-HU) '1500,5' shows '1 500,5' and sells for 1 500,50 (150050 minor units)", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" });
    try {
      const typed = await sellTyping(page, HUNGARIAN, "Bella Fodor", "1500,5");
      expect(typed).toEqual({ shown: `1${NBSP}500,5`, priceMinor: 150050 });
      await shot(page, "locale-inputs-sell-price-hu-1440");
      // The keypad's point types the comma as well.
      expect(await sellTyping(page, HUNGARIAN, "Bella Fodor", "12.5")).toEqual({
        shown: "12,5",
        priceMinor: 1250,
      });
    } finally {
      await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
      await page.context().close();
    }
  });

  it("in English in New York (en-US) '1.5' is 1.50 and '1500.5' shows '1,500.5'", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await workInNewYork(page);
    try {
      expect(await sellTyping(page, ENGLISH, "Olivia Brooks", "1.5")).toEqual({
        shown: "1.5",
        priceMinor: 150,
      });
      expect(await sellTyping(page, ENGLISH, "Olivia Brooks", "1500.5")).toEqual({
        shown: "1,500.5",
        priceMinor: 150050,
      });
      await shot(page, "locale-inputs-sell-price-en-us-1440");
    } finally {
      await page.context().close();
    }
  });
});

/** The open date picker's weekday headings and the month it shows. */
async function pickerWords(page: Page, newAppointment: string) {
  await page.goto(`${BASE_URL}/calendar`);
  await page.getByRole("button", { name: newAppointment }).click();
  await page.getByTestId("booking-date").click();
  const weekdays = page.locator(".mantine-DatePickerInput-weekday");
  await weekdays.first().waitFor();
  return {
    // As shown: innerText is the text after CSS (a capitalised "December" is wrong in Hungarian).
    weekdays: (await weekdays.allInnerTexts()).map((w) => w.trim()),
    // biome-ignore lint/performance/useDomNodeTextContent: the words as shown, after CSS
    month: (await page.locator(".mantine-DatePickerInput-calendarHeaderLevel").innerText()).trim(),
  };
}

describe("U1, U2: the date picker speaks the staff member's language, weeks as the location has them", () => {
  it("Hungarian in Budapest: Hungarian day and month names, the week from Monday", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" });
    try {
      const picker = await pickerWords(page, "Új időpont");
      expect(picker.weekdays).toEqual(["H", "K", "Sze", "Cs", "P", "Szo", "V"]);
      expect(picker.month).toMatch(
        /^\d{4}\. (január|február|március|április|május|június|július|augusztus|szeptember|október|november|december)$/,
      );
      await shot(page, "locale-inputs-date-picker-hu-1440");
    } finally {
      await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
      await page.context().close();
    }
  });

  it("English in New York: English names, the week from Sunday", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await workInNewYork(page);
    try {
      const picker = await pickerWords(page, "New appointment");
      expect(picker.weekdays).toEqual(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
      expect(picker.month).toMatch(
        /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/,
      );
    } finally {
      await page.context().close();
    }
  });
});

/** Where the calendar's parts are on screen, left to right. */
const layout = (page: Page) =>
  page.evaluate(() => {
    const x = (e: Element) => e.getBoundingClientRect();
    const calendar = x(document.querySelector('[data-testid="calendar"]')!);
    const gutter = document.querySelector(".rbc-time-content > .rbc-time-gutter")!;
    const headers = [...document.querySelectorAll(".rbc-time-header-content .rbc-header")].filter(
      (h) => x(h).width > 0,
    );
    const columns = [...document.querySelectorAll(".rbc-time-content > .rbc-day-slot")];
    return {
      calendarLeft: calendar.left,
      calendarRight: calendar.right,
      gutterLeft: x(gutter).left,
      gutterLabels: [...gutter.querySelectorAll(".rbc-label")].map((l) => l.textContent ?? ""),
      headers: headers.map((h) => ({ left: x(h).left, right: x(h).right, text: h.textContent ?? "" })),
      columns: columns.map((c) => ({ left: x(c).left, right: x(c).right })),
      pageWidth: document.documentElement.scrollWidth,
    };
  });

/** Swipes the grid sideways as far as it goes, a wheel turn at a time. */
async function scrollGridToTheEnd(page: Page) {
  const grid = (await page.locator(".rbc-time-content").boundingBox())!;
  await page.mouse.move(grid.x + grid.width / 2, grid.y + 150);
  let before = "";
  for (let i = 0; i < 12; i++) {
    const now = JSON.stringify((await layout(page)).columns);
    if (now === before) break;
    before = now;
    await page.mouse.wheel(200, 0);
    await page.waitForTimeout(150);
  }
}

describe("U3: the calendar at 390 px scrolls sideways under the hours", () => {
  for (const view of ["day", "week"] as const)
    it(`${view} view: the last column scrolls into view, its heading above it, and the hours stay on the left`, async () => {
      const page = await pageAt(browser, 390);
      await signIn(page, "desk@demo.carnet.test");
      try {
        await page.goto(`${BASE_URL}/calendar`);
        await page.getByTestId("calendar-event").first().waitFor();
        if (view === "week") await page.getByText("Week", { exact: true }).click();
        await page.getByTestId("calendar-scroll-hint").waitFor();
        const start = await layout(page);
        expect(start.columns.length).toBe(view === "day" ? start.headers.length : 7);
        expect(start.columns.at(-1)!.right).toBeGreaterThan(start.calendarRight);

        await scrollGridToTheEnd(page);
        const end = await layout(page);
        // The last column is in view, and every heading still stands over its column.
        expect(end.columns.at(-1)!.right).toBeLessThanOrEqual(end.calendarRight + 1);
        end.columns.forEach((c, i) => {
          expect(Math.abs(end.headers[i]!.left - c.left)).toBeLessThanOrEqual(2);
        });
        // The hours did not move: still at the calendar's left edge, and the first column passed under them.
        expect(Math.abs(end.gutterLeft - end.calendarLeft)).toBeLessThanOrEqual(2);
        expect(end.gutterLabels).toContain("10:00");
        expect(end.columns[0]!.left).toBeLessThan(end.gutterLeft);
        const hour = page.locator(".rbc-time-content > .rbc-time-gutter .rbc-label", { hasText: "10:00" });
        await expect.poll(() => hour.isVisible()).toBe(true);
        const box = (await hour.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
        // What covers the hours' place on screen is the hours, not a column passing under them.
        const onTop = await page.evaluate(
          ({ x, y }) => document.elementFromPoint(x, y)?.closest(".rbc-time-gutter") !== null,
          { x: box.x + box.width / 2, y: box.y + box.height / 2 },
        );
        expect(onTop).toBe(true);
        expect(end.pageWidth).toBeLessThanOrEqual(390);
        await shot(page, `locale-inputs-calendar-${view}-scrolled-390`);
      } finally {
        await page.context().close();
      }
    });
});
