// R1: the balances CSV opens in a spreadsheet as text, whatever the names in it hold. Read with `,`
// (the file's separator) every cell is the name as stored, with an apostrophe before each character
// that would begin a formula at the start of a cell; read as a spreadsheet whose locale splits on
// `;` (the demo's Hungarian) or on a tab, no cell begins with a formula either. Such a spreadsheet
// honours quotes only at the start of ITS cells, so quoting a field is not enough there: a `;`
// inside a name that is not first on its line starts a cell in the middle of the quoted text.
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createItem } from "../../src/app/manage-catalog.js";
import { csvField } from "../../src/http/routes/reports.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

/** A name as stored, and the cell that a CSV parser splitting on `,` reads back from the export. */
const NAMES: Array<{ name: string; cell: string }> = [
  { name: ";=cmd|' /C calc'!A0;", cell: ";'=cmd|' /C calc'!A0;" },
  { name: "=1+1", cell: "'=1+1" },
  { name: "+1+1", cell: "'+1+1" },
  { name: "-1+1", cell: "'-1+1" },
  { name: "@SUM(1)", cell: "'@SUM(1)" },
  { name: "\t=1+1", cell: "'\t'=1+1" },
  { name: "\r=1+1", cell: "'\r'=1+1" },
  { name: "  =1+1", cell: "  '=1+1" },
  { name: "Anna;=1+1", cell: "Anna;'=1+1" },
  { name: "Anna; @SUM(1)", cell: "Anna; '@SUM(1)" },
  { name: 'Anna;"=1+1', cell: "Anna;'\"=1+1" },
  { name: "Anna\n=1+1", cell: "Anna\n'=1+1" },
  { name: "Anna\t-1", cell: "Anna\t'-1" },
  // A `,` does not start a cell in a spreadsheet that splits on `;`, and the `,` reader keeps the
  // quoted field whole: nothing to add.
  { name: "Kovács, =1+1", cell: "Kovács, =1+1" },
  { name: ",=1+1", cell: ",=1+1" },
  { name: 'Kovács "Kati"', cell: 'Kovács "Kati"' },
  { name: "Anna Kertész", cell: "Anna Kertész" },
];

/** What may begin a formula in a spreadsheet cell (OWASP's list), leading spaces ignored. */
const FORMULA = /^ *[=+\-@\t\r]/;

/**
 * The cells of a .csv as a spreadsheet reads it with `separator`: a cell is quoted only when it
 * begins with `"`; inside the quotes `""` is a quote and a lone `"` ends them, what follows up to
 * the separator being kept as it is; outside quotes CR LF, LF or CR ends the row.
 */
function spreadsheetCells(text: string, separator: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = "";
    if (text[i] === '"') {
      for (i++; i < text.length; i++) {
        if (text[i] !== '"') cell += text[i];
        else if (text[i + 1] === '"') cell += text[i++];
        else {
          i++;
          break;
        }
      }
    }
    while (i < text.length && text[i] !== separator && text[i] !== "\r" && text[i] !== "\n")
      cell += text[i++];
    cells.push(cell);
    if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
    else i += 1;
  }
  return cells;
}

let s: Scenario;
let api: Api;
/** the name given to each package's customer and to the package itself, by package id */
const named = new Map<string, (typeof NAMES)[number]>();
let mixedItemsPackageId: string;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  const db = s.database.db;
  const plain = await s.template({ name: "Plain", items: [{ itemId: s.items.manicure, quantity: 5 }] });
  for (const entry of NAMES) {
    const sold = await s.sold(plain);
    // Names typed today are trimmed; imported or older ones need not be: the export takes any text.
    await sql`UPDATE customers SET name = ${entry.name}
               WHERE business_id = ${s.businessId} AND id = ${sold.customerId}`.execute(db);
    await sql`UPDATE customer_packages SET name = ${entry.name}
               WHERE business_id = ${s.businessId} AND id = ${sold.packageId}`.execute(db);
    named.set(sold.packageId, entry);
  }
  const item = async (name: string) =>
    (await createItem(s.as("owner"), { kind: "product", name, prices: { HUF: 1_000, USD: 100 } })).id;
  const mixed = await s.template({
    name: "Mixed",
    items: [
      { itemId: await item("Oil;=1+1"), quantity: 1 },
      { itemId: await item("=Wax"), quantity: 2 },
    ],
  });
  mixedItemsPackageId = (await s.sold(mixed)).packageId;
});
afterAll(async () => {
  await api.close();
  await s.close();
});

async function download(): Promise<string> {
  const res = await api.call("manager", "GET", "/api/v1/reports/balances.csv?status=all");
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe("balances CSV export against formula injection (R1)", () => {
  it("read with `,`, every customer and package cell is the stored name, each formula start behind an apostrophe", async () => {
    const rows = parse(await download()) as string[][];
    expect(rows[0]?.[0]).toBe("customer");
    const packageIdColumn = rows[0]!.indexOf("package id");
    let checked = 0;
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(rows[0]!.length);
      const entry = named.get(row[packageIdColumn]!);
      if (!entry) continue;
      expect([row[0], row[1]], JSON.stringify(entry.name)).toEqual([entry.cell, entry.cell]);
      checked++;
    }
    expect(checked).toBe(NAMES.length);
    const mixed = rows.find((row) => row[packageIdColumn] === mixedItemsPackageId);
    expect(mixed?.[rows[0]!.indexOf("items (remaining/total)")]).toBe("Oil;'=1+1 1/1; '=Wax 2/2");
    for (const cell of rows.flat()) expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA);
  });

  for (const [locale, separator] of [
    ["`;` (the demo's Hungarian)", ";"],
    ["a tab", "\t"],
  ] as const) {
    it(`read by a spreadsheet that splits on ${locale}, no cell begins a formula`, async () => {
      const cells = spreadsheetCells(await download(), separator);
      expect(cells.length).toBeGreaterThan(NAMES.length);
      for (const cell of cells) expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA);
    });
  }

  it("the header's writer (csvField) escapes each name as the database writes it", () => {
    for (const { name, cell } of NAMES) expect(parse(csvField(name)), JSON.stringify(name)).toEqual([[cell]]);
  });
});
