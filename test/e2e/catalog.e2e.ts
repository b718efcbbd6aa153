// The Catalog screen in Chromium (O3, O4), on the demo server, as the owner: two services and a
// product, a "5x Manicure" course whose credit value the preview shows as the price changes, a
// template retired, a location's address, a commission rate that the commission report then applies
// to a ticket closed at the till. What a tired person types wrong (an empty name, "12,5", 0 credits)
// is answered in plain words next to the field. Screenshots at 1280 and 390 px.
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BASE_URL, closeTicket, launch, SHOTS, shot, signIn } from "./browser.js";

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
afterAll(async () => browser.close());

const dialog = () => page.getByRole("dialog");
/** A dialog as the screen shows it (a full-page shot would paint it over the page behind). */
const screenShot = (name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), animations: "disabled" });
/** The input labelled so (a text box, or a select or autocomplete), in the open dialog or the page. */
const input = (name: string, scope: "dialog" | "page" = "dialog") => {
  const where = scope === "dialog" ? dialog() : page;
  return where
    .getByRole("textbox", { name, exact: true })
    .or(where.getByRole("combobox", { name, exact: true }));
};
const field = (name: string) => input(name);
const card = (testId: string, text: string) => page.getByTestId(testId).filter({ hasText: text });
/** The field's error, shown under it: Mantine ties it to the input with aria-describedby. */
async function errorOf(input: Locator): Promise<string> {
  const ids = (await input.getAttribute("aria-describedby")) ?? "";
  for (const id of ids.split(/\s+/).filter(Boolean)) {
    const text = await page.locator(`[id="${id}"]`).textContent();
    if (text && /error/.test(id)) return text;
  }
  return "";
}
async function choose(input: Locator, option: string) {
  await input.click();
  await page.getByRole("option", { name: option, exact: true }).click();
}
const creditValue = () => page.getByTestId("preview-HUF").getByTestId("credit-value").first();

it("O3: the owner adds two services and a product; an empty name and a price of 12,5 are answered next to the field", async () => {
  await signIn(page, "owner@demo.carnet.test");
  await page.getByRole("link", { name: /^Catalog/ }).click();
  await page.getByRole("heading", { name: "Catalog" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/catalog");

  await page.getByRole("button", { name: "Add service" }).click();
  await page.getByRole("button", { name: "Save service" }).click();
  expect(await errorOf(field("Name"))).toBe("Give the service a name.");
  await field("Name").fill("Gel manicure");
  await field("Category").fill("Nails");
  await field("Price in HUF").fill("12,5");
  await page.getByRole("button", { name: "Save service" }).click();
  expect(await errorOf(field("Price in HUF"))).toBe("Type whole HUF without a comma, such as 12.");
  await field("Price in HUF").fill("9000");
  await field("Price in USD").fill("12,5");
  await page.getByRole("button", { name: "Save service" }).click();
  expect(await errorOf(field("Price in USD"))).toBe("Use a point for the decimals: 12.5, not 12,5.");
  await field("Price in USD").fill("");
  await field("Duration (minutes)").fill("50");
  await page.getByRole("button", { name: "Save service" }).click();
  await dialog().waitFor({ state: "detached" });
  expect(await card("catalog-item", "Gel manicure").textContent()).toMatch(/Nails.*9\s?000\s*Ft · 50 min/);

  await page.getByRole("button", { name: "Add service" }).click();
  await field("Name").fill("Brow shaping");
  await field("Price in HUF").fill("6 500");
  await field("Duration (minutes)").fill("20");
  await page.getByRole("button", { name: "Save service" }).click();
  await dialog().waitFor({ state: "detached" });
  await card("catalog-item", "Brow shaping").waitFor();
  await shot(page, "catalog-services");

  await page.getByRole("tab", { name: "Products" }).click();
  expect(new URL(page.url()).searchParams.get("tab")).toBe("products");
  await page.getByRole("button", { name: "Add product" }).click();
  await field("Name").fill("Polish remover");
  await field("Price in HUF").fill("3500");
  await dialog().getByRole("checkbox", { name: "Commission eligible" }).uncheck({ force: true });
  await page.getByRole("button", { name: "Save product" }).click();
  await dialog().waitFor({ state: "detached" });
  expect(await card("catalog-item", "Polish remover").textContent()).toContain(
    "sold to clients · no commission",
  );
});

it("O3: a 5x Manicure course; the preview shows one credit's worth and follows the price; 0 credits is refused in words", async () => {
  await page.goto(`${BASE_URL}/catalog?tab=templates`);
  await page.getByRole("button", { name: "New package or course" }).click();
  await choose(field("Item 1"), "Gel manicure");
  await field("Credits of item 1").fill("0");
  await field("Price in HUF").fill("40000");
  await page.getByRole("button", { name: "Save course" }).click();
  expect(await errorOf(field("Name"))).toBe("Give the course a name.");
  expect(await errorOf(field("Credits of item 1"))).toBe("At least 1 credit.");

  await field("Name").fill("5x Manicure");
  await field("Credits of item 1").fill("5");
  // 40,000 Ft for 5 credits of a 9,000 Ft service: each credit is worth 8,000 Ft.
  await expect.poll(() => creditValue().textContent(), { timeout: 10_000 }).toMatch(/^8\s?000\s*Ft$/);
  await field("Price in HUF").fill("42000");
  await expect.poll(() => creditValue().textContent(), { timeout: 10_000 }).toMatch(/^8\s?400\s*Ft$/);
  await dialog()
    .getByRole("radio", { name: "The package price divided by its credits" })
    .check({ force: true });
  await expect
    .poll(async () => (await page.getByTestId("template-preview").textContent())?.replace(/\s/g, " "))
    .toMatch(/commission is counted from 8 ?400 Ft per credit/);
  await screenShot("catalog-template-form");
  await page.getByRole("button", { name: "Save course" }).click();
  await dialog().waitFor({ state: "detached" });
  const course = card("template-card", "5 × Gel manicure");
  expect(await course.textContent()).toMatch(/5x Manicure.*Course.*42\s?000\s*Ft · valid 6 months/);

  // Editing says what it does not change.
  await course.getByRole("button", { name: "Edit 5x Manicure" }).click();
  expect(await page.getByTestId("sold-packages-note").textContent()).toContain(
    "Editing never changes packages already sold",
  );
  await page.getByRole("button", { name: "Cancel" }).click();
  await dialog().waitFor({ state: "detached" });
});

it("O3: a template is retired: it leaves the list, and shows as Retired on request", async () => {
  await page.getByRole("button", { name: "New package or course" }).click();
  await field("Name").fill("2x Brow trial");
  await choose(field("Item 1"), "Brow shaping");
  await field("Credits of item 1").fill("2");
  await field("Price in HUF").fill("11000");
  await page.getByRole("button", { name: "Save course" }).click();
  await dialog().waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Retire 2x Brow trial" }).click();
  await dialog().getByRole("button", { name: "Retire", exact: true }).click();
  await dialog().waitFor({ state: "detached" });
  await expect.poll(() => card("template-card", "2x Brow trial").count()).toBe(0);
  await page.getByRole("switch", { name: /Show retired/ }).click({ force: true });
  expect(await card("template-card", "2x Brow trial").textContent()).toContain("Retired");
});

it("O3: the owner gives a location its address", async () => {
  await page.getByRole("tab", { name: "Locations" }).click();
  await page.getByRole("button", { name: "Edit Budapest, Andrássy út" }).click();
  await dialog()
    .getByRole("heading", { name: /opening hours/i })
    .first()
    .waitFor();
  await screenShot("catalog-location-form");
  await field("Address").fill("Andrássy út 12, 1061 Budapest");
  await page.getByRole("button", { name: "Save location" }).click();
  await dialog().waitFor({ state: "detached" });
  const address = () => card("location-card", "Budapest").getByTestId("location-address").textContent();
  await expect.poll(address).toBe("Andrássy út 12, 1061 Budapest");
  await shot(page, "catalog-locations");
  await page.reload();
  await expect.poll(address).toBe("Andrássy út 12, 1061 Budapest");
});

it("O4: a commission rate of 10 % is applied to a ticket closed afterwards: the report shows base, rate and amount", async () => {
  await page.goto(`${BASE_URL}/catalog?tab=commission`);
  await choose(input("Staff member", "page"), "Olga Owner");
  await input("Rate (%)", "page").fill("12,5");
  await page.getByRole("button", { name: "Save rate" }).click();
  expect(await errorOf(input("Rate (%)", "page"))).toBe("Use a point for the decimals: 12.5.");
  await input("Rate (%)", "page").fill("10");
  await page.getByRole("button", { name: "Save rate" }).click();
  await expect
    .poll(() => card("commission-staff", "Olga Owner").textContent())
    .toContain("On everything: 10 %");
  await shot(page, "catalog-commission-rates");

  await page.getByRole("link", { name: "Till" }).click();
  await page.getByRole("button", { name: "New ticket" }).click();
  await page.getByRole("button", { name: "Walk-in (no customer)" }).click();
  await page.getByRole("button", { name: /^Brow shaping/ }).click();
  await page.getByRole("heading", { name: /Ticket #/ }).waitFor();
  await page.getByTestId("ticket-line").first().getByTestId("price").waitFor();
  await closeTicket(page, "Card");

  await page.getByRole("link", { name: /^Packages/ }).click();
  await page.getByRole("tab", { name: "Commission" }).click();
  const line = page.getByTestId("commission-line").filter({ hasText: "Brow shaping" });
  await line.waitFor();
  const cells = await line.getByRole("cell").allTextContents();
  const [base, rate, amount] = cells.slice(-3).map((c) => c.replace(/\s/g, " "));
  expect(base).toMatch(/^6 ?500 Ft$/);
  expect(rate).toBe("10 %");
  expect(amount).toBe("650 Ft");
  expect(await page.getByTestId("commission-totals").textContent()).toContain("Olga Owner");
  await shot(page, "reports-commission");
});

it("O3, O4: a manager reads locations and rates but changes neither; the front desk has no Catalog", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signIn(page, "manager@demo.carnet.test");
  await page.goto(`${BASE_URL}/catalog?tab=locations`);
  await card("location-card", "Budapest").waitFor();
  expect(await page.getByRole("button", { name: "Add location" }).count()).toBe(0);
  expect(await page.getByText("Only the owner can add or change locations.").isVisible()).toBe(true);
  await page.goto(`${BASE_URL}/catalog?tab=commission`);
  await expect.poll(() => card("commission-staff", "Olga Owner").textContent()).toContain("10 %");
  expect(await page.getByRole("button", { name: "Save rate" }).count()).toBe(0);
  await context.close();

  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await desk.newPage();
  await signIn(page, "desk@demo.carnet.test");
  expect(await page.getByRole("link", { name: /^Catalog/ }).count()).toBe(0);
  await page.goto(`${BASE_URL}/catalog`);
  await page.waitForURL(/\/customers$/);
  await desk.close();
});

it("U3: at 390 px the catalog, the template form with its preview, the rates and the report fit the screen", async () => {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  page = phone;
  await signIn(page, "owner@demo.carnet.test");
  const fits = async () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  await page.goto(`${BASE_URL}/catalog?tab=services`);
  await card("catalog-item", "Gel manicure").waitFor();
  expect(await fits()).toBe(true);
  await shot(page, "catalog-services-390");

  // The sections are a list to pick from on a phone.
  await choose(input("Catalog section", "page"), "Packages & courses");
  await card("template-card", "5 × Gel manicure").waitFor();
  expect(new URL(page.url()).searchParams.get("tab")).toBe("templates");
  expect(await fits()).toBe(true);
  await shot(page, "catalog-templates-390");
  await card("template-card", "5 × Gel manicure").getByRole("button", { name: "Edit 5x Manicure" }).click();
  await expect.poll(() => creditValue().textContent(), { timeout: 10_000 }).toMatch(/^8\s?400\s*Ft$/);
  await screenShot("catalog-template-form-390");
  await page.getByRole("button", { name: "Cancel" }).click();

  await page.goto(`${BASE_URL}/catalog?tab=commission`);
  await card("commission-staff", "Olga Owner").waitFor();
  expect(await fits()).toBe(true);
  await shot(page, "catalog-commission-rates-390");

  await page.goto(`${BASE_URL}/catalog?tab=locations`);
  await card("location-card", "Budapest").waitFor();
  expect(await fits()).toBe(true);
  await shot(page, "catalog-locations-390");

  await page.goto(`${BASE_URL}/packages`);
  await page.getByRole("tab", { name: "Commission" }).click();
  await page.getByTestId("commission-line").first().waitFor();
  expect(await fits()).toBe(true);
  await shot(page, "reports-commission-390");
});
