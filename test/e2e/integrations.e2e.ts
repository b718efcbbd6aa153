// W3, W4 as a manager uses them, on a demo server of its own that may deliver to loopback:
// - a manager (not only the owner) opens Settings, sees the webhooks and not the business's rules,
//   registers an endpoint, copies its secret shown once;
// - a redemption reaches a receiver started here, signed so that the Standard Webhooks library
//   verifies it with that secret; the delivery log shows it delivered;
// - the manager makes their own calendar feed link, and the link answers an iCalendar document;
// - every screen fits 390 px, and in Hungarian every word is translated.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { launch, missingTranslations, overflowX, pageAt, shot, signIn } from "./browser.js";
import { type OwnServer, startOwnServer } from "./own-server.js";

let browser: Browser;
let server: OwnServer;
let receiver: Server;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const missing: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  server = await startOwnServer({ CARNET_DEMO: "1", CARNET_WEBHOOK_ALLOW_NETWORKS: "loopback" });
  browser = await launch();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});
afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    await Promise.all(pages.map((p, i) => shot(p, `integrations-failed-${i}`)));
  }
  await Promise.all(pages.splice(0).map((p) => p.context().close()));
});

const MANAGER = "manager@demo.carnet.test";

async function open(width: number): Promise<Page> {
  const page = await pageAt(browser, width);
  pages.push(page);
  missingTranslations(page, undefined, missing);
  return page;
}

/** A credit redeemed through the API as the signed-in page (its cookie and CSRF token). */
async function redeemOne(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const me = await (await fetch("/api/v1/auth/me", { credentials: "same-origin" })).json();
    const balances = await (
      await fetch("/api/v1/reports/balances?status=active&limit=50", { credentials: "same-origin" })
    ).json();
    const row = balances.items.find((r: { remaining: number }) => r.remaining > 0);
    const pkg = await (
      await fetch(`/api/v1/packages/${row.packageId}`, { credentials: "same-origin" })
    ).json();
    const line = pkg.lines.find((l: { remaining: number }) => l.remaining > 0);
    const res = await fetch(`/api/v1/packages/${pkg.id}/lines/${line.id}/redeem`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": me.csrfToken,
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ quantity: 1 }),
    });
    if (!res.ok) throw new Error(`redeem answered ${res.status}`);
    return (await res.json()).id as string;
  });
}

it("W3: a manager registers an endpoint in Settings; a redemption reaches it signed, and the log says so", async () => {
  const page = await open(1280);
  await signIn(page, MANAGER, server.url);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings" }).waitFor();
  const section = page.getByTestId("webhooks-section");
  await section.waitFor();
  // the business's rules stay the owner's
  expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
  expect(await section.getByText("No endpoints yet.").count()).toBe(1);

  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/carnet`;
  await section.getByLabel("URL").fill(hook);
  await section.getByLabel("Description").fill("Accounting");
  await section.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  await shot(page, "webhooks-secret");
  await page.getByRole("button", { name: "I have copied it" }).click();
  await section.getByText(hook).waitFor();
  await page.getByTestId("webhook-secret").waitFor({ state: "detached" });

  const movementId = await redeemOne(page);
  await expect
    .poll(() => received.some((r) => r.body.includes(movementId)), { timeout: 30_000, interval: 250 })
    .toBe(true);
  const delivery = received.find((r) => r.body.includes(movementId))!;
  const verified = new Webhook(secret).verify(delivery.body, {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  }) as { type: string; data: { movementId: string } };
  expect(verified).toMatchObject({ type: "package.redeemed", data: { movementId } });

  await section.getByRole("button", { name: "Delivery log" }).click();
  const log = page.getByRole("dialog", { name: "Delivery log" });
  await log.getByText("package.redeemed").first().waitFor();
  await log.getByText("Delivered").first().waitFor();
  await shot(page, "webhooks-log");
});

it("W4: a manager makes their own calendar feed link, and the link answers iCalendar", async () => {
  const page = await open(1280);
  await signIn(page, MANAGER, server.url);
  await page.getByTestId("current-user").click();
  await page.getByRole("menuitem", { name: "Calendar feed" }).click();
  await page.getByTestId("make-calendar-feed").click();
  const url = (await page.getByTestId("calendar-feed-url").textContent())?.trim() ?? "";
  expect(url).toMatch(/\/api\/v1\/feeds\/[^/]+\.ics$/);
  await shot(page, "calendar-feed-own");
  const res = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/calendar/);
  const text = await res.text();
  expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
  expect(text).toContain("BEGIN:VTIMEZONE");
});

it("W3, W4 on a phone, in Hungarian: the webhooks and the feed link fit 390 px, every word translated", async () => {
  const page = await open(390);
  await signIn(page, MANAGER, server.url);
  await page.evaluate(async () => {
    const me = await (await fetch("/api/v1/auth/me", { credentials: "same-origin" })).json();
    await fetch("/api/v1/auth/me", {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
      body: JSON.stringify({ language: "hu" }),
    });
  });
  await page.goto(`${server.url}/settings`);
  await page.getByRole("heading", { name: "Beállítások" }).waitFor();
  await page.getByTestId("webhooks-section").waitFor();
  expect(await overflowX(page)).toBe(0);
  await shot(page, "webhooks-phone-hu");
  expect(missing).toEqual([]);
});
