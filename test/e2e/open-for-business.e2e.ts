// Issue 16's whole story (O1–O5), through the web app only, on an empty Carnet with demo mode off:
// the owner creates the business, invites a practitioner (the link comes from the mail log), who
// sets a password and signs in; the owner adds two services, a product and a "5x Manicure" course,
// sets the practitioner's commission rate, sells the course, books from it with the practitioner,
// checks the appointment out at the till where the package covers it, and sees the commission
// amount; deactivates the practitioner, whose open session then answers 401; imports 200 packages
// from another system (the dry run names the one bad row by its number first) and finds them in the
// balances report.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { closeTicket, launch, shot, showEveryPage } from "./browser.js";
import { type OwnServer, startOwnServer } from "./own-server.js";

let browser: Browser;
let server: OwnServer;
let owner: Page;
let practitioner: Page;
const contexts: BrowserContext[] = [];

const OWNER = { name: "Olívia Tóth", email: "olivia@szalon-olivia.example", password: "olivia-first-pw" };
const PETRA = { name: "Petra Varga", email: "petra@szalon-olivia.example", password: "petra-chosen-pw" };
const BUSINESS = "Szalon Olívia";
const LOCATION = "Király utca";

beforeAll(async () => {
  server = await startOwnServer();
  browser = await launch();
  owner = await newPage();
}, 200_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    const pages = contexts.flatMap((c) => c.pages());
    await Promise.all(pages.map((p, i) => shot(p, `story-failed-${i}`)));
  }
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: "Europe/Budapest",
    // an English-reading owner in Hungary: the region gives the defaults, the language the words
    locale: "en-HU",
  });
  contexts.push(context);
  return context.newPage();
}

const at = (path: string) => `${server.url}${path}`;
const field = (scope: Page | Locator, name: string) =>
  scope.getByRole("textbox", { name, exact: true }).or(scope.getByRole("combobox", { name, exact: true }));
async function choose(page: Page, input: Locator, option: string | RegExp) {
  await input.click();
  await page
    .getByRole("option", { name: option, exact: typeof option === "string" })
    .first()
    .click();
}

interface Mail {
  to: string;
  subject: string;
  text: string;
}
async function linkInMailTo(to: string): Promise<string> {
  const deadline = Date.now() + 60_000; // the outbox sends every few seconds
  for (;;) {
    const mail = server
      .mails()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Mail)
      .find((m) => m.to === to);
    const link = mail && /https?:\/\/\S+/.exec(mail.text)?.[0];
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no mail with a link to ${to}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

it("O1: the owner creates the business on an empty Carnet and lands on the start page", async () => {
  await owner.goto(at("/"));
  await owner.getByRole("heading", { name: "Create your business" }).waitFor();
  await field(owner, "Business name").fill(BUSINESS);
  await field(owner, "Location name").fill(LOCATION);
  await field(owner, "Address").fill("Király utca 12, 1061 Budapest");
  await field(owner, "Your name").fill(OWNER.name);
  await field(owner, "E-mail").fill(` ${OWNER.email} `); // pasted with spaces around it
  await field(owner, "Password").fill(OWNER.password);
  await field(owner, "Password again").fill(OWNER.password);
  await owner.getByRole("button", { name: "Create business" }).click();
  await owner.getByRole("heading", { name: `Welcome to ${BUSINESS}` }).waitFor({ timeout: 30_000 });
  expect(await owner.getByTestId("current-user").textContent()).toBe(OWNER.name);
  await shot(owner, "story-start-page");
});

it("O2: the owner invites a practitioner, who sets a password from the e-mailed link and is signed in", async () => {
  await owner.getByRole("link", { name: /^Staff/ }).click();
  await owner.getByRole("heading", { name: "Staff", exact: true }).waitFor();
  const invite = owner.getByRole("form", { name: "Invite staff" });
  await invite.getByLabel("Name").fill(PETRA.name);
  await invite.getByLabel("E-mail").fill(PETRA.email);
  await choose(owner, field(invite, "Role"), "Practitioner");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await owner.getByTestId("invitation").filter({ hasText: PETRA.email }).waitFor();

  const link = await linkInMailTo(PETRA.email);
  expect(new URL(link).pathname).toMatch(/^\/invite\//);
  practitioner = await newPage();
  await practitioner.goto(link.replace(new URL(link).origin, server.url));
  await practitioner.getByLabel("Choose a password").fill(PETRA.password);
  await practitioner.getByLabel("Password again").fill(PETRA.password);
  await practitioner.getByRole("button", { name: "Accept and sign in" }).click();
  await practitioner.getByTestId("current-user").waitFor({ timeout: 30_000 });
  expect(await practitioner.getByTestId("current-user").textContent()).toBe(PETRA.name);

  await owner.reload();
  await owner.getByTestId("staff-member").filter({ hasText: PETRA.name }).waitFor();
});

it("O3: the owner adds two services, a product and a 5x Manicure course", async () => {
  await owner.goto(at("/catalog?tab=services"));
  await owner.getByRole("heading", { name: "Catalog" }).waitFor();
  const dialog = owner.getByRole("dialog");
  for (const [name, price, minutes] of [
    ["Manicure", "9000", "45"],
    ["Pedicure", "12000", "60"],
  ]) {
    await owner.getByRole("button", { name: "Add service" }).click();
    await field(dialog, "Name").fill(name!);
    await field(dialog, "Category").fill("Nails");
    await field(dialog, "Price in HUF").fill(price!);
    await field(dialog, "Duration (minutes)").fill(minutes!);
    await owner.getByRole("button", { name: "Save service" }).click();
    await dialog.waitFor({ state: "detached" });
    await owner.getByTestId("catalog-item").filter({ hasText: name }).waitFor();
  }
  await owner.getByRole("tab", { name: "Products" }).click();
  await owner.getByRole("button", { name: "Add product" }).click();
  await field(dialog, "Name").fill("Cuticle oil");
  await field(dialog, "Price in HUF").fill("3500");
  await owner.getByRole("button", { name: "Save product" }).click();
  await dialog.waitFor({ state: "detached" });
  await owner.getByTestId("catalog-item").filter({ hasText: "Cuticle oil" }).waitFor();

  await owner.getByRole("tab", { name: "Packages & courses" }).click();
  await owner.getByRole("button", { name: "New package or course" }).click();
  await field(dialog, "Name").fill("5x Manicure");
  await choose(owner, field(dialog, "Item 1"), "Manicure");
  await field(dialog, "Credits of item 1").fill("5");
  await field(dialog, "Price in HUF").fill("40000");
  // 40,000 Ft for 5 credits of a 9,000 Ft service: one credit is worth 8,000 Ft.
  await expect
    .poll(() => owner.getByTestId("preview-HUF").getByTestId("credit-value").first().textContent(), {
      timeout: 15_000,
    })
    .toMatch(/^8\s?000\s*Ft$/);
  await owner.getByRole("button", { name: "Save course" }).click();
  await dialog.waitFor({ state: "detached" });
  await owner.getByTestId("template-card").filter({ hasText: "5x Manicure" }).waitFor();
});

it("O4: the owner gives the practitioner a commission rate of 10 %", async () => {
  await owner.goto(at("/catalog?tab=commission"));
  await choose(owner, field(owner, "Staff member"), PETRA.name);
  await field(owner, "Rate (%)").fill("10");
  await owner.getByRole("button", { name: "Save rate" }).click();
  await expect
    .poll(() => owner.getByTestId("commission-staff").filter({ hasText: PETRA.name }).textContent())
    .toContain("10 %");
});

it("P3, A1, T2: the owner sells the course to a new customer, books from it with the practitioner and checks out at 0", async () => {
  await owner.getByRole("link", { name: "Customers" }).click();
  await owner.getByRole("button", { name: "New customer" }).click();
  const dialog = owner.getByRole("dialog");
  await field(dialog, "Name").fill("Kata Kiss");
  await field(dialog, "E-mail").fill("kata@example.test");
  await dialog.getByRole("button", { name: "Create customer" }).click();
  await owner.getByRole("button", { name: "Sell a package" }).waitFor();
  await owner.getByRole("button", { name: "Sell a package" }).click();
  await choose(owner, field(dialog, "Package"), "5x Manicure");
  await dialog.getByRole("button", { name: /^Sell/ }).click();
  const card = owner.getByTestId("package-card").filter({ hasText: "5x Manicure" });
  await expect.poll(() => card.getByTestId("line-summary").textContent()).toContain("0 of 5 used");

  await owner.getByRole("link", { name: "Calendar" }).click();
  await owner.getByTestId("calendar").waitFor();
  await owner.getByRole("button", { name: "New appointment" }).click();
  await owner.getByRole("combobox", { name: "Customer" }).fill("Kata");
  await owner.getByRole("option", { name: /Kata Kiss/ }).click();
  await owner.getByRole("button", { name: "Use Manicure from 5x Manicure" }).click();
  await owner.getByRole("combobox", { name: /^Time/ }).fill("18:30");
  await owner.getByRole("option", { name: "18:30" }).click();
  await choose(owner, field(owner.getByRole("dialog"), "With"), PETRA.name);
  await owner.getByRole("button", { name: "Save appointment" }).click();
  const event = owner.getByTestId("calendar-event").filter({ hasText: "Kata Kiss" });
  await event.waitFor();
  expect(await event.getByTestId("package-icon").count()).toBe(1);

  await event.click();
  await owner.getByTestId("appointment-details").getByRole("button", { name: "Checkout" }).click();
  await owner.getByRole("heading", { name: /Ticket #/ }).waitFor();
  const line = owner.getByTestId("ticket-line").first();
  await line.getByTestId("price-package").waitFor();
  expect(await line.getByTestId("coverage-label").textContent()).toContain("from 5x Manicure");
  expect(await owner.getByTestId("ticket-total").textContent()).toMatch(/^0\s*Ft$/);
  await closeTicket(owner);
  expect(await owner.getByTestId("receipt-line").first().textContent()).toContain("PACKAGE");
});

it("O4: the commission report shows the practitioner's line with base, rate and amount", async () => {
  await owner.getByRole("link", { name: /^Packages/ }).click();
  await owner.getByRole("tab", { name: "Commission" }).click();
  const line = owner.getByTestId("commission-line").filter({ hasText: "Manicure" });
  await line.waitFor();
  const [base, rate, amount] = (await line.getByRole("cell").allTextContents())
    .slice(-3)
    .map((c) => c.replace(/\s/g, " "));
  // The course's commission basis by default is the service's retail price: 10 % of 9,000 Ft is owed.
  expect(base).toMatch(/^9 ?000 Ft$/);
  expect(rate).toBe("10 %");
  expect(amount).toMatch(/^900 Ft$/);
  expect(await owner.getByTestId("commission-totals").textContent()).toContain(PETRA.name);
  await shot(owner, "story-commission");
});

it("O2: the owner deactivates the practitioner; the practitioner's open session then answers 401", async () => {
  const before = await practitioner.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
  expect(before).toBe(200);
  await owner.getByRole("link", { name: /^Staff/ }).click();
  const row = owner.getByTestId("staff-member").filter({ hasText: PETRA.name });
  await row.getByRole("button", { name: `Deactivate ${PETRA.name}` }).click();
  await owner
    .getByRole("dialog", { name: `Deactivate ${PETRA.name}?` })
    .getByRole("button", { name: "Deactivate" })
    .click();
  await row.getByText("Deactivated").waitFor();
  const after = await practitioner.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
  expect(after).toBe(401);
  await practitioner.reload();
  await practitioner.getByRole("heading", { name: "Sign in" }).waitFor();
});

const HEADER =
  "package_ref,customer_name,customer_email,item,credits_total,credits_used,price_paid,purchase_date,expiry_date,location";
/** 200 packages of 120 customers from the old system; `bad` gives row 42 a month that does not exist. */
function oldSystemFile(bad: boolean): string {
  const rows = [HEADER];
  for (let i = 0; i < 200; i++) {
    const c = i % 120;
    const month = bad && i === 40 ? "13" : String((i % 12) + 1).padStart(2, "0");
    rows.push(
      [
        `OLD-${i}`,
        `Régi Vendég ${c}`,
        `vendeg.${c}@example.test`,
        i % 2 === 0 ? "Manicure" : "Pedicure",
        10,
        i % 7,
        "60 000",
        `2025-${month}-05`,
        "2027-06-30",
        LOCATION,
      ].join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}

it("O5: a 200-row file from the old system: the dry run names the bad row, the fixed file imports, the balances report shows it", async () => {
  await owner.getByRole("link", { name: /Import & export/ }).click();
  await owner.getByRole("heading", { name: "Import & export" }).waitFor();
  const choose = (csv: string, name: string) =>
    owner
      .locator('input[type="file"]')
      .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });

  await choose(oldSystemFile(true), "old-system.csv");
  await owner.getByTestId("dry-run-errors").waitFor({ timeout: 60_000 });
  const errors = owner.getByTestId("import-error");
  expect(await errors.count()).toBe(1);
  const [row, column, why] = await errors.first().locator("td").allTextContents();
  // the 41st package is on the spreadsheet's row 42: the header is row 1
  expect(row).toBe("42");
  expect(column).toBe("purchase_date");
  expect(why).toContain('"2025-13-05"');
  expect(await owner.getByTestId("import-button").count()).toBe(0);

  await choose(oldSystemFile(false), "old-system-fixed.csv");
  await owner.getByTestId("dry-run-summary").waitFor({ timeout: 60_000 });
  expect(await owner.getByTestId("dry-run-counts").textContent()).toMatch(/200 packages/);
  await owner.getByTestId("import-button").click();
  await owner.getByTestId("import-result").waitFor({ timeout: 120_000 });
  expect(await owner.getByTestId("import-result-counts").textContent()).toMatch(/200 packages/);

  await owner.getByTestId("to-balances").click();
  await owner.getByRole("heading", { name: "Packages" }).waitFor();
  await owner.getByRole("combobox", { name: "Package" }).click();
  await owner.getByRole("option", { name: "Imported packages" }).click();
  const imported = owner.getByTestId("balance-row").filter({ hasText: "Régi Vendég" });
  await imported.first().waitFor({ timeout: 30_000 });
  await showEveryPage(owner, "balances-more", owner.getByTestId("balance-row"));
  await expect.poll(() => imported.count()).toBe(200);
  await shot(owner, "story-balances");
});
