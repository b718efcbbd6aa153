// U2 in Chromium: a staff member chooses Magyar in the account menu and the shell and the calendar
// speak Hungarian at once, without a reload, and still after one; a Hungarian customer (the demo's
// Bella Fodor) reads her balance page and her booking link's page in Hungarian, with the Budapest
// location's dates (U1); a customer with no language of their own reads the business's (English).
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  apiIn,
  BASE_URL,
  launch,
  MAIL_LOG,
  missingTranslations,
  pageAt,
  shot,
  shotForDocs,
  signIn,
} from "./browser.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());

async function customerId(page: Page, name: string): Promise<string> {
  const { body: found } = await apiIn<
    Array<{ id: string; name: string }> | { items: Array<{ id: string; name: string }> }
  >(page, "GET", `/api/v1/customers?q=${encodeURIComponent(name)}`);
  const rows = Array.isArray(found) ? found : found.items;
  return rows.find((c) => c.name === name)!.id;
}

it("U2: Magyar from the account menu: the shell and the calendar switch at once, and stay after a reload", async () => {
  const page = await pageAt(browser, 1440);
  const missing = missingTranslations(page);
  await signIn(page, "desk@demo.carnet.test");
  try {
    await page.goto(`${BASE_URL}/calendar`);
    await page.getByRole("button", { name: "New appointment" }).waitFor();
    expect(await page.getByRole("link", { name: "Calendar" }).count()).toBe(1);
    // A mark on the window: a reload would wipe it.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await page.getByRole("button", { name: "Account" }).click();
    await page.getByTestId("language-en").waitFor();
    await shot(page, "language-menu-en-1440");
    await page.getByTestId("language-hu").click();
    await page.getByRole("button", { name: "Új időpont" }).waitFor();
    await page.getByRole("link", { name: "Naptár" }).waitFor();
    expect(await page.getByRole("link", { name: "Vendégek" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "New appointment" }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("hu");
    await shot(page, "language-switched-hu-1440");

    await page.reload();
    await page.getByRole("button", { name: "Új időpont" }).waitFor();
    expect(await page.getByRole("link", { name: "Naptár" }).count()).toBe(1);

    // The menu marks the language in use, and switches back as readily.
    await page.getByRole("button", { name: "Fiók" }).click();
    expect(await page.getByTestId("language-hu").getAttribute("aria-current")).toBe("true");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "language-menu-hu-390");
    await page.getByTestId("language-en").click();
    await page.getByRole("button", { name: "New appointment" }).waitFor();
    expect(missing).toEqual([]);
  } finally {
    await apiIn(page, "PATCH", "/api/v1/auth/me", { language: null });
    await page.context().close();
  }
});

it("U2: the customer's language is chosen on the profile; the demo's Bella Fodor reads Hungarian", async () => {
  const page = await pageAt(browser, 1440);
  await signIn(page, "desk@demo.carnet.test");
  try {
    await page.goto(`${BASE_URL}/customers/${await customerId(page, "Bella Fodor")}`);
    await page.getByRole("tab", { name: "Balance link" }).click();
    expect(await page.getByTestId("customer-language").inputValue()).toBe("Magyar");
    await shot(page, "customer-language-1440");
  } finally {
    await page.context().close();
  }
});

it("U1: the owner sees and chooses a location's date and time format; Budapest's is hu-HU", async () => {
  const page = await pageAt(browser, 1440);
  await signIn(page, "owner@demo.carnet.test");
  try {
    await page.goto(`${BASE_URL}/catalog?tab=locations`);
    await page
      .getByTestId("location-card")
      .filter({ hasText: "Budapest" })
      .getByRole("button")
      .first()
      .click();
    expect(await page.getByTestId("location-locale").inputValue()).toBe("Hungarian (Hungary) · hu-HU");
    await shot(page, "location-locale-1440");
  } finally {
    await page.context().close();
  }
});

it("R4, U2: a Hungarian customer's balance page is in Hungarian with Budapest's dates, at 390 and 1440 px; an English one's in English", async () => {
  const desk = await pageAt(browser, 1440);
  await signIn(desk, "desk@demo.carnet.test");
  const { body: bella } = await apiIn<{ path: string }>(
    desk,
    "POST",
    `/api/v1/customers/${await customerId(desk, "Bella Fodor")}/balance-link`,
    {},
  );
  const { body: anna } = await apiIn<{ path: string }>(
    desk,
    "POST",
    `/api/v1/customers/${await customerId(desk, "Anna Kertész")}/balance-link`,
    {},
  );
  await desk.context().close();

  for (const width of [390, 1440]) {
    const phone = await pageAt(browser, width);
    const missing = missingTranslations(phone);
    await phone.goto(`${BASE_URL}${bella.path}`);
    await phone.getByRole("heading", { name: "Kedves Bella!" }).waitFor();
    await phone.waitForLoadState("networkidle");
    const text = ((await phone.locator("#root").textContent()) ?? "").replace(/\s+/g, " ");
    expect(text).toContain("alkalomból");
    expect(text).toContain("van hátra");
    // Budapest writes dates year first: "Érvényes eddig: 2027. jan. 4."
    expect(text).toMatch(/Érvényes eddig: \d{4}\. \S+ \d{1,2}\./);
    expect(text).not.toMatch(/Hello|left|Valid until/);
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe("hu");
    expect(missing).toEqual([]);
    if (width === 390) {
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shotForDocs(phone, "balance-hu-390");
    } else await shot(phone, "balance-hu-1440");
    await phone.context().close();
  }

  const english = await pageAt(browser, 390);
  await english.goto(`${BASE_URL}${anna.path}`);
  await english.getByRole("heading", { name: "Hello Anna!" }).waitFor();
  expect(await english.locator("#root").textContent()).toContain("left");
  await english.context().close();
});

it("A10, U2: the booking link a Hungarian customer is e-mailed opens a page in Hungarian, on Budapest's 24-hour clock", async () => {
  const catalog = await (await fetch(`${BASE_URL}/api/v1/public/businesses/demo`)).json();
  const location = catalog.locations.find((l: { name: string }) => l.name.startsWith("Budapest"));
  const service = catalog.services.find((s: { name: string }) => s.name === "Manicure");
  let chosen: { staffId: string; startAt: string } | null = null;
  for (let day = 1; day <= 14 && !chosen; day++) {
    const date = new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
    for (const staff of catalog.staff as Array<{ id: string }>) {
      const q = `locationId=${location.id}&staffId=${staff.id}&itemId=${service.id}&date=${date}`;
      const slots = (await (
        await fetch(`${BASE_URL}/api/v1/public/businesses/demo/slots?${q}`)
      ).json()) as string[];
      // An afternoon time, so that a 12-hour clock would show: 13:00 or later in Budapest.
      const afternoon = slots.find((s) => new Date(s).getUTCHours() >= 12);
      if (afternoon) {
        chosen = { staffId: staff.id, startAt: afternoon };
        break;
      }
    }
  }
  expect(chosen, "a free afternoon slot in the next two weeks").not.toBeNull();
  const asked = await fetch(`${BASE_URL}/api/v1/public/businesses/demo/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      locationId: location.id,
      itemId: service.id,
      ...chosen,
      name: "Bella",
      email: "bella@example.com",
    }),
  });
  expect(asked.status).toBe(202);
  const mail = await mailTo("bella@example.com", /erősítse meg foglalását/);
  expect(mail.text).toMatch(/\b1[3-9]:\d\d\b/);
  const link = /(https?:\/\/\S+\/confirm-booking\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;

  const phone = await pageAt(browser, 390);
  const missing = missingTranslations(phone);
  await phone.goto(link);
  await phone.getByRole("heading", { name: "Erősítse meg foglalását" }).waitFor();
  await phone.waitForLoadState("networkidle");
  const when = (await phone.getByTestId("booking-when").textContent())!;
  expect(when).toMatch(/\b1[3-9]:\d\d\b/);
  expect(when).not.toMatch(/AM|PM/);
  expect(await phone.getByTestId("booking-request").textContent()).toContain("a helyszínen fizetendő");
  expect(missing).toEqual([]);
  await shot(phone, "booking-confirm-hu-390");
  await phone.context().close();
});

async function mailTo(address: string, subject: RegExp): Promise<{ subject: string; text: string }> {
  // The outbox job sends every 15 seconds.
  for (let i = 0; i < 60; i++) {
    const lines = await readFile(MAIL_LOG, "utf8").catch(() => "");
    const found = lines
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { to: string; subject: string; text: string })
      .filter((m) => m.to === address && subject.test(m.subject))
      .at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`no e-mail to ${address} in ${MAIL_LOG}`);
}

it("U2: signed out, the sign-in page speaks the browser's language; signed in, the staff member's own", async () => {
  const page = await pageAt(browser, 1440, { locale: "hu-HU" });
  const missing = missingTranslations(page);
  try {
    await page.goto(`${BASE_URL}/`);
    await page.getByRole("button", { name: "Bejelentkezés" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("hu");
    // The demo's front desk has no language of their own: the business's (English) once signed in.
    await page.locator('input[autocomplete="username"]').fill("desk@demo.carnet.test");
    await page.locator('input[autocomplete="current-password"]').fill("carnet-demo");
    await page.getByRole("button", { name: "Bejelentkezés" }).click();
    await page.getByTestId("current-user").waitFor();
    await page.getByRole("link", { name: "Customers" }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(missing).toEqual([]);
  } finally {
    await page.context().close();
  }
  const english = await pageAt(browser, 1440, { locale: "en-US" });
  try {
    await english.goto(`${BASE_URL}/`);
    await english.getByRole("button", { name: "Sign in" }).waitFor();
  } finally {
    await english.context().close();
  }
});
