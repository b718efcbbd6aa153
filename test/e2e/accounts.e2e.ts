// O1, O2 in the browser, on a Carnet of the test's own (empty, demo mode off, CARNET_SIGNUP=open):
// "Create your business" says what is wrong with wrong input and lands the owner on the start page;
// change password from the account menu; "forgot password" through the e-mailed link (the new
// password works, the old one no longer); at 390 px the create and sign-in pages work; a second
// business signs up through its e-mailed link; a person who is staff of two businesses (joined the
// second through an invitation, with their existing password) picks the business at sign-in.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { launch, shot } from "./browser.js";
import { type OwnServer, startOwnServer } from "./own-server.js";

let browser: Browser;
let server: OwnServer;
const contexts: BrowserContext[] = [];

const ANNA = { name: "Anna Kovács", email: "anna@salon-anna.example", business: "Salon Anna" };
const BELA = { name: "Béla Szabó", email: "bela@studio-bela.example", business: "Studio Béla" };
let annaPassword = "first-password-1";

beforeAll(async () => {
  // One at a time: a browser that fails to start must not leave the server running.
  server = await startOwnServer({ CARNET_SIGNUP: "open" });
  browser = await launch();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// A failed step leaves a picture of every page the test had open.
afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    const pages = contexts.flatMap((c) => c.pages());
    await Promise.all(pages.map((p, i) => shot(p, `accounts-failed-${context.task.name.slice(0, 30)}-${i}`)));
  }
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: width < 500 ? 844 : 900 },
    timezoneId: "Europe/Budapest",
    // an English-reading owner in Hungary: the region gives the defaults, the language the words
    locale: "en-HU",
  });
  contexts.push(context);
  return context.newPage();
}

const at = (path: string) => `${server.url}${path}`;

interface Mail {
  to: string;
  subject: string;
  text: string;
}
const mails = (): Mail[] =>
  server
    .mails()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Mail);

/** The link in the next mail to `to` whose subject matches, after `before` such mails were there. */
async function nextLink(to: string, subject: RegExp, before: number): Promise<string> {
  const deadline = Date.now() + 50_000; // the outbox sends every 15 s
  for (;;) {
    const found = mails().filter((m) => m.to === to && subject.test(m.subject));
    if (found.length > before) {
      const link = /https?:\/\/\S+/.exec(found[found.length - 1]!.text)?.[0];
      if (!link) throw new Error(`no link in the mail to ${to}`);
      return link;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const mailCount = (to: string, subject: RegExp) =>
  mails().filter((m) => m.to === to && subject.test(m.subject)).length;

/** An input by its label (a required field's label ends in an asterisk the accessible name leaves out). */
const field = (scope: Page | Locator, name: string) =>
  scope.getByRole("textbox", { name, exact: true }).or(scope.getByRole("combobox", { name, exact: true }));

/** The words shown with the input (its description and error), as a screen reader reads them. */
async function wordsAt(page: Page, label: string): Promise<string> {
  const input = field(page, label);
  const ids = ((await input.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

/** Waits until the input shows `text` (a server answer: password checks take a while). */
async function expectWordsAt(page: Page, label: string, text: string) {
  await expect.poll(() => wordsAt(page, label), { timeout: 30_000 }).toContain(text);
}

async function noSideways(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

async function signIn(page: Page, email: string, password: string) {
  await field(page, "E-mail").fill(email);
  await field(page, "Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}

async function fillCreateBusiness(page: Page, o: { password: string; repeat?: string; email: string }) {
  await field(page, "Business name").fill(ANNA.business);
  await field(page, "Location name").fill("Andrássy út");
  await field(page, "Address").fill("Andrássy út 1, 1061 Budapest");
  await field(page, "Your name").fill(ANNA.name);
  await field(page, "E-mail").fill(o.email);
  await field(page, "Password").fill(o.password);
  await field(page, "Password again").fill(o.repeat ?? o.password);
}

it("O1: an empty Carnet asks to create the business, and says what is wrong with wrong input", async () => {
  const page = await newPage();
  await page.goto(at("/"));
  await page.getByRole("heading", { name: "Create your business" }).waitFor();
  // The browser's zone and its region's currency are the defaults.
  expect(await field(page, "Time zone").inputValue()).toBe("Europe/Budapest");
  expect(await field(page, "Currency").inputValue()).toMatch(/^HUF/);

  await fillCreateBusiness(page, { email: ANNA.email, password: "short" });
  await page.getByRole("button", { name: "Create business" }).click();
  await expectWordsAt(page, "Password", "Must be at least 10 characters.");

  await fillCreateBusiness(page, { email: "anna@", password: annaPassword });
  await page.getByRole("button", { name: "Create business" }).click();
  await expectWordsAt(page, "E-mail", "Must be an e-mail address.");
  expect(await wordsAt(page, "Password")).not.toContain("Must be");

  await fillCreateBusiness(page, { email: ANNA.email, password: annaPassword, repeat: "something-else" });
  await page.getByRole("button", { name: "Create business" }).click();
  await expectWordsAt(page, "Password again", "The two passwords differ");
  await shot(page, "accounts-create-business-errors");

  // Nothing was created: another visit still offers to create the business.
  const again = await newPage();
  await again.goto(at("/customers"));
  await again.getByRole("heading", { name: "Create your business" }).waitFor();
});

it("O1: at 390 px the owner creates the business and lands signed in on the start page", async () => {
  const page = await newPage(390);
  await page.goto(at("/"));
  await page.getByRole("heading", { name: "Create your business" }).waitFor();
  await noSideways(page);
  await shot(page, "accounts-create-business-390");
  await fillCreateBusiness(page, { email: ANNA.email, password: annaPassword });
  await page.getByRole("button", { name: "Create business" }).click();

  await page.getByRole("heading", { name: `Welcome to ${ANNA.business}` }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/");
  const steps = page.getByTestId("start-step");
  expect(await steps.count()).toBe(3);
  expect(await steps.nth(0).textContent()).toContain("Add your services");
  expect(await steps.nth(1).textContent()).toContain("Create a package");
  expect(await steps.nth(2).textContent()).toContain("Add staff");
  expect(await page.getByRole("link", { name: "Add services" }).getAttribute("href")).toBe(
    "/catalog?tab=services",
  );
  expect(await page.getByRole("link", { name: "Create a package" }).getAttribute("href")).toBe(
    "/catalog?tab=templates",
  );
  expect(await page.getByRole("link", { name: "Add staff" }).getAttribute("href")).toBe("/staff");
  await noSideways(page);
  await shot(page, "accounts-start-page-390");
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("link", { name: "Getting started" }).waitFor();

  // The installation is no longer empty: a signed-out visitor gets the sign-in page.
  const other = await newPage();
  await other.goto(at("/"));
  await other.getByRole("heading", { name: "Sign in" }).waitFor();
  expect(await other.getByRole("heading", { name: "Create your business" }).count()).toBe(0);
});

it("O2: the owner changes her password from the account menu; the new one signs in", async () => {
  const page = await newPage();
  await page.goto(at("/"));
  await signIn(page, ANNA.email, annaPassword);
  await page.getByRole("heading", { name: `Welcome to ${ANNA.business}` }).waitFor();
  await shot(page, "accounts-start-page");

  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "Change password" }).click();
  const dialog = page.getByRole("dialog", { name: "Change your password" });
  await field(dialog, "Current password").fill("not-my-password");
  await field(dialog, "New password").fill("second-password-2");
  await field(dialog, "New password again").fill("second-password-2");
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expectWordsAt(page, "Current password", "This is not your current password.");
  await shot(page, "accounts-change-password-wrong");

  await field(dialog, "Current password").fill(annaPassword);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed.").waitFor();
  annaPassword = "second-password-2";

  await signOut(page);
  await signIn(page, ANNA.email, annaPassword);
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByTestId("current-user").textContent()).toBe(ANNA.name);
});

it("O2: forgot password: the mailed link sets a new password; the old one no longer works", async () => {
  const page = await newPage();
  await page.goto(at("/"));
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await field(page, "E-mail").fill(ANNA.email);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
  expect(await field(page, "E-mail").inputValue()).toBe(ANNA.email);
  const before = mailCount(ANNA.email, /Reset your Carnet password/);
  await page.getByRole("button", { name: "Send me a link" }).click();
  expect(await page.getByTestId("reset-sent").textContent()).toContain(
    "If this address has a Carnet account",
  );

  const link = await nextLink(ANNA.email, /Reset your Carnet password/, before);
  expect(new URL(link).pathname).toMatch(/^\/reset-password\//);
  await page.goto(link);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  await field(page, "New password").fill("tiny");
  await field(page, "New password again").fill("tiny");
  await page.getByRole("button", { name: "Change password" }).click();
  await expectWordsAt(page, "New password", "Must be at least 10 characters.");
  await field(page, "New password").fill("third-password-3");
  await field(page, "New password again").fill("third-password-3");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByTestId("password-set").waitFor();
  await shot(page, "accounts-password-reset-done");
  const old = annaPassword;
  annaPassword = "third-password-3";

  // The link worked once.
  const reused = await newPage();
  await reused.goto(link);
  await reused.getByTestId("link-trouble").waitFor();

  await page.getByRole("link", { name: "Sign in" }).click();
  await signIn(page, ANNA.email, old);
  await page.getByRole("alert").filter({ hasText: "E-mail or password is wrong." }).waitFor();
  await signIn(page, ANNA.email, annaPassword);
  await page.getByTestId("current-user").waitFor();
});

it("at 390 px the sign-in page works", async () => {
  const page = await newPage(390);
  await page.goto(at("/"));
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await noSideways(page);
  await shot(page, "accounts-sign-in-390");
  await signIn(page, ANNA.email, annaPassword);
  await page.getByTestId("current-user").waitFor();
  await noSideways(page);
});

it("O1: with CARNET_SIGNUP=open a second business signs up from the sign-in page through the mailed link", async () => {
  const page = await newPage();
  await page.goto(at("/"));
  await page.getByRole("link", { name: "Create your business" }).click();
  await page.getByRole("heading", { name: "Create your business" }).waitFor();
  expect(await field(page, "Password").count()).toBe(0);
  await field(page, "Business name").fill(BELA.business);
  await field(page, "Your name").fill(BELA.name);
  await field(page, "E-mail").fill("bela@");
  await page.getByRole("button", { name: "Send me the link" }).click();
  await expectWordsAt(page, "E-mail", "Must be an e-mail address.");
  await field(page, "E-mail").fill(BELA.email);
  const before = mailCount(BELA.email, /Create Studio Béla/);
  await page.getByRole("button", { name: "Send me the link" }).click();
  expect(await page.getByTestId("sign-up-sent").textContent()).toContain(BELA.email);
  await shot(page, "accounts-sign-up-sent");

  const link = await nextLink(BELA.email, /Create Studio Béla/, before);
  expect(new URL(link).pathname).toMatch(/^\/sign-up\//);
  await page.goto(link);
  await page.getByRole("heading", { name: `Create ${BELA.business}` }).waitFor();
  await field(page, "Choose a password").fill("bela-password-1");
  await field(page, "Password again").fill("bela-password-1");
  await shot(page, "accounts-sign-up-link");
  await page.getByRole("button", { name: "Create business" }).click();
  await page.getByRole("heading", { name: `Welcome to ${BELA.business}` }).waitFor();
  expect(await page.getByTestId("current-user").textContent()).toBe(BELA.name);
});

it("O1: a person who is staff of two businesses joins the second with her password and picks the business at sign-in", async () => {
  // Béla invites Anna (owner of Salon Anna) to Studio Béla as a practitioner.
  const bela = await newPage();
  await bela.goto(at("/"));
  await signIn(bela, BELA.email, "bela-password-1");
  await bela.getByTestId("current-user").waitFor();
  const before = mailCount(ANNA.email, /invited you to Studio Béla/);
  const invited = await bela.evaluate(async (anna) => {
    const me = await (await fetch("/api/v1/auth/me")).json();
    const r = await fetch("/api/v1/staff/invitations", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": me.csrfToken,
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({
        name: anna.name,
        email: anna.email,
        role: "practitioner",
        homeLocationId: me.location.id,
      }),
    });
    return r.status;
  }, ANNA);
  expect(invited).toBe(201);

  const link = await nextLink(ANNA.email, /invited you to Studio Béla/, before);
  const page = await newPage();
  await page.goto(link);
  await page.getByRole("heading", { name: `Join ${BELA.business}` }).waitFor();
  // She has an account: she signs in with its password, and chooses none.
  expect(await field(page, "Password again").count()).toBe(0);
  await field(page, "Password").fill("wrong-password-9");
  await page.getByRole("button", { name: "Accept and sign in" }).click();
  await expectWordsAt(page, "Password", "This is not the password of this account.");
  await field(page, "Password").fill(annaPassword);
  await shot(page, "accounts-invite-existing-account");
  await page.getByRole("button", { name: "Accept and sign in" }).click();
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByText(BELA.business, { exact: true }).first().isVisible()).toBe(true);

  // Signing in again, she picks the business.
  await signOut(page);
  await signIn(page, ANNA.email, annaPassword);
  await page.getByRole("heading", { name: "Choose a business" }).waitFor();
  const choices = page.getByTestId("business-choice");
  expect(await choices.allTextContents()).toEqual([ANNA.business, BELA.business]);
  await shot(page, "accounts-choose-business");
  await choices.filter({ hasText: BELA.business }).click();
  await page.getByTestId("current-user").waitFor();
  expect(new URL(page.url()).pathname).toBe("/customers");
  expect(await page.getByText(BELA.business, { exact: true }).first().isVisible()).toBe(true);

  // From the account menu she switches to her own salon: a sign-in to that business.
  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: `Switch to ${ANNA.business}` }).click();
  await page.getByTestId("sign-in-to").filter({ hasText: ANNA.business }).waitFor();
  expect(await field(page, "E-mail").inputValue()).toBe(ANNA.email);
  await field(page, "Password").fill(annaPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: `Welcome to ${ANNA.business}` }).waitFor();
});
