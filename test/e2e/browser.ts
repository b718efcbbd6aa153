// Debian's Chromium driven by playwright-core: never a downloaded browser.
import { copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const BASE_URL = process.env.CARNET_E2E_URL ?? "http://127.0.0.1:3000";
/** The demo server's mail log (scripts/e2e.js gives each run its own). */
export const MAIL_LOG = process.env.CARNET_E2E_MAIL_LOG ?? join(tmpdir(), "mail.log");
export const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "screenshots");
const DOCS = join(import.meta.dirname, "..", "..", "docs", "screenshots");
mkdirSync(SHOTS, { recursive: true });

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
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

export async function signIn(page: Page, email: string) {
  await page.goto(`${BASE_URL}/`);
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
