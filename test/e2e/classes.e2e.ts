// Classes in Chromium (C1, C2, C7): the front desk opens tonight's yoga class, adds an attendee with
// a 10-class Yoga pass (the credit is booked: "Available in Package"), checks her out on a ticket the
// package covers, closes it at 0 and finds "Package Used" on the roster; cancelling another booking
// gives its credit back to the package.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  BASE_URL,
  closeTicket,
  launch,
  openCustomer,
  overflowX,
  shot,
  shotForDocs,
  signIn,
} from "./browser.js";
import { addToClass, openTonight, scheduleClass, tomorrowIn } from "./class-setup.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
afterAll(async () => browser.close());

const yogaPass = () =>
  page.getByTestId("package-card").filter({ hasText: "10-class Yoga pass" }).getByTestId("line-summary");
const attendee = (name: string) => page.getByTestId("attendee").filter({ hasText: name });

it("adds Gréta with her yoga pass, checks her out at 0 and sees Package Used; cancelling László's booking restores his credit", async () => {
  await signIn(page, "desk@demo.carnet.test");
  // Gréta used one credit yesterday; nothing is booked on her pass yet.
  await openCustomer(page, "Gréta");
  await expect.poll(() => yogaPass().textContent()).toBe("1 of 10 used");

  await openTonight(page);
  expect(await page.getByTestId("attendee").count()).toBe(3);
  expect(await attendee("László Papp").getAttribute("data-payment")).toBe("available_in_package");
  expect(await page.getByTestId("cancelled-bookings").textContent()).toContain("Kata Balogh");
  await addToClass(page, "Gréta", "Gréta Kiss");
  const greta = attendee("Gréta Kiss");
  await greta.waitFor();
  expect(await greta.getAttribute("data-payment")).toBe("available_in_package");
  expect(await greta.getByTestId("payment").textContent()).toContain("Available in Package");
  expect(await greta.getByTestId("package-icon").count()).toBe(1);
  // U1: one wording per meaning: what is left of the pass, and which session of it this is
  expect(await greta.getByTestId("package-counter").textContent()).toBe(
    "10-class Yoga pass: 8 of 10 left · 1 booked",
  );
  expect(await greta.getByTestId("session-number").textContent()).toBe("session 2 of 10");
  expect(await page.getByTestId("session-places").textContent()).toBe("4 of 8 booked");
  // The toast said so; closed, it no longer covers the header in the picture.
  await page.locator(".mantine-Notification-root").getByRole("button").click();
  await page.locator(".mantine-Notification-root").waitFor({ state: "detached" });
  await page.mouse.move(0, 0);
  await shotForDocs(page, "classes-roster");

  // Available in Package → a ticket covered by the pass. Booked in store, the credit counts as used
  // as soon as the ticket exists, open or not (C6).
  await greta.getByRole("button", { name: "Available in Package" }).click();
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  await page.goBack();
  await expect.poll(() => attendee("Gréta Kiss").getAttribute("data-payment")).toBe("package_used");
  await attendee("Gréta Kiss").getByRole("link", { name: "Ticket" }).click();
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  const line = page.getByTestId("ticket-line").first();
  await line.getByTestId("price-package").waitFor();
  expect(await line.textContent()).toContain("Yoga class");
  expect(await page.getByTestId("ticket-total").textContent()).toMatch(/^0\s*Ft$/);
  await closeTicket(page);

  await openTonight(page);
  await expect.poll(() => attendee("Gréta Kiss").getAttribute("data-payment")).toBe("package_used");
  expect(await attendee("Gréta Kiss").getByTestId("payment").textContent()).toContain("Package Used");
  expect(await attendee("Gréta Kiss").getByTestId("package-counter").textContent()).toBe(
    "10-class Yoga pass: 8 of 10 left",
  );
  await openCustomer(page, "Gréta");
  await expect.poll(() => yogaPass().textContent()).toBe("2 of 10 used");

  // László cancels tonight: his booked credit goes back to the pass (the other one waits for the
  // decision on yesterday's no-show).
  await openCustomer(page, "László");
  await expect.poll(() => yogaPass().textContent()).toBe("2 of 10 used (2 booked)");
  await openTonight(page);
  await attendee("László Papp").getByRole("button", { name: "Cancel booking" }).click();
  await page
    .getByRole("dialog", { name: "Cancel this booking?" })
    .getByRole("button", { name: "Cancel booking" })
    .click();
  await expect.poll(() => attendee("László Papp").count()).toBe(0);
  expect(await page.getByTestId("cancelled-bookings").textContent()).toContain("László Papp");
  expect(await page.getByTestId("session-places").textContent()).toBe("3 of 8 booked");
  await openCustomer(page, "László");
  await expect.poll(() => yogaPass().textContent()).toBe("1 of 10 used (1 booked)");
});

it("shows the schedule with statuses and the no-shows to review, and staff release a no-show's credit", async () => {
  await page.goto(`${BASE_URL}/classes`);
  await page.getByTestId("schedule").waitFor();
  await page.getByText("Week", { exact: true }).click();
  await expect.poll(() => page.getByTestId("schedule-period").textContent()).toMatch(/^Week of/);
  await page.getByTestId("class-session").first().waitFor();
  const statuses = await page
    .getByTestId("class-session")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
  expect(statuses).toContain("scheduled");
  const review = page.getByTestId("review-row");
  expect(await review.count()).toBe(1);
  expect(await review.textContent()).toContain("László Papp");
  await page.mouse.move(0, 0);
  await shotForDocs(page, "classes-schedule");

  await review.getByRole("button", { name: "Give it back" }).click();
  await expect.poll(() => page.getByTestId("review-row").count()).toBe(0);
  await page.getByText("Nothing to review").waitFor();
});

it("fits a 768×1024 tablet without scrolling sideways: the schedule and the roster", async () => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${BASE_URL}/classes`);
  await page.getByTestId("schedule").waitFor();
  expect(await overflowX(page)).toBe(0);
  await page.getByTestId("class-session").filter({ hasText: "Yoga class" }).last().click();
  await page.getByTestId("roster").waitFor();
  expect(await overflowX(page)).toBe(0);
  await shot(page, "classes-roster-tablet");
  await page.setViewportSize({ width: 1280, height: 800 });
});

it("a manager schedules a class, fills it with a new customer, is told in plain words when it is full, and cancels it", async () => {
  const manager = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const own = page;
  page = manager;
  try {
    await signIn(page, "manager@demo.carnet.test");
    await page.getByRole("link", { name: "Classes" }).click();
    // Tomorrow in Budapest, so that the class has not ended whenever the test runs.
    await scheduleClass(page, {
      type: "Haircut Training",
      instructor: "Petra Practitioner",
      date: tomorrowIn("Europe/Budapest"),
      start: "21:00",
      end: "22:00",
      capacity: 1,
    });
    const created = page.getByTestId("class-session").filter({ hasText: "21:00–22:00" });
    await created.waitFor();
    expect(await created.textContent()).toContain("Haircut Training");
    expect(await created.getByTestId("places").textContent()).toBe("0 of 1 booked");
    await created.click();
    await page.getByTestId("empty-roster").waitFor();

    await page.getByRole("button", { name: "New customer…" }).click();
    await page.getByRole("textbox", { name: /Name/ }).fill("Walk-in Wanda");
    await page.getByRole("textbox", { name: "Phone" }).fill("+36 30 000 1111");
    await page.getByRole("button", { name: "Add new customer to class" }).click();
    await attendee("Walk-in Wanda").waitFor();
    expect(await attendee("Walk-in Wanda").getAttribute("data-payment")).toBe("price");
    expect(await page.getByTestId("session-places").textContent()).toBe("1 of 1 booked");

    await addToClass(page, "Hédi", "Hédi Molnár");
    await expect
      .poll(() => page.getByTestId("add-error").textContent())
      .toBe("This class is full: every place is taken.");

    await page.getByRole("button", { name: "Cancel session" }).click();
    const confirm = page.getByRole("dialog", { name: "Cancel this class?" });
    await confirm.getByRole("textbox", { name: /Reason/ }).fill("no instructor");
    await confirm.getByRole("button", { name: "Cancel session" }).click();
    await expect.poll(() => page.getByTestId("session-status").getAttribute("data-status")).toBe("cancelled");
    expect(await page.getByTestId("payment").textContent()).toBe("Class cancelled: nothing to pay");
  } finally {
    page = own;
    await manager.close();
  }
});
