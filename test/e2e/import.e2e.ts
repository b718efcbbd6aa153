// O5, O6 in the browser, on the demo server: a manager's file of 200 packages from another system.
// The dry run names the one bad row (its number, its column, why); the corrected file imports with
// its progress shown; the packages are in the balances report (R1); the same file again creates
// nothing; the owner downloads all data as a ZIP of CSVs, and one customer's data as JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BASE_URL, launch, SHOTS, shot, showEveryPage, signIn } from "./browser.js";

let browser: Browser;
let page: Page;

const RUN = Math.random().toString(36).slice(2, 8);
const ROWS = 200;
const BAD_INDEX = 56; // the 57th package: spreadsheet row 58 (the header is row 1)
const HEADER =
  "package_ref,customer_name,customer_email,item,credits_total,credits_used,price_paid,purchase_date,expiry_date,location";

/** 200 packages of 150 customers, by their item alone; `bad` gives one a day that does not exist. */
function importFile(bad: boolean): string {
  const rows = [HEADER];
  for (let i = 0; i < ROWS; i++) {
    const c = i % 150;
    const purchased =
      bad && i === BAD_INDEX ? "2025-02-30" : `2025-${String((i % 12) + 1).padStart(2, "0")}-10`;
    rows.push(
      [
        `OLD-${RUN}-${i}`,
        `Imported ${RUN} ${c}`,
        `imported.${RUN}.${c}@example.test`,
        i % 2 === 0 ? "Manicure" : "Pedicure",
        10,
        i % 10,
        "60 000",
        purchased,
        i % 4 === 0 ? "" : "2027-06-30",
        '"Budapest, Andrássy út"',
      ].join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}

async function choose(csv: string, name: string) {
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
}

beforeAll(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => browser.close());

it("the dry run names the bad row, its column and why, and writes nothing (O5)", async () => {
  await signIn(page, "owner@demo.carnet.test");
  await page.getByRole("link", { name: /Import & export/ }).click();
  await page.getByRole("heading", { name: "Import & export" }).waitFor();
  // the columns are explained, and the example file to start from passes the dry run as it is
  await page.getByText("credits_used", { exact: true }).waitFor();
  await page.waitForSelector('[data-testid="example-file"][href^="data:text/csv"]');
  const download = page.waitForEvent("download");
  await page.getByTestId("example-file").click();
  const example = readFileSync(await (await download).path(), "utf8");
  expect(example.split("\n")[0]).toContain("package_ref,customer_name,customer_email");
  await choose(example, "carnet-import-example.csv");
  await page.getByTestId("dry-run-summary").waitFor();
  expect(await page.getByTestId("dry-run-counts").textContent()).toMatch(/^Importing it creates 2 packages/);

  await choose(importFile(true), "old-system.csv");
  await page.getByTestId("dry-run-errors").waitFor();
  const errors = page.getByTestId("import-error");
  expect(await errors.count()).toBe(1);
  const cells = await errors.first().locator("td").allTextContents();
  expect(cells[0]).toBe(String(BAD_INDEX + 2));
  expect(cells[1]).toBe("purchase_date");
  expect(cells[2]).toContain('"2025-02-30" is not a day of the calendar');
  expect(await page.getByText("1 problem in the file").count()).toBe(1);
  expect(await page.getByTestId("import-button").count()).toBe(0);
  await shot(page, "import-dry-run-error");
  // on a phone the errors are cards: the row, the column, why
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.getByTestId("import-error-card");
  await card.waitFor();
  expect(await card.textContent()).toBe(
    `Row ${BAD_INDEX + 2}purchase_date"2025-02-30" is not a day of the calendar`,
  );
  await shot(page, "import-dry-run-error-390");
  await page.setViewportSize({ width: 1280, height: 900 });
});

it("the corrected file imports with its progress shown, all 200 packages (O5)", async () => {
  await choose(importFile(false), "old-system-fixed.csv");
  await page.getByTestId("dry-run-summary").waitFor();
  expect(await page.getByTestId("dry-run-counts").textContent()).toBe(
    "Importing it creates 200 packages (200 credit lines) for 150 customers: 150 new, 0 already in Carnet.",
  );
  await shot(page, "import-dry-run-ok");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "import-dry-run-ok-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  const request = page.waitForRequest((r) => r.url().endsWith("/api/v1/imports") && r.method() === "POST");
  await page.getByTestId("import-button").click();
  // the progress shows while the import runs; the import is one request, all or nothing
  await page.getByTestId("import-progress").waitFor();
  const headers = (await request).headers();
  expect(headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers.accept).toBe("application/x-ndjson");
  await page.getByTestId("import-result").waitFor();
  expect(await page.getByTestId("import-result-counts").textContent()).toBe(
    "200 packages imported for 150 customers (150 new).",
  );
  await shot(page, "import-result");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "import-result-390");
  await page.setViewportSize({ width: 1280, height: 900 });
});

it("the imported packages are in the balances report (R1)", async () => {
  await page.getByTestId("to-balances").click();
  await page.getByRole("heading", { name: "Packages" }).waitFor();
  await page.getByRole("combobox", { name: "Package" }).click();
  await page.getByRole("option", { name: "Imported packages" }).click();
  await page
    .getByTestId("balance-row")
    .filter({ hasText: `Imported ${RUN} 0` })
    .first()
    .waitFor();
  await showEveryPage(page, "balances-more", page.getByTestId("balance-row"));
  const mine = page.getByTestId("balance-row").filter({ hasText: `Imported ${RUN} ` });
  expect(await mine.count()).toBe(ROWS);
  // the first package: 10 manicures, none used before (0 of 10), 60,000 Ft paid: all 10 still owed
  const first = await mine
    .filter({ hasText: `Imported ${RUN} 0` })
    .first()
    .locator("td")
    .allTextContents();
  expect(first.slice(0, 2)).toEqual([`Imported ${RUN} 0`, "10× Manicure"]);
  expect(first).toContain("10");
  await page.screenshot({ path: join(SHOTS, "import-balances.png"), animations: "disabled" });
});

it("the same file again creates nothing (O5)", async () => {
  await page.getByRole("link", { name: /Import & export/ }).click();
  await choose(importFile(false), "old-system-fixed.csv");
  await page.getByTestId("dry-run-summary").waitFor();
  expect(await page.getByTestId("dry-run-counts").textContent()).toBe(
    "Every package in this file is already imported: importing it again creates nothing.",
  );
  expect(await page.getByTestId("import-button").count()).toBe(0);
  const balances = await page.evaluate(async (run) => {
    // every page of the report (W2)
    const rows: Array<{ customerName: string }> = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const r = await fetch(`/api/v1/reports/balances?status=all&limit=200${after}`, {
        credentials: "same-origin",
      });
      const body = (await r.json()) as { items: Array<{ customerName: string }>; nextCursor: string | null };
      rows.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return rows.filter((row) => row.customerName.startsWith(`Imported ${run} `)).length;
  }, RUN);
  expect(balances).toBe(ROWS);
});

it("the owner downloads all data as a ZIP of CSV files, and one customer's data (O6)", async () => {
  const download = page.waitForEvent("download");
  await page.getByTestId("export-all").click();
  const zipPath = await (await download).path();
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  expect(Object.keys(files)).toEqual(
    expect.arrayContaining(["customers.csv", "packages.csv", "movements.csv", "tickets.csv", "README.txt"]),
  );
  const customers = new TextDecoder().decode(files["customers.csv"]);
  expect(customers).toContain(`imported.${RUN}.7@example.test`);
  const movements = new TextDecoder().decode(files["movements.csv"]);
  expect(movements).toMatch(/,import,/);

  await page.goto(`${BASE_URL}/customers`);
  const email = `imported.${RUN}.7@example.test`;
  await page.getByLabel("Search customers").fill(email);
  await page.getByTestId("customer-row").filter({ hasText: email }).first().click();
  await page.getByTestId("package-card").first().waitFor();
  const own = page.waitForEvent("download");
  await page.getByTestId("customer-export").click();
  const data = JSON.parse(readFileSync(await (await own).path(), "utf8"));
  expect(data.customer.email).toBe(email);
  // customer 7 holds the packages of rows 9 and 159 (indices 7 and 157)
  expect(data.packages).toHaveLength(2);
  expect(data.movements.map((m: { kind: string }) => m.kind)).toContain("import");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "import-customer-export-390");
});

it("a manager imports but cannot download everything; the front desk sees neither (S1)", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await context.newPage();
  await signIn(other, "manager@demo.carnet.test");
  await other.getByRole("link", { name: /Import & export/ }).click();
  await other.getByRole("heading", { name: "Bring packages from your old system" }).waitFor();
  expect(await other.getByTestId("export-all").count()).toBe(0);
  await context.close();
  const deskContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await deskContext.newPage();
  await signIn(desk, "desk@demo.carnet.test");
  await desk.getByRole("link", { name: "Customers" }).waitFor();
  expect(await desk.getByRole("link", { name: /Import & export/ }).count()).toBe(0);
  await desk.goto(`${BASE_URL}/import`);
  await desk.waitForURL(/\/customers$/);
  await deskContext.close();
});
