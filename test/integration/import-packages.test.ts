// O5: a salon brings the packages its customers hold in another system. The dry run names every
// bad row (row, column, why) and writes nothing; the import is all or nothing and idempotent; the
// imported packages then live in the ledger exactly like packages sold in Carnet (statuses, FIFO,
// expiry sweep, verify, liability) except that the credits used before the import earned nothing
// here (R5).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { type Api, startApi } from "../support/http.js";
import { rowCounts, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;

const HEADER =
  "package_ref,customer_name,customer_email,customer_phone,template,item,credits_total,credits_used,price_paid,purchase_date,expiry_date,location";

/** A file with the header above and these rows (each a line of cells in its order). */
const file = (...rows: string[]) => [HEADER, ...rows].join("\r\n");

const post = (url: string, csv: string, role: "manager" | "owner" | "front_desk" = "manager") =>
  api.call(role, "POST", url, { csv, fileName: "old-system.csv" });

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  await s.template({
    name: "5x Manicure",
    items: [{ itemId: s.items.manicure, quantity: 5 }],
    prices: { HUF: 5_000_000, USD: 20_000 },
  });
  await s.template({
    name: "Spa duo",
    items: [
      { itemId: s.items.facial, quantity: 2 },
      { itemId: s.items.massage, quantity: 2 },
    ],
  });
});

afterAll(async () => {
  await api?.close();
  await s?.close();
});

describe("the dry run (O5)", () => {
  const bad = file(
    "B1,Anna Kovács,anna@example.test,,5x Manicure,,5,1,50 000,2025-13-01,,Budapest",
    "B2,Bea Szabó,bea@example.test,,,Manikür,5,0,12000,2025-03-01,,Budapest",
    "B3,Cili Tóth,cili@example.test,,Gold card,,5,0,12000,2025-03-01,,Budapest",
    "B4,Dóra Kiss,dora@example.test,,5x Manicure,,5,6,12000,2025-03-01,,Budapest",
    "B5,Edit Nagy,edit@example.test,,5x Manicure,,5,0,12000,2025-03-01,,Debrecen",
    "B6,Flóra Horváth,flora@example,,5x Manicure,,5,0,12000,2025-03-01,,Budapest",
    "B7,Gabi Varga,gabi@example.test,,5x Manicure,,5,0,twelve,2025-03-01,,Budapest",
    "B8,Hanna Molnár,hanna@example.test,,5x Manicure,,5,0,12000,2025-03-01,2026-12-31,Budapest",
  );

  it("names the row, the column and why of every bad row, and writes nothing", async () => {
    const before = await rowCounts(s.database);
    const res = await post("/api/v1/imports/dry-run", bad);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.dryRun).toBe(true);
    expect(report.errorCount).toBe(7);
    const where = report.errors.map((e: { row: number; column: string }) => [e.row, e.column]);
    expect(where).toEqual([
      [2, "purchase_date"],
      [3, "item"],
      [4, "template"],
      [5, "credits_used"],
      [6, "location"],
      [7, "customer_email"],
      [8, "price_paid"],
    ]);
    const messages = report.errors.map((e: { message: string }) => e.message);
    expect(messages[0]).toMatch(/"2025-13-01" is not a day of the calendar/);
    expect(messages[1]).toMatch(/no service, product or class type is called "Manikür"/);
    expect(messages[2]).toMatch(/no package template is called "Gold card"/);
    expect(messages[3]).toMatch(/is more than credits_total \(6 > 5\)/);
    expect(messages[4]).toMatch(/no location is called "Debrecen"/);
    expect(messages[5]).toMatch(/"flora@example" is not an e-mail address/);
    expect(messages[6]).toMatch(/"twelve" must be an amount in HUF/);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("says what a good file would create, per currency, and still writes nothing", async () => {
    const before = await rowCounts(s.database);
    const res = await post(
      "/api/v1/imports/dry-run",
      file(
        "D1,Anna Kovács,anna.dry@example.test,,5x Manicure,,5,1,50 000,2025-03-01,2026-12-31,Budapest",
        'D2,Bob Smith,,+1 212 555 0100,,Pedicure,10,4,"$120.00",2025-05-02,,New York',
      ),
    );
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.errorCount).toBe(0);
    expect(report.summary).toMatchObject({ packages: 2, toCreate: 2, alreadyImported: 0, customersNew: 2 });
    // 50,000 Ft for 5 manicures: 1,000,000 minor a credit, 4 free; $120 for 10 pedicures: 6 free
    expect(report.summary.byCurrency).toEqual([
      { currency: "HUF", packages: 1, pricePaidMinor: 5_000_000, owedCredits: 4, owedMinor: 4_000_000 },
      { currency: "USD", packages: 1, pricePaidMinor: 12_000, owedCredits: 6, owedMinor: 7_200 },
    ]);
    expect(report.packages[1]).toMatchObject({
      rows: [3],
      customerName: "Bob Smith",
      name: "10× Pedicure",
      locationName: "New York",
      status: "create",
      lines: [{ itemName: "Pedicure", total: 10, used: 4 }],
    });
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("reads the header row's `;`, a byte order mark, Hungarian amounts and dates, and aliases", async () => {
    const csv =
      "\ufeffE-mail;Name;Template;Credits;Used;Price;Purchased on;Expires on\r\n" +
      "hu@example.test;Kiss Ilona;5x Manicure;5;2;12 000,50 Ft;2025. 03. 14.;2026.12.31.\r\n";
    const res = await post("/api/v1/imports/dry-run", csv);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ row: 2, column: "location", message: expect.stringMatching(/2 locations/) }),
    ]);
  });

  it("refuses a file not saved as UTF-8 (a legacy Excel CSV), naming the first row it cannot read", async () => {
    const latin2 = Buffer.from(
      file("L1,Anna Kovács,anna.l@example.test,,5x Manicure,,5,1,50 000,2025-03-01,,Budapest"),
      "latin1",
    );
    const res = await post("/api/v1/imports/dry-run", new TextDecoder().decode(latin2));
    expect(res.statusCode).toBe(200);
    expect(res.json().errors).toEqual([
      { row: 2, column: null, message: expect.stringContaining("not saved as UTF-8") },
    ]);
  });

  it("refuses an unknown column by name, and a missing one", async () => {
    const res = await post("/api/v1/imports/dry-run", "customer_name,credit_used\nAnna,1\n");
    const columns = res.json().errors.map((e: { column: string }) => e.column);
    expect(columns).toContain("credit_used");
    expect(columns).toEqual(expect.arrayContaining(["credits_total", "price_paid", "purchase_date", "item"]));
  });

  it("quotes the file's own text in its errors safely: no control or bidi character reaches a screen (S3)", async () => {
    const res = await post(
      "/api/v1/imports/dry-run",
      `customer_name,cred\u202eits_total\nAnna,${"x".repeat(5000)}\n`,
    );
    expect(res.statusCode).toBe(200);
    const errors = res.json().errors as Array<{ column: string; message: string }>;
    expect(errors[0]).toMatchObject({ column: "cred<U+202E>its_total" });
    expect(JSON.stringify(errors)).not.toMatch(/[\u202a-\u202e]/);
    const long = await post(
      "/api/v1/imports/dry-run",
      file(`X1,Anna,anna.x@example.test,,5x Manicure,,5,0,50000,${"9".repeat(5000)},,Budapest`),
    );
    const message = long.json().errors[0].message as string;
    expect(message.length).toBeLessThanOrEqual(600);
    expect(message).toMatch(/^"9+…$|^"9+/);
  });

  it("is for managers and owners", async () => {
    expect((await post("/api/v1/imports/dry-run", bad, "front_desk")).statusCode).toBe(403);
  });
});

describe("the import (O5)", () => {
  it("writes nothing when one row is bad: all or nothing", async () => {
    const before = await rowCounts(s.database);
    const res = await post(
      "/api/v1/imports",
      file(
        "A1,Anna Kovács,anna.all@example.test,,5x Manicure,,5,1,50000,2025-03-01,,Budapest",
        "A2,Bea Szabó,bea.all@example.test,,5x Manicure,,5,1,50000,2025-31-01,,Budapest",
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "import_rows_invalid", field: "csv" });
    expect(res.json().error.message).toMatch(/row 3, purchase_date/);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("creates customers and packages once: the same file again creates nothing, and says so per row", async () => {
    // Carnet already knows Zsófi by her e-mail: her package goes to her, she is not created again.
    const existing = await api.call("front_desk", "POST", "/api/v1/customers", {
      name: "Zsófi Balogh",
      email: "zsofi@example.test",
    });
    const csv = file(
      "T1,Zsófia Balogh,ZSOFI@example.test,,5x Manicure,,5,2,50000,2025-03-01,2026-12-31,Budapest",
      "T2,Kati Fekete,kati@example.test,+36 30 123 4567,Spa duo,Facial,2,1,80 000,2025-04-01,,Budapest",
      "T2,Kati Fekete,kati@example.test,,Spa duo,Massage,2,0,,,,",
      ",Kati Fekete,kati@example.test,,,Yoga class,10,3,40000,2025-04-02,,Budapest",
    );
    const first = await post("/api/v1/imports", csv);
    expect(first.statusCode).toBe(200);
    const report = first.json();
    expect(report).toMatchObject({ imported: true, dryRun: false });
    expect(report.summary).toMatchObject({
      packages: 3,
      toCreate: 3,
      alreadyImported: 0,
      lines: 4,
      customersNew: 1,
      customersExisting: 1,
    });
    const zsofi = await api.call("manager", "GET", `/api/v1/customers/${existing.json().id}/packages`);
    expect(zsofi.json().items.map((p: { name: string }) => p.name)).toEqual(["5x Manicure"]);
    const kati = await s.database.db
      .selectFrom("customers")
      .select(["id", "name", "phone"])
      .where("email", "=", "kati@example.test")
      .execute();
    expect(kati).toEqual([{ id: expect.any(String), name: "Kati Fekete", phone: "+36 30 123 4567" }]);
    const katis = (await api.call("manager", "GET", `/api/v1/customers/${kati[0]!.id}/packages`)).json()
      .items;
    expect(katis.map((p: { name: string; lines: unknown[] }) => [p.name, p.lines.length]).sort()).toEqual([
      ["10× Yoga class", 1],
      ["Spa duo", 2],
    ]);

    const before = await rowCounts(s.database);
    const again = await post("/api/v1/imports", csv);
    expect(again.statusCode).toBe(200);
    expect(again.json().summary).toMatchObject({ toCreate: 0, alreadyImported: 3, customersNew: 0 });
    expect(again.json().packages.map((p: { rows: number[]; status: string }) => [p.rows, p.status])).toEqual([
      [[2], "already_imported"],
      [[3, 4], "already_imported"],
      [[5], "already_imported"],
    ]);
    const after = await rowCounts(s.database);
    // only the second import's own entry in the activity log
    expect({ ...after, activity_log: after.activity_log - 1 }).toEqual(before);
  });

  it("answers its progress as JSON lines, then the result", async () => {
    const rows = Array.from(
      { length: 250 },
      (_, i) => `P${i},Progress ${i},progress.${i}@example.test,,5x Manicure,,5,1,50000,2025-03-01,,Budapest`,
    );
    const res = await api.call(
      "manager",
      "POST",
      "/api/v1/imports",
      { csv: file(...rows) },
      { accept: "application/x-ndjson" },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = res.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const progress = lines.filter((l) => l.type === "progress").map((l) => l.done);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(250);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatchObject({ type: "result", result: { summary: { toCreate: 250 } } });
  });

  it("answers a retry with the same Idempotency-Key with the first answer, creating nothing more (L4)", async () => {
    const csv = file("K1,Key Person,key@example.test,,5x Manicure,,5,0,50000,2025-03-01,,Budapest");
    const headers = { "idempotency-key": "import-once" };
    const first = await api.call("manager", "POST", "/api/v1/imports", { csv }, headers);
    const before = await rowCounts(s.database);
    const retry = await api.call("manager", "POST", "/api/v1/imports", { csv }, headers);
    expect(retry.body).toBe(first.body);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(await rowCounts(s.database)).toEqual(before);
  });
});

describe("imported packages in the ledger (O5, L2, L8, P5, R1, R5)", () => {
  let customerId: string;
  let importedAt: string;

  beforeAll(async () => {
    s.clock.set("2026-06-01T10:00:00Z");
    importedAt = s.clock.now.toString();
    const res = await post(
      "/api/v1/imports",
      file(
        "L1,Lili Papp,lili@example.test,,,Manicure,10,4,100 000,2025-01-10,2026-12-31,Budapest",
        "L2,Lili Papp,lili@example.test,,,Pedicure,5,5,60 000,2025-02-01,,Budapest",
        "L3,Lili Papp,lili@example.test,,,Facial,4,2,40 000,2025-02-01,2026-05-01,Budapest",
      ),
    );
    expect(res.statusCode).toBe(200);
    customerId = (
      await s.database.db
        .selectFrom("customers")
        .select("id")
        .where("email", "=", "lili@example.test")
        .executeTakeFirstOrThrow()
    ).id;
  });

  const packagesOf = async () =>
    (await api.call("manager", "GET", `/api/v1/customers/${customerId}/packages`)).json().items as Array<{
      id: string;
      name: string;
      status: string;
      purchasedAt: string;
      expiresOn: string | null;
      lines: Array<{ id: string; total: number; used: number; booked: number; remaining: number }>;
    }>;

  it("keeps the original purchase and expiry, the credits already used, and derives the status", async () => {
    const byName = Object.fromEntries((await packagesOf()).map((p) => [p.name, p]));
    expect(byName["10× Manicure"]).toMatchObject({
      status: "active",
      purchasedAt: "2025-01-09T23:00:00.000Z", // the start of 10 January in Budapest
      expiresOn: "2026-12-31",
      lines: [{ total: 10, used: 4, booked: 0, remaining: 6 }],
    });
    expect(byName["5× Pedicure"]).toMatchObject({ status: "fully_used", expiresOn: null });
    expect(byName["4× Facial"]).toMatchObject({ status: "expired", lines: [{ remaining: 2 }] });
  });

  it("enters the ledger with an import and an import_used movement at the import instant", async () => {
    const manicure = (await packagesOf()).find((p) => p.name === "10× Manicure")!;
    const usage = (await api.call("manager", "GET", `/api/v1/packages/${manicure.id}/usage`)).json().items;
    expect(
      usage.map((m: { kind: string; quantity: number; occurredAt: string }) => [
        m.kind,
        m.quantity,
        m.occurredAt,
      ]),
    ).toEqual([
      ["import_used", 4, new Date(importedAt).toISOString()],
      ["import", 10, new Date(importedAt).toISOString()],
    ]);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("is swept at expiry like any package: its free credits are written off", async () => {
    expect(await sweepExpiredPackages(s.database.db, s.clock.now)).toBeGreaterThanOrEqual(1);
    const facial = (await packagesOf()).find((p) => p.name === "4× Facial")!;
    const line = await s.database.db
      .selectFrom("package_lines")
      .select(["expired"])
      .where("id", "=", facial.lines[0]!.id)
      .executeTakeFirstOrThrow();
    expect(line.expired).toBe(2);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("counts its free credits in the liability at their value, and never the credits used before (R1, R5)", async () => {
    const liability = (await api.call("manager", "GET", "/api/v1/reports/balances?limit=200")).json();
    const row = liability.items.find(
      (r: { packageName: string; customerId: string }) => r.customerId === customerId,
    );
    // 100,000 Ft for 10 manicures, 4 used: 6 free credits of 1,000,000 minor each
    expect(row).toMatchObject({ packageName: "10× Manicure", sessionsOwed: 6, liabilityMinor: 6_000_000 });
    const period = "from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z";
    const before = (await api.call("manager", "GET", `/api/v1/reports/revenue?${period}`)).json();
    const earned = (r: { earned: Array<{ packageName: string; earnedMinor: number; credits: number }> }) =>
      r.earned.filter((e) => e.packageName === "Imported packages" || e.packageName.includes("Manicure"));
    expect(earned(before)).toEqual([]);
    // FIFO (L8): a manicure bought in Carnet today is newer; the imported one is used first
    const template = await s.template({
      name: "Fresh manicures",
      items: [{ itemId: s.items.manicure, quantity: 3 }],
    });
    const fresh = await s.sold(template, { customerId });
    s.clock.advance({ hours: 1 });
    const redeemed = await api.call("front_desk", "POST", `/api/v1/customers/${customerId}/redemptions`, {
      itemId: s.items.manicure,
    });
    expect(redeemed.statusCode).toBe(200);
    const manicure = (await packagesOf()).find((p) => p.name === "10× Manicure")!;
    expect(manicure.lines[0]).toMatchObject({ used: 5, remaining: 5 });
    expect((await packagesOf()).find((p) => p.id === fresh.packageId)!.lines[0]).toMatchObject({ used: 0 });
    const after = (await api.call("manager", "GET", `/api/v1/reports/revenue?${period}`)).json();
    // the 5th credit earned its 1,000,000 here; the 4 used before earned nothing in Carnet
    expect(
      after.earned.filter((e: { templateId: string }) =>
        liability.items.some(
          (r: { templateId: string; customerId: string }) =>
            r.customerId === customerId && r.templateId === e.templateId,
        ),
      ),
    ).toEqual([expect.objectContaining({ earnedMinor: 1_000_000, credits: 1 })]);
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  });

  it("records who imported what in the activity log (L7)", async () => {
    const entries = (
      await api.call("owner", "GET", "/api/v1/activity?action=import_packages&limit=50")
    ).json().items;
    expect(entries[0]).toMatchObject({
      action: "import_packages",
      staffId: s.staff.manager.staffId,
      details: { fileName: "old-system.csv", rows: 3, packagesCreated: 3, customersCreated: 1 },
    });
    const perPackage = (
      await api.call("owner", "GET", `/api/v1/activity?customerId=${customerId}&action=import&limit=50`)
    ).json().items;
    expect(perPackage).toHaveLength(3);
    expect(perPackage[0].details).toMatchObject({
      fileName: "old-system.csv",
      importId: entries[0].details.importId,
    });
  });
});
