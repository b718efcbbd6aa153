// The links customers get, in a real Chromium against the real server: the balance link that the
// front desk makes and replaces (R4), and the link e-mailed for an online booking (A10), opened on
// a phone; and the owner's online booking window in Settings.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { BASE_URL, launch, MAIL_LOG, openCustomer, SHOTS, shot, signIn } from "./browser.js";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
});

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  return context.newPage();
}

it("R4: the front desk makes a balance link, shown once; a new one ends the old, which then shows not valid", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Éva");
  await page.getByRole("tab", { name: "Balance link" }).click();
  expect(await page.getByTestId("balance-link-status").textContent()).toContain("has no balance link yet");
  await page.getByTestId("make-balance-link").click();
  const first = (await page.getByTestId("balance-url").textContent())!;
  expect(first).toMatch(/\/balance\/[A-Za-z0-9_-]{40,}$/);
  await page.getByTestId("balance-link-once").waitFor();
  await page.getByAltText("QR code of the balance link").waitFor();
  await shot(page, "balance-link-made");

  // After a reload the link is not shown again: only that there is one, and since when.
  await page.reload();
  await page.getByRole("tab", { name: "Balance link" }).click();
  expect(await page.getByTestId("balance-link-status").textContent()).toContain("has a balance link, made");
  expect(await page.getByTestId("balance-url").count()).toBe(0);
  expect(await page.content()).not.toContain(first.split("/balance/")[1]);

  await page.getByTestId("make-balance-link").click();
  await page.getByRole("dialog", { name: "Make a new balance link?" }).waitFor();
  await shot(page, "balance-link-confirm-new");
  await page.getByTestId("confirm-balance-link").click();
  await page.getByTestId("balance-link-made").waitFor();
  const second = (await page.getByTestId("balance-url").textContent())!;
  expect(second).not.toBe(first);

  const phone = await phonePage();
  await phone.goto(first);
  await phone.getByTestId("balance-error").waitFor();
  expect(await phone.getByTestId("balance-package").count()).toBe(0);
  expect(await phone.content()).not.toContain("Éva");
  await phone.screenshot({ path: join(SHOTS, "balance-link-replaced-phone.png"), fullPage: true });
  await phone.goto(second);
  await phone.getByTestId("balance-package").first().waitFor();
  expect(await phone.getByRole("heading", { name: "Hello Éva!" }).count()).toBe(1);
  await phone.context().close();

  // The profile at phone width, with the link just made.
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "balance-link-made-390");
});

it("R4: a practitioner sees whether a link exists, but cannot make one", async () => {
  await signIn(page, "practitioner@demo.carnet.test");
  await openCustomer(page, "Éva");
  await page.getByRole("tab", { name: "Balance link" }).click();
  expect(await page.getByTestId("balance-link-status").textContent()).toContain("has a balance link");
  expect(await page.getByTestId("make-balance-link").count()).toBe(0);
});

/** The message the server wrote to its mail log (no SMTP server here) for this address. */
async function mailTo(address: string): Promise<{ subject: string; text: string }> {
  const file = MAIL_LOG;
  // The outbox job sends every 15 seconds.
  for (let i = 0; i < 60; i++) {
    const lines = await readFile(file, "utf8").catch(() => "");
    for (const line of lines.split("\n").filter(Boolean)) {
      const m = JSON.parse(line) as { to: string; subject: string; text: string };
      if (m.to === address) return m;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`no e-mail to ${address} in ${file}`);
}

async function json<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${BASE_URL}${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Catalog {
  locations: Array<{ id: string; name: string }>;
  services: Array<{ id: string; name: string }>;
  staff: Array<{ id: string; name: string }>;
}

it("A10: an online booking is made only from the e-mailed link: the page shows it, Confirm books it once", async () => {
  const catalog = (await json<Catalog>("/api/v1/public/businesses/demo")).body;
  const location = catalog.locations.find((l) => l.name === "Budapest") ?? catalog.locations[0]!;
  const service = catalog.services.find((s) => s.name === "Manicure") ?? catalog.services[0]!;
  let chosen: { staffId: string; startAt: string } | null = null;
  for (let day = 1; day <= 14 && !chosen; day++) {
    const date = new Date(Date.now() + day * 86_400_000).toISOString().slice(0, 10);
    for (const staff of catalog.staff) {
      const q = `locationId=${location.id}&staffId=${staff.id}&itemId=${service.id}&date=${date}`;
      const slots = (await json<string[]>(`/api/v1/public/businesses/demo/slots?${q}`)).body;
      if (slots.length > 0) {
        chosen = { staffId: staff.id, startAt: slots[Math.floor(slots.length / 2)]! };
        break;
      }
    }
  }
  expect(chosen, "a free slot in the next two weeks").not.toBeNull();
  const email = `e2e.${Date.now()}@example.test`;
  const asked = await json<{ status: string; message: string }>("/api/v1/public/businesses/demo/bookings", {
    method: "POST",
    body: JSON.stringify({
      locationId: location.id,
      itemId: service.id,
      ...chosen,
      name: "Zsófi Online",
      email,
      phone: "+36 30 555 1234",
    }),
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(202);
  expect(asked.body.status).toBe("awaiting_confirmation");

  const mail = await mailTo(email);
  expect(mail.subject).toBe("Confirm your booking at Carnet Demo Salon & Spa");
  const link = /(https?:\/\/\S+\/confirm-booking\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;

  const phone = await phonePage();
  await phone.goto(link);
  await phone.getByTestId("booking-request").waitFor();
  expect(await phone.getByTestId("booking-request").getAttribute("data-status")).toBe(
    "awaiting_confirmation",
  );
  expect(await phone.getByRole("heading", { name: "Confirm your booking" }).count()).toBe(1);
  expect(await phone.getByTestId("booking-request").textContent()).toContain("Manicure");
  await phone.screenshot({ path: join(SHOTS, "booking-confirm-phone.png"), fullPage: true });

  await phone.getByTestId("confirm-booking").click();
  await phone.getByTestId("booking-confirmed").waitFor();
  expect(await phone.getByTestId("booking-request").getAttribute("data-status")).toBe("confirmed");
  await phone.screenshot({ path: join(SHOTS, "booking-confirmed-phone.png"), fullPage: true });

  // Opening the link again shows the booking; it books nothing more.
  await phone.reload();
  await phone.getByTestId("booking-confirmed").waitFor();
  await phone.context().close();

  // The desk finds the new customer, made when the link was opened, with the booking.
  await signIn(page, "desk@demo.carnet.test");
  await page.goto(`${BASE_URL}/customers`);
  await page.getByLabel("Search customers").fill("Zsófi");
  await page.getByTestId("customer-row").filter({ hasText: "Zsófi Online" }).first().waitFor();

  // A wrong link says so, on a desktop too.
  await page.goto(`${BASE_URL}/confirm-booking/not-a-real-link-of-this-salon-0000000`);
  await page.getByTestId("booking-trouble").waitFor();
  expect(await page.getByTestId("booking-trouble").textContent()).toContain("not valid");
  await shot(page, "booking-link-not-valid");
});

it("A10: the owner sets the online booking window in Settings", async () => {
  await signIn(page, "owner@demo.carnet.test");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Online booking" }).waitFor();
  const daysAhead = page.getByRole("textbox", { name: "How far ahead customers may book" });
  expect(await daysAhead.inputValue()).toBe("60 days");
  expect(await page.getByTestId("online-booking-summary").textContent()).toBe(
    "Customers can book online up to 60 days ahead, at least 2 hours before the time.",
  );
  await daysAhead.fill("30");
  await page.getByRole("combobox", { name: "Minimum notice" }).click();
  await page.getByRole("option", { name: "1 day", exact: true }).click();
  expect(await page.getByTestId("online-booking-summary").textContent()).toBe(
    "Customers can book online up to 30 days ahead, at least 1 day before the time.",
  );
  await shot(page, "settings-online-booking");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
  const catalog = (await json<{ bookingWindow: object }>("/api/v1/public/businesses/demo")).body;
  expect(catalog.bookingWindow).toEqual({ daysAhead: 30, minNoticeMinutes: 1440 });

  // Back to the defaults, as the other tests expect them.
  await page.reload();
  await page.getByRole("heading", { name: "Online booking" }).waitFor();
  await daysAhead.fill("60");
  await page.getByRole("combobox", { name: "Minimum notice" }).click();
  await page.getByRole("option", { name: "2 hours", exact: true }).click();
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
});
