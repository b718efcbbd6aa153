// The security headers must not break what they protect: the staff web app, the customer's balance
// page and the API docs load and work in Chromium under the server's Content Security Policy, with
// no violation reported, and the pages cannot be framed.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { BASE_URL, launch, openCustomer, signIn } from "./browser.js";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: string[];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());
beforeEach(async () => {
  violations = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Both ways a browser reports a refusal: the DOM event, and the console line.
  await context.exposeFunction("reportViolation", (text: string) => violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page = await context.newPage();
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
});
afterEach(async () => context.close());

async function visit(path: string) {
  const response = await page.goto(`${BASE_URL}${path}`);
  await page.waitForLoadState("networkidle");
  return response;
}

it("the staff web app's screens load with no CSP violation", async () => {
  const first = await visit("/");
  const csp = first?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  await signIn(page, "owner@demo.carnet.test");
  await openCustomer(page, "Dóra");
  for (const tab of await page.getByRole("tab").all()) {
    await tab.click();
    await page.waitForLoadState("networkidle");
  }
  for (const path of ["/calendar", "/classes", "/till", "/packages", "/settings", "/customers"])
    await visit(path);
  expect(violations).toEqual([]);
});

it("the customer's balance page, signed out, loads with no CSP violation", async () => {
  await visit("/balance/not-the-right-token-at-all-0000");
  await page.getByTestId("balance-error").waitFor();
  expect(violations).toEqual([]);
});

it("the API docs render and open an operation with no CSP violation", async () => {
  const response = await visit("/api/docs");
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await page.locator(".swagger-ui .opblock").first().waitFor();
  await page.locator(".swagger-ui .opblock-summary").first().click();
  await page.locator(".swagger-ui .opblock-body").first().waitFor();
  expect(violations).toEqual([]);
});

it("another site cannot frame the app", async () => {
  await page.setContent(`<iframe id="f" src="${BASE_URL}/"></iframe>`);
  await page.waitForTimeout(1_000);
  const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
  // Chromium leaves a refused frame empty: no document of ours was rendered in it.
  const rendered = frame ? await frame.evaluate(() => document.title).catch(() => "") : "";
  expect(rendered).not.toBe("Carnet");
});
