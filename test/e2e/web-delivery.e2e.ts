// Fast on a phone at the desk, as Chromium sees it: the app's files arrive compressed (brotli, as the
// browser asks), the sign-in page needs at most 250 KB of JavaScript on the wire and the customer
// screen at most 400 KB, the calendar's code comes with the calendar only, and a second visit asks
// the server for the page alone: the hashed files come from the browser's cache without a request.
import type { Browser, BrowserContext, CDPSession, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { BASE_URL, launch, openCustomer, signIn } from "./browser.js";

const SIGN_IN_BUDGET_BYTES = 250 * 1024;
const CUSTOMER_SCREEN_BUDGET_BYTES = 400 * 1024;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let scripts: Request[];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser.close());
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  page = await context.newPage();
  scripts = [];
  page.on("requestfinished", (r) => {
    if (r.resourceType() === "script") scripts.push(r);
  });
});
afterEach(async () => context.close());

/** Compressed bytes received for these scripts (the body as it came over the wire). */
async function wireBytes(requests: Request[]): Promise<number> {
  let total = 0;
  for (const r of requests) total += (await r.sizes()).responseBodySize;
  return total;
}

const kb = (bytes: number) => `${Math.round(bytes / 102.4) / 10} KB`;
const names = (requests: Request[]) => requests.map((r) => new URL(r.url()).pathname).join(", ");

it("the sign-in page arrives compressed and cacheable, within 250 KB of JavaScript, and without the calendar", async () => {
  const document = await page.goto(`${BASE_URL}/`);
  await page.getByLabel("E-mail").waitFor();
  const firstLoad = [...scripts];
  expect(document?.headers()["cache-control"]).toBe("no-cache");
  expect(firstLoad.length).toBeGreaterThan(0);
  for (const request of firstLoad) {
    const headers = await (await request.response())!.allHeaders();
    const path = new URL(request.url()).pathname;
    expect(path).toMatch(/^\/assets\//);
    expect(headers["content-encoding"], path).toBe("br");
    expect(headers["cache-control"], path).toBe("public, max-age=31536000, immutable");
  }
  const bytes = await wireBytes(firstLoad);
  expect(bytes, `${kb(bytes)}: ${names(firstLoad)}`).toBeLessThanOrEqual(SIGN_IN_BUDGET_BYTES);
  expect(names(firstLoad)).not.toMatch(/Calendar/);
});

it("the customer screen, from a browser that never saw Carnet, needs at most 400 KB of JavaScript", async () => {
  await signIn(page, "desk@demo.carnet.test");
  await openCustomer(page, "Ildikó");
  await page.waitForLoadState("networkidle");
  const bytes = await wireBytes(scripts);
  expect(bytes, `${kb(bytes)}: ${names(scripts)}`).toBeLessThanOrEqual(CUSTOMER_SCREEN_BUDGET_BYTES);
  expect(names(scripts)).not.toMatch(/Calendar/);
  // The calendar's own code, react-big-calendar with it, comes when the calendar is opened.
  const before = scripts.length;
  await page.goto(`${BASE_URL}/calendar`);
  await page.getByTestId("calendar").waitFor();
  expect(names(scripts.slice(before))).toMatch(/CalendarPage/);
});

it("a second visit asks the server for the page alone: the hashed files come from the browser's cache", async () => {
  await page.goto(`${BASE_URL}/`);
  await page.getByLabel("E-mail").waitFor();
  await page.waitForLoadState("networkidle");

  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const asked = new Map<string, string>();
  const cached = new Set<string>();
  cdp.on("Network.requestWillBeSent", (e) => {
    const path = new URL(e.request.url).pathname;
    if (path.startsWith("/assets/")) asked.set(e.requestId, path);
  });
  cdp.on("Network.requestServedFromCache", (e) => cached.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    if (e.response.fromDiskCache) cached.add(e.requestId);
  });
  // A new visit (a link, the address typed again), not a reload, which revalidates by design.
  await page.goto(`${BASE_URL}/customers`);
  await page.getByLabel("E-mail").waitFor();
  await page.waitForLoadState("networkidle");
  const fromNetwork = [...asked].filter(([id]) => !cached.has(id)).map(([, path]) => path);
  expect(fromNetwork, "asked the server again for hashed files").toEqual([]);
});
