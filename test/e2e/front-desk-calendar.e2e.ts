// The front desk's calendar in Chromium, as a new user tripped on it (issue items 1, 4, 5, 6, 7, 11):
// New appointment asks the date and starts at the next free slot with a practitioner (A1, O2's hours);
// clocks and headings read as the location reads them (U1); "N of M" in words (U1); the day's staff
// all reachable at 390 px (U3); only the actions the role and the customer's packages allow (S1);
// the booking modal focused on its first field, a legend of colours, cancelled appointments struck
// through with a toggle (A6). Screenshots at 1440 and 390 px, in English and Hungarian (U2).
import type { Browser, Page } from "playwright-core";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiIn, BASE_URL, launch, missingTranslations, pageAt, shot, signIn } from "./browser.js";

const ZONE = "Europe/Budapest";
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());

async function openCalendar(page: Page, daysAhead = 0) {
  await page.goto(`${BASE_URL}/calendar`);
  await page.getByTestId("calendar").waitFor();
  await page.getByTestId("calendar-event").first().waitFor();
  for (let i = 0; i < daysAhead; i++) await nextDay(page);
}

/** The calendar's "next day" (named "Next" by the calendar's own toolbar before U1). */
const nextDay = (page: Page) => page.getByRole("button", { name: /^Next( day)?$/ }).click();

/** The location's date `days` from today, "YYYY-MM-DD". */
const budapestDate = (days: number) =>
  Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate().add({ days }).toString();

interface ApiAppointment {
  id: string;
  startAt: string;
  endAt: string;
  status: string;
  staff: { id: string; name: string };
  customer: { name: string };
}

/** The first quarter hour from 09:00 when Petra has nothing booked for 30 minutes, on a date. */
async function petraFirstFree(page: Page, date: string): Promise<string> {
  const day = Temporal.PlainDate.from(date);
  const from = day.toZonedDateTime(ZONE).toInstant().toString();
  const to = day.add({ days: 1 }).toZonedDateTime(ZONE).toInstant().toString();
  // W2: the list pages; a day's appointments fit in one page of 200
  const {
    body: { items: rows },
  } = await apiIn<{ items: ApiAppointment[] }>(
    page,
    "GET",
    `/api/v1/appointments?from=${from}&to=${to}&limit=200`,
  );
  const minute = (iso: string) => {
    const z = Temporal.Instant.from(iso).toZonedDateTimeISO(ZONE);
    return z.hour * 60 + z.minute;
  };
  const busy = rows
    .filter((a) => a.staff.name === "Petra Practitioner" && ["booked", "checked_in"].includes(a.status))
    .map((a) => [minute(a.startAt), minute(a.endAt)] as const);
  for (let m = 9 * 60; m + 30 <= 18 * 60; m += 15)
    if (!busy.some(([s, e]) => s < m + 30 && m < e))
      return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
  throw new Error("Petra has no free slot that day");
}

const shortDate = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y!, m! - 1, d!)));
};

describe("item 1: New appointment asks the date, starts at the next free slot, with a practitioner", () => {
  it("two days ahead: that day, Petra's first free quarter hour from opening, with Petra, not the desk (A1, O2)", async () => {
    const page = await pageAt(browser, 1440);
    const missing = missingTranslations(page);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page, 2);
    const date = budapestDate(2);
    const expected = await petraFirstFree(page, date);
    await page.getByRole("button", { name: "New appointment" }).click();
    const dialog = page.getByRole("dialog", { name: "New appointment" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("booking-date").textContent()).toContain(shortDate(date));
    expect(await dialog.getByRole("combobox", { name: /^Time/ }).inputValue()).toMatch(
      new RegExp(`^0?${expected}$`),
    );
    expect(await dialog.getByRole("combobox", { name: "With" }).inputValue()).toBe("Petra Practitioner");
    await shot(page, "front-desk-calendar-new-appointment-1440");
    expect(missing).toEqual([]);
    await page.context().close();
  });

  it("today: today or, after closing, the next day; never before now nor outside 09:00-18:00 (A1)", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page);
    await page.getByRole("button", { name: "New appointment" }).click();
    const dialog = page.getByRole("dialog", { name: "New appointment" });
    await dialog.waitFor();
    const now = Temporal.Now.zonedDateTimeISO(ZONE);
    const shown = (await dialog.getByTestId("booking-date").textContent()) ?? "";
    const time = await dialog.getByRole("combobox", { name: /^Time/ }).inputValue();
    const [h, m] = time.split(":").map(Number);
    const minute = h! * 60 + m!;
    expect(minute).toBeGreaterThanOrEqual(9 * 60);
    expect(minute + 30).toBeLessThanOrEqual(18 * 60);
    if (shown.includes(shortDate(budapestDate(0))))
      expect(minute).toBeGreaterThan(now.hour * 60 + now.minute);
    else expect(shown).toContain(shortDate(budapestDate(1)));
    expect(await dialog.getByRole("combobox", { name: "With" }).inputValue()).not.toBe("Dani Desk");
    await page.context().close();
  });
});

describe("item 11: the booking modal, the legend, cancelled appointments", () => {
  it("opens with the customer field focused; Enter does not close it", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page);
    await page.getByRole("button", { name: "New appointment" }).click();
    const dialog = page.getByRole("dialog", { name: "New appointment" });
    await dialog.waitFor();
    const customer = dialog.getByRole("combobox", { name: "Customer" });
    await expect.poll(() => customer.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    expect(await dialog.isVisible()).toBe(true);
    await page.context().close();
  });

  it("a legend says what the card colours mean; orange is only a booked credit, never a no-show (A3)", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page);
    const legend = page.getByTestId("calendar-legend");
    await legend.waitFor();
    for (const word of ["Booked", "Checked in", "Completed", "No-show", "Cancelled", "From a package"])
      expect(await legend.textContent()).toContain(word);
    const swatch = (status: string) =>
      legend
        .locator(`[data-status="${status}"] > div`)
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    const noShow = await swatch("no_show");
    // the booking panel's booked credit
    await page.getByRole("button", { name: "New appointment" }).click();
    await page.getByRole("combobox", { name: "Customer" }).fill("Anna");
    await page.getByRole("option", { name: /Anna Kertész/ }).click();
    const booked = await page
      .locator('[data-credit="booked"], [data-testid="credit-legend"] [role="listitem"]:nth-child(2) > div')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    const hue = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map((n) => Number(n) / 255) as [number, number, number];
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      if (max === min) return 0;
      const h =
        max === r
          ? ((g - b) / (max - min)) % 6
          : max === g
            ? (b - r) / (max - min) + 2
            : (r - g) / (max - min) + 4;
      return (h * 60 + 360) % 360;
    };
    const orange = (rgb: string) => hue(rgb) >= 15 && hue(rgb) <= 45;
    expect(orange(booked)).toBe(true);
    expect(orange(noShow)).toBe(false);
    await page.context().close();
  });

  it("a cancelled appointment stays, struck through; the toggle hides it (A6)", async () => {
    const page = await pageAt(browser, 1440);
    const missing = missingTranslations(page);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page, 3);
    await page.getByRole("button", { name: "New appointment" }).click();
    const dialog = page.getByRole("dialog", { name: "New appointment" });
    await page.getByRole("combobox", { name: "Customer" }).fill("Kata");
    await page.getByRole("option", { name: /Kata Balogh/ }).click();
    await dialog.getByRole("combobox", { name: "Add a paid service" }).click();
    await page.getByRole("option", { name: /^Pedicure/ }).click();
    const booked = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/appointments") && r.status() === 201,
    );
    await dialog.getByRole("button", { name: "Save appointment" }).click();
    const { id } = await (await booked).json();
    await dialog.waitFor({ state: "hidden" });
    const card = page.locator(`[data-appointment="${id}"]`);
    await card.waitFor();
    await card.click();
    await page.getByRole("button", { name: "Cancel appointment" }).click();
    await page
      .getByRole("dialog", { name: "Cancel this appointment?" })
      .getByRole("button", { name: "Cancel appointment" })
      .click();
    await page.getByTestId("appointment-status").filter({ hasText: "Cancelled" }).waitFor();
    await page.keyboard.press("Escape");
    const cancelled = page.locator(`[data-appointment="${id}"][data-status="cancelled"]`);
    await cancelled.waitFor();
    expect(
      await cancelled
        .locator("p, span, div")
        .last()
        .evaluate((el) => getComputedStyle(el).textDecorationLine),
    ).toContain("line-through");
    await shot(page, "front-desk-calendar-cancelled-1440");
    await page.getByRole("switch", { name: "Show cancelled" }).setChecked(false, { force: true });
    await cancelled.waitFor({ state: "detached" });
    expect(missing).toEqual([]);
    await page.context().close();
  });
});

describe("item 4: the calendar's clock reads as the location reads it (U1)", () => {
  it("Budapest: 24-hour in the time column, the cards and the drawer, and a day heading in words", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page, 1);
    const calendar = page.getByTestId("calendar");
    const gutter = await calendar.locator(".rbc-time-gutter .rbc-label").allTextContents();
    expect(gutter).toContain("13:00");
    expect(gutter.every((g) => /^\d{1,2}:\d{2}$/.test(g))).toBe(true);
    expect(await calendar.textContent()).not.toMatch(/\b(AM|PM)\b/);
    const heading = await page.getByTestId("calendar-label").textContent();
    const tomorrow = Temporal.PlainDate.from(budapestDate(1));
    expect(heading).toContain(String(tomorrow.day));
    expect(heading).not.toMatch(/\b\d{2}\b/); // not "Dec 02"
    const card = page.getByTestId("calendar-event").filter({ hasText: "Bella Fodor" });
    const cardTime = await page
      .locator(".rbc-event")
      .filter({ has: card })
      .locator(".rbc-event-label")
      .textContent();
    expect(cardTime).toMatch(/^14:30\s*–\s*15:30$/);
    await card.click();
    expect(await page.getByTestId("appointment-when").textContent()).toMatch(/14:30\s*–\s*15:30/);
    await page.context().close();
  });

  it("New York: 12-hour (en-US) in the time column", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await page
      .getByRole("combobox", { name: "Working location" })
      .selectOption({ label: "New York, 5th Avenue" });
    await page.getByText(/Working at New York/).waitFor();
    await page.goto(`${BASE_URL}/calendar`);
    await page.getByTestId("calendar").waitFor();
    const gutter = await page.locator(".rbc-time-gutter .rbc-label").allTextContents();
    expect(gutter).toContain("1:00 PM");
    await page.context().close();
  });
});

describe("item 5: 'N of M' in words in the drawer and the booking panel (U1)", () => {
  it("the drawer says which session this is; the panel what is left", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page, 2);
    await page.getByTestId("calendar-event").filter({ hasText: "Éva Lukács" }).click();
    const sessions = page.getByTestId("sessions");
    expect(await sessions.textContent()).toMatch(/^5x Manicure: session \d of 5 · (booked|used)$/);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "New appointment" }).click();
    await page.getByRole("combobox", { name: "Customer" }).fill("Anna");
    await page.getByRole("option", { name: /Anna Kertész/ }).click();
    const line = page.getByTestId("panel-line").first();
    await line.waitFor();
    expect(await line.textContent()).toMatch(/Manicure · \d of 5 left/);
    expect(await page.getByRole("dialog", { name: "New appointment" }).textContent()).not.toMatch(/\d\/\d/);
    await page.context().close();
  });
});

describe("item 7: only what the role and the customer's packages allow (S1)", () => {
  it("the practitioner has no Checkout; Use package only for a customer whose package covers the service", async () => {
    const page = await pageAt(browser, 1440);
    await signIn(page, "practitioner@demo.carnet.test");
    await openCalendar(page, 1);
    // Hanna's mani-pedi package is fully used: nothing covers her booking.
    await page.getByTestId("calendar-event").filter({ hasText: "Hanna Bíró" }).click();
    const details = page.getByTestId("appointment-details");
    await details.getByRole("button", { name: "Check in" }).waitFor();
    expect(await details.getByRole("button", { name: "Checkout" }).count()).toBe(0);
    expect(await details.getByRole("button", { name: "Use package" }).count()).toBe(0);
    await page.keyboard.press("Escape");
    // Mia's 5x Manicure covers her manicure.
    for (let i = 0; i < 3; i++) await nextDay(page);
    await page.getByTestId("calendar-event").filter({ hasText: "Mia Chen" }).click();
    await details.getByRole("button", { name: "Use package" }).waitFor();
    await page.context().close();
  });
});

describe("item 6: the day calendar at 390 px (U3)", () => {
  it("every staff column can be scrolled into view, and a hint says it scrolls sideways", async () => {
    const page = await pageAt(browser, 390, { isMobile: false });
    await signIn(page, "desk@demo.carnet.test");
    await openCalendar(page);
    await page.getByTestId("calendar-scroll-hint").waitFor();
    const columns = page.getByTestId("staff-column");
    const names = await columns.allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) {
      const column = columns.filter({ hasText: name });
      await column.scrollIntoViewIfNeeded();
      const box = (await column.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "front-desk-calendar-390");
    await page.getByTestId("calendar-event").filter({ hasText: "Anna Kertész" }).click();
    await page.getByTestId("appointment-details").waitFor();
    await shot(page, "front-desk-calendar-drawer-390");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "New appointment" }).click();
    await page.getByRole("combobox", { name: "Customer" }).fill("Anna");
    await page.getByRole("option", { name: /Anna Kertész/ }).click();
    await page.getByTestId("available-package").first().waitFor();
    await shot(page, "front-desk-calendar-booking-390");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});

describe("U2: the calendar in Hungarian", () => {
  it("speaks Hungarian with every string translated, at 1440 and 390 px", async () => {
    const page = await pageAt(browser, 1440);
    const missing = missingTranslations(page);
    await signIn(page, "manager@demo.carnet.test");
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: "hu" });
    try {
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await openCalendar(page);
        await page.getByRole("button", { name: "Új időpont" }).waitFor();
        await shot(page, `front-desk-calendar-hu-${width}`);
        await page.getByTestId("calendar-event").filter({ hasText: "Éva Lukács" }).first().click();
        await page.getByTestId("appointment-details").waitFor();
        await shot(page, `front-desk-calendar-drawer-hu-${width}`);
        await page.keyboard.press("Escape");
        await page.getByRole("button", { name: "Új időpont" }).click();
        await page.getByRole("combobox", { name: "Vendég" }).fill("Bella");
        await page.getByRole("option", { name: /Bella Fodor/ }).click();
        await page.getByTestId("available-package").first().waitFor();
        await shot(page, `front-desk-calendar-booking-hu-${width}`);
        await page.keyboard.press("Escape");
      }
      expect(missing).toEqual([]);
    } finally {
      await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
      await page.context().close();
    }
  });
});
