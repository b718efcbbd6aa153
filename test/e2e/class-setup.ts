// The class screens' steps that more than one browser story takes: opening tonight's yoga class on
// its roster, scheduling a class, adding a customer to the roster.
import type { Page } from "playwright-core";

/** A date `YYYY-MM-DD` a day from now in `zone`, so that a class scheduled then has not ended. */
export const tomorrowIn = (zone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(Date.now() + 86_400_000);

/**
 * Today's last yoga class that has not ended (the evening one, with attendees booked from their
 * packages), opened on its roster: from the menu's Classes link, or by going to `classesUrl`.
 */
export async function openTonight(page: Page, classesUrl?: string) {
  if (classesUrl) await page.goto(classesUrl);
  else await page.getByRole("link", { name: "Classes" }).click();
  await openTonightFromSchedule(page);
}

/** The same class, opened from the schedule on screen (in whatever language it speaks). */
export async function openTonightFromSchedule(page: Page) {
  await page.getByTestId("schedule").waitFor();
  await page
    .getByTestId("class-session")
    .filter({ hasText: "Yoga class" })
    .and(page.locator('[data-status="scheduled"]'))
    .last()
    .click();
  await page.getByTestId("roster").waitFor();
}

export interface NewClass {
  type: string;
  instructor: string;
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  start: string;
  end: string;
  capacity: number;
}

/** From the schedule shown: "Schedule a class" filled in with `c`, saved, and the dialog closed. */
export async function scheduleClass(page: Page, c: NewClass) {
  await page.getByRole("button", { name: "Schedule a class" }).click();
  const dialog = page.getByRole("dialog", { name: "Schedule a class" });
  await dialog.getByRole("combobox", { name: "Class type" }).click();
  await page.getByRole("option", { name: c.type }).click();
  await dialog.getByRole("combobox", { name: "Instructor" }).click();
  await page.getByRole("option", { name: c.instructor }).click();
  await dialog.getByLabel("Date").fill(c.date);
  await dialog.getByLabel("Start").fill(c.start);
  await dialog.getByLabel("End").fill(c.end);
  await dialog.getByRole("textbox", { name: "Capacity" }).fill(String(c.capacity));
  await dialog.getByRole("button", { name: "Schedule" }).click();
  await dialog.waitFor({ state: "detached" });
}

/** On an open roster: searches for `search` and adds the customer whose option reads `name`. */
export async function addToClass(page: Page, search: string, name = search) {
  await page.getByPlaceholder("Type a name, phone or e-mail").fill(search);
  await page.getByRole("option", { name: new RegExp(name) }).click();
  await page.getByRole("button", { name: "Add to class" }).click();
}
