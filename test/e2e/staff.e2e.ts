// O2: the Staff screen on the demo server. The owner invites a practitioner (the invitation waits in
// the list), changes a role, deactivates a member whose own open browser session is then refused
// and lands on sign-in, reactivates them, sets working hours (a bad time is refused next to the
// field), and makes an API token that is shown once, works, and stops working once revoked. A
// manager sees hours and tokens but not the owner's controls; the front desk has no Staff screen.
// Everything changed on the shared demo data is put back before the test ends.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BASE_URL, launch, shot, signIn } from "./browser.js";

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser.close();
});

async function newPage(width: number, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

const PRACTITIONER = "Petra Practitioner";
const memberRow = (page: Page, name: string) => page.getByTestId("staff-member").filter({ hasText: name });

async function openStaff(page: Page) {
  await page.getByRole("link", { name: /^Staff/ }).click();
  await page.getByRole("heading", { name: "Staff", exact: true }).waitFor();
  await memberRow(page, PRACTITIONER).waitFor();
}

/** A request from the page with its session cookie (and CSRF token for writes), as the app sends it. */
function fetchFrom(page: Page, path: string, init: { method?: string; token?: string } = {}) {
  return page.evaluate(
    async ({ path, init }) => {
      const headers: Record<string, string> = {};
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      const r = await fetch(path, {
        method: init.method ?? "GET",
        headers,
        credentials: init.token ? "omit" : "same-origin",
      });
      return { status: r.status, body: await r.text() };
    },
    { path, init },
  );
}

it("O2: the owner invites, changes a role, deactivates (the member's open session ends), sets working hours and makes and revokes an API token", async () => {
  const page = await newPage(1280);
  await signIn(page, "owner@demo.carnet.test");
  await openStaff(page);
  // every member with e-mail, role, home location and status
  const row = memberRow(page, PRACTITIONER);
  await expect(row.textContent()).resolves.toContain("practitioner@demo.carnet.test");
  await expect(row.textContent()).resolves.toContain("Budapest, Andrássy út");
  await expect(row.textContent()).resolves.toContain("Active");

  // --- invite: the invitation waits in the list, with resend and cancel
  const email = `new.practitioner.${Date.now()}@example.test`;
  const invite = page.getByRole("form", { name: "Invite staff" });
  await invite.getByLabel("Name").fill("Nóra New");
  await invite.getByLabel("E-mail").fill(email);
  await invite.getByRole("button", { name: "Send invitation" }).click();
  const invitation = page.getByTestId("invitation").filter({ hasText: email });
  await invitation.waitFor();
  await expect(invitation.textContent()).resolves.toContain("Practitioner");
  await expect(invitation.textContent()).resolves.toContain("Pending");
  // the same address again is refused, next to the field
  await invite.getByLabel("Name").fill("Nóra New");
  await invite.getByLabel("E-mail").fill(email);
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await invite.getByText("already invited").waitFor();

  // --- the member's own browser, signed in
  const theirs = await newPage(390, 844);
  await signIn(theirs, "practitioner@demo.carnet.test");

  // --- change a role, and back
  const changeRole = async (to: string) => {
    await page.getByRole("combobox", { name: `Role of ${PRACTITIONER}` }).click();
    await page.getByRole("option", { name: to }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Make ${to.toLowerCase()}` })
      .click();
    await page.getByText(`${PRACTITIONER} is now ${to.toLowerCase()}.`).waitFor();
  };
  await changeRole("Front desk");
  await expect
    .poll(() => page.getByRole("combobox", { name: `Role of ${PRACTITIONER}` }).inputValue())
    .toBe("Front desk");
  // the member's next request has the new role: the till is theirs now
  expect((await fetchFrom(theirs, "/api/v1/auth/me")).body).toContain('"role":"front_desk"');
  await changeRole("Practitioner");

  try {
    // --- deactivate: the confirmation says what happens
    await row.getByRole("button", { name: `Deactivate ${PRACTITIONER}` }).click();
    const dialog = page.getByRole("dialog", { name: `Deactivate ${PRACTITIONER}?` });
    await dialog.waitFor();
    const said = await dialog.textContent();
    expect(said).toContain("signed out at once");
    expect(said).toContain("hidden from the calendar and from online booking");
    expect(said).toContain("history stays");
    await shot(page, "staff-deactivate-confirm");
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await page.getByText(`${PRACTITIONER} is deactivated and signed out.`).waitFor();
    await row.getByText("Deactivated").waitFor();

    // their open session is refused on the very next request, and a reload lands on sign-in
    expect((await fetchFrom(theirs, "/api/v1/auth/me")).status).toBe(401);
    await theirs.reload();
    await theirs.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await theirs.getByTestId("current-user").count()).toBe(0);
    // the calendar no longer offers them; the online catalog neither
    const staff = JSON.parse((await fetchFrom(page, "/api/v1/public/businesses/demo")).body) as {
      staff: Array<{ name: string }>;
    };
    expect(staff.staff.map((s) => s.name)).not.toContain(PRACTITIONER);
    await shot(page, "staff-1280");
  } finally {
    // --- reactivate: they sign in again
    await row.getByRole("button", { name: `Reactivate ${PRACTITIONER}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reactivate" }).click();
    await page.getByText(`${PRACTITIONER} is active again and can sign in.`).waitFor();
  }
  await signIn(theirs, "practitioner@demo.carnet.test");

  // --- working hours: Monday 10:00-12:00 at the home location; a bad time is refused at its field
  await row.getByRole("button", { name: `Working hours of ${PRACTITIONER}` }).click();
  const hours = page.getByRole("dialog", { name: `Working hours: ${PRACTITIONER}` });
  await hours.getByTestId("working-hours-note").waitFor();
  await hours.getByRole("button", { name: "Add hours on Monday" }).click();
  await hours.getByLabel("Monday from").fill("10:00");
  await hours.getByLabel("Monday until").fill("25:00");
  await hours.getByRole("button", { name: /^Save working hours/ }).click();
  await hours.getByText("Must be a time written HH:MM (00:00 to 24:00).").waitFor();
  await hours.getByLabel("Monday until").fill("12:00");
  await hours.getByRole("button", { name: /^Save working hours/ }).click();
  await page.getByText(/Working hours of Petra Practitioner at .* saved\./).waitFor();
  await expect(hours.getByTestId("working-hours-note").textContent()).resolves.toContain(
    "only inside these hours",
  );
  await shot(page, "staff-working-hours-1280");
  const me = JSON.parse((await fetchFrom(theirs, "/api/v1/auth/me")).body) as { staff: { id: string } };
  const saved = JSON.parse((await fetchFrom(page, `/api/v1/staff/${me.staff.id}/working-hours`)).body) as {
    scheduled: boolean;
    locations: Array<{ hours: Array<{ weekday: number; start: string; end: string }> }>;
  };
  expect(saved.scheduled).toBe(true);
  expect(saved.locations.flatMap((l) => l.hours)).toEqual([{ weekday: 1, start: "10:00", end: "12:00" }]);
  // put the demo back: no hours, offered whenever open
  await hours.getByRole("button", { name: "Remove Monday 10:00–12:00" }).click();
  await hours.getByRole("button", { name: /^Save working hours/ }).click();
  await hours.getByText(/No working hours yet/).waitFor();
  await page.keyboard.press("Escape");

  // --- an API token: shown once, works, revoked → refused
  const tokens = page.getByTestId("api-tokens");
  const name = `E2E widget ${Date.now()}`;
  await tokens.getByLabel("Name").fill(name);
  await tokens.getByLabel("Expires in (days)").fill("30");
  await tokens.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByRole("dialog", { name: `Token "${name}" created` });
  await shown.waitFor();
  await shown.getByText("This is the only time Carnet shows this token").waitFor();
  const secret = (await shown.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^carnet_\S{20,}$/);
  await shown.getByRole("button", { name: "Copy token" }).waitFor();
  await shot(page, "staff-token-shown-1280");
  expect((await fetchFrom(theirs, "/api/v1/customers?q=a", { token: secret })).status).toBe(200);
  await shown.getByRole("button", { name: "I have copied it" }).click();
  await shown.waitFor({ state: "hidden" });
  // listed without the secret, with its expiry and last use
  const card = page.getByTestId("api-token").filter({ hasText: name });
  await card.waitFor();
  await page.reload();
  await card.getByText("Active", { exact: true }).waitFor();
  expect(await page.content()).not.toContain(secret);
  expect(await card.textContent()).toContain("Acts as Olga Owner");
  expect(await card.textContent()).toMatch(/Expires .* · last used /);
  await card.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await card.getByText("Revoked", { exact: true }).waitFor();
  expect((await fetchFrom(theirs, "/api/v1/customers?q=a", { token: secret })).status).toBe(401);

  // --- cancel the invitation again
  await invitation.getByRole("button", { name: `Cancel invitation of ${email}` }).click();
  await invitation.waitFor({ state: "detached" });
}, 240_000);

it("O2, U3: at 390 px the members are cards, and every control fits", async () => {
  const page = await newPage(390, 844);
  await signIn(page, "owner@demo.carnet.test");
  await page.getByRole("button", { name: "Menu" }).click();
  await openStaff(page);
  const card = memberRow(page, PRACTITIONER);
  // a card, not a table row
  expect(await card.evaluate((el) => el.tagName)).not.toBe("TR");
  expect(await page.locator("table").count()).toBe(0);
  // nothing wider than the screen
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(390);
  for (const button of await card.getByRole("button").all()) {
    const box = await button.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
  }
  await shot(page, "staff-390");
  await card.getByRole("button", { name: `Working hours of ${PRACTITIONER}` }).click();
  const hours = page.getByRole("dialog", { name: `Working hours: ${PRACTITIONER}` });
  await hours.getByTestId("working-hours-note").waitFor();
  await hours.getByRole("button", { name: "Add hours on Tuesday" }).click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, "staff-working-hours-390");
  await page.keyboard.press("Escape");
  await page.getByTestId("api-tokens").scrollIntoViewIfNeeded();
  await shot(page, "staff-tokens-390");
});

it("O2: a manager sees working hours and API tokens but not the owner's controls; the front desk has no Staff screen", async () => {
  const page = await newPage(1280);
  await signIn(page, "manager@demo.carnet.test");
  await openStaff(page);
  expect(await page.getByRole("button", { name: `Deactivate ${PRACTITIONER}` }).count()).toBe(0);
  expect(await page.getByRole("combobox", { name: `Role of ${PRACTITIONER}` }).count()).toBe(0);
  expect(await page.getByRole("form", { name: "Invite staff" }).count()).toBe(0);
  await page.getByRole("button", { name: `Working hours of ${PRACTITIONER}` }).waitFor();
  await page.getByTestId("api-tokens").waitFor();
  await shot(page, "staff-manager-1280");

  const desk = await newPage(1280);
  await signIn(desk, "desk@demo.carnet.test");
  await desk.getByRole("link", { name: "Customers" }).waitFor();
  expect(await desk.getByRole("link", { name: /^Staff/ }).count()).toBe(0);
  await desk.goto(`${BASE_URL}/staff`);
  await desk.waitForURL(/\/customers$/);
});

it("O2: the owner edits a location's opening hours in the Catalog's Locations tab", async () => {
  const page = await newPage(1280);
  await signIn(page, "owner@demo.carnet.test");
  await page.goto(`${BASE_URL}/catalog?tab=locations`);
  await page.getByRole("button", { name: "Edit Budapest, Andrássy út" }).click();
  const editor = page.getByTestId("opening-hours");
  await editor.waitFor();
  await editor.getByText("No opening hours yet").waitFor();
  await editor.getByRole("button", { name: "Add hours on Sunday" }).click();
  await editor.getByLabel("Sunday from").fill("10:00");
  await editor.getByLabel("Sunday until").fill("14:00");
  await editor.getByRole("button", { name: "Add hours on Sunday" }).click();
  await editor.getByLabel("Sunday from").nth(1).fill("13:00");
  await editor.getByLabel("Sunday until").nth(1).fill("16:00");
  await editor.getByRole("button", { name: /^Save opening hours/ }).click();
  // the overlap is refused next to the interval it is about
  await editor.getByText(/Two time ranges of the same day overlap/).waitFor();
  await shot(page, "staff-opening-hours-1280");
  // nothing was saved
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Edit Budapest, Andrássy út" }).click();
  await page.getByTestId("opening-hours").getByText("No opening hours yet").waitFor();
});
