// Debian's Chromium driven by playwright-core: never a downloaded browser.
import { copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

export const BASE_URL = process.env.CARNET_E2E_URL ?? "http://127.0.0.1:3000";
/** The demo server's mail log (scripts/e2e.js gives each run its own). */
export const MAIL_LOG = process.env.CARNET_E2E_MAIL_LOG ?? join(tmpdir(), "mail.log");
export const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "screenshots");
const DOCS = join(import.meta.dirname, "..", "..", "docs", "screenshots");
mkdirSync(SHOTS, { recursive: true });

/** Debian's Chromium, headless, with what would reach out to the network turned off. */
export function launch(executablePath = "/usr/bin/chromium"): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page in a browser context of its own, `width` px wide; at 500 px or less a phone's (844 px high, touch). */
export async function pageAt(
  browser: Browser,
  width: number,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const phone = width <= 500;
  const context = await browser.newContext({
    viewport: { width, height: phone ? 844 : 900 },
    ...(phone ? { isMobile: true } : {}),
    ...options,
  });
  return context.newPage();
}

/**
 * Every "carnet: missing translation" the page logs from now on (web/src/i18n/index.ts), or only those
 * `matching` (one screen's words), added to `into`, which is returned.
 */
export function missingTranslations(
  page: Page,
  matching = /carnet: missing translation/,
  into: string[] = [],
): string[] {
  page.on("console", (m) => {
    if (m.type() === "error" && matching.test(m.text())) into.push(m.text());
  });
  return into;
}

/** How far the page scrolls sideways (0: nothing is wider than the window). */
export const overflowX = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * A call with the page's session, as the web app makes it (CSRF token, idempotency key): the status
 * and the JSON answer (null when the answer is not JSON).
 */
export async function apiIn<T>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch("/api/v1/auth/me")).json();
      const r = await fetch(path, {
        method,
        headers: {
          "content-type": "application/json",
          "x-csrf-token": me.csrfToken,
          "idempotency-key": crypto.randomUUID(),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: r.status,
        body: r.headers.get("content-type")?.includes("json") ? await r.json() : null,
      };
    },
    { method, path, body },
  );
}

/** Signs in with the demo password, on the shared demo server or on `base` (a server of a test's own). */
export async function signIn(page: Page, email: string, base = BASE_URL) {
  await page.goto(`${base}/`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill("carnet-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
}

export async function openCustomer(page: Page, search: string) {
  await page.goto(`${BASE_URL}/customers`);
  await page.getByLabel("Search customers").fill(search);
  await page.getByTestId("customer-row").filter({ hasText: search }).first().click();
  await page.getByTestId("package-card").first().waitFor();
}

/**
 * U5: closes the open ticket through its close step and waits for the receipt. Nothing is chosen for
 * the person: a ticket with something to pay needs its tender ("Card", or "Cash" given exactly).
 */
export async function closeTicket(page: Page, tender?: "Card" | "Cash") {
  await page.getByTestId("close-ticket").click();
  const step = page.getByTestId("close-step");
  await step.waitFor();
  if (tender) {
    await step.getByRole("radio", { name: tender, exact: true }).click();
    if (tender === "Cash") await step.getByRole("button", { name: "Exact amount" }).click();
  }
  await step.getByTestId("confirm-close").click();
  await page.getByTestId("receipt").waitFor();
}

// Transitions finished: a toast or a closing dialog is shown as it will be, not half faded.
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: "disabled" });

/** A screenshot the README shows: taken like `shot`, then copied to docs/screenshots as `docsName`. */
export async function shotForDocs(page: Page, name: string, docsName = name) {
  await shot(page, name);
  copyFileSync(join(SHOTS, `${name}.png`), join(DOCS, `${docsName}.png`));
}

/**
 * W2: presses a list's "Show more" (LoadMore, by its test id) until every page is on the screen.
 * Call it once the first rows show: the button is drawn with them when there are more.
 */
export async function showEveryPage(page: Page, testId: string, rows: Locator) {
  const more = page.getByTestId(testId);
  for (let pages = 1; pages < 100; pages++) {
    if ((await more.count()) === 0) return;
    const before = await rows.count();
    await more.click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(before);
  }
  throw new Error(`${testId}: more than 100 pages`);
}
