// R1: the business-wide liability summary (read from package_lines alone, migration 0006) agrees with
// the balances report, counts packages once, and decides expiry against now; the CSV export streamed
// in batches equals the balances report row for row, in order of sale.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extendExpiry } from "../../src/app/extend-expiry.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { liabilitySummary, packageBalances, packageBalancesCsv } from "../../src/app/reports.js";
import { csvField } from "../../src/http/routes/reports.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, type Sold, scenario } from "../support/scenario.js";
import { adminQuery, testBackend } from "../support/test-db.js";

let s: Scenario;
let api: Api;
let duo1: Sold;
let duo2: Sold;
let duo3: Sold;
let solo: Sold;
let unlimited: Sold;
let soloExpiresAt: Date;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  const duo = await s.template({
    name: "Duo",
    items: [
      { itemId: s.items.facial, quantity: 2 },
      { itemId: s.items.massage, quantity: 3 },
    ],
    prices: { HUF: 50_000 },
    validity: { kind: "days", count: 30 },
  });
  const one = await s.template({
    name: "Solo",
    items: [{ itemId: s.items.manicure, quantity: 4 }],
    prices: { HUF: 8_000 },
    validity: { kind: "days", count: 2 },
  });
  duo1 = await s.sold(duo, { customerId: await s.customer('Kovács, "Kati"') });
  // its first line used up: the package still owes through its second, and counts once
  await redeemLine(s.as("front_desk"), { lineId: duo1.lineIds[0]!, quantity: 2 });
  s.clock.advance({ minutes: 5 });
  duo2 = await s.sold(duo);
  await redeemLine(s.as("front_desk"), { lineId: duo2.lineIds[1]!, quantity: 1 });
  solo = await s.sold(one); // same instant as duo2: the package id breaks the tie
  await redeemLine(s.as("front_desk"), { lineId: solo.lineId, quantity: 1 });
  s.clock.advance({ minutes: 5 });
  const usedUp = await s.sold(
    await s.template({ name: "Used up", items: [{ itemId: s.items.yoga, quantity: 1 }] }),
  );
  await redeemLine(s.as("front_desk"), { lineId: usedUp.lineId, quantity: 1 });
  duo3 = await s.sold(duo); // not used: refundable
  // a name a spreadsheet would run as a formula, with a comma, a quote and a line break
  const formula = await s.template({
    name: '=HYPERLINK("x"),\nNew',
    items: [{ itemId: s.items.oil, quantity: 1 }],
  });
  await s.sold(formula, { customerId: await s.customer("-Minus") });
  // P10: 999 yoga classes for 999,000: an unlimited pass, each credit worth 1,000
  const pass = await s.template({
    name: "Yoga unlimited",
    items: [{ itemId: s.items.yoga, quantity: 999 }],
    prices: { HUF: 999_000 },
  });
  unlimited = await s.sold(pass);
  await redeemLine(s.as("front_desk"), { lineId: unlimited.lineId, quantity: 2 });
  const rows = await s.database.db
    .selectFrom("customer_packages")
    .select("expires_at")
    .where("id", "=", solo.packageId)
    .execute();
  soloExpiresAt = rows[0]!.expires_at as Date;
});
afterAll(async () => {
  await api.close();
  await s.close();
});

const at = (ms: number) => s.clock.set(new Date(ms).toISOString());

async function summaryOf(name: string) {
  return (await liabilitySummary(s.as("owner"))).find((r) => r.packageName === name);
}

/** The summary's totals per currency equal those of the balances report of active packages. */
async function expectSummaryAgreesWithBalances() {
  const summary = await liabilitySummary(s.as("owner"));
  const balances = await packageBalances(s.as("owner"), { status: "active", limit: 200 });
  const byCurrency = new Map<
    string,
    { packages: number; sessionsOwed: number; unlimitedLines: number; liabilityMinor: number }
  >();
  for (const r of summary) {
    const t = byCurrency.get(r.currency) ?? {
      packages: 0,
      sessionsOwed: 0,
      unlimitedLines: 0,
      liabilityMinor: 0,
    };
    t.packages += r.packages;
    t.sessionsOwed += r.sessionsOwed;
    t.unlimitedLines += r.unlimitedLines;
    t.liabilityMinor += r.liabilityMinor;
    byCurrency.set(r.currency, t);
  }
  const owing = balances.items.filter((r) => r.sessionsOwed > 0 || r.unlimitedLines > 0);
  expect([...byCurrency.values()].reduce((n, t) => n + t.packages, 0)).toBe(owing.length);
  for (const t of balances.totals) {
    expect(byCurrency.get(t.currency)).toMatchObject({
      sessionsOwed: t.sessionsOwed,
      unlimitedLines: t.unlimitedLines,
      liabilityMinor: t.liabilityMinor,
    });
  }
}

describe("liability summary (R1)", () => {
  it("counts a package of several lines once, and agrees with the balances report", async () => {
    // Duo 1: massage 3 owed; Duo 2: facial 2 + massage 2; Duo 3: 5 → 12 sessions of 3 packages
    expect(await summaryOf("Duo")).toMatchObject({ packages: 3, sessionsOwed: 12 });
    expect(await summaryOf("Solo")).toMatchObject({ packages: 1, sessionsOwed: 3, liabilityMinor: 6_000 });
    expect(await summaryOf("Used up")).toBeUndefined();
    await expectSummaryAgreesWithBalances();
  });

  it("compares the expiry instant with now, and follows an extended expiry", async () => {
    const saved = s.clock.now;
    at(soloExpiresAt.getTime() - 1);
    expect(await summaryOf("Solo")).toMatchObject({ packages: 1, sessionsOwed: 3 });
    at(soloExpiresAt.getTime() + 1);
    expect(await summaryOf("Solo")).toBeUndefined();
    await expectSummaryAgreesWithBalances();
    await extendExpiry(s.as("manager"), { packageId: solo.packageId, expiresOn: "2026-12-31" });
    expect(await summaryOf("Solo")).toMatchObject({ packages: 1, sessionsOwed: 3, liabilityMinor: 6_000 });
    await expectSummaryAgreesWithBalances();
    s.clock.now = saved;
  });

  it("counts an unlimited pass apart from sessions owed, and keeps its liability (P10, R1)", async () => {
    // 997 classes left are not 997 sessions owed; their worth is still owed: 997 × 1,000
    expect(await summaryOf("Yoga unlimited")).toMatchObject({
      packages: 1,
      sessionsOwed: 0,
      unlimitedLines: 1,
      liabilityMinor: 997_000,
    });
    const { items: rows, totals } = await packageBalances(s.as("owner"), { status: "active", limit: 200 });
    const row = rows.find((r) => r.packageId === unlimited.packageId)!;
    expect(row).toMatchObject({
      sessionsOwed: 0,
      unlimitedLines: 1,
      liabilityMinor: 997_000,
      remaining: 997,
    });
    expect(row.lines).toEqual([
      { itemName: expect.any(String), total: 999, used: 2, booked: 0, unlimited: true },
    ]);
    const limited = rows.filter((r) => r.packageId !== unlimited.packageId);
    expect(totals[0]).toMatchObject({
      sessionsOwed: limited.reduce((n, r) => n + r.sessionsOwed, 0),
      unlimitedLines: 1,
      liabilityMinor: rows.reduce((n, r) => n + r.liabilityMinor, 0),
    });
    await expectSummaryAgreesWithBalances();
  });

  it("a refunded package owes nothing", async () => {
    await refundPackage(s.as("manager"), { packageId: duo3.packageId, kind: "money" });
    expect(await summaryOf("Duo")).toMatchObject({ packages: 2, sessionsOwed: 7 });
    await expectSummaryAgreesWithBalances();
  });
});

/** The balances report's rows in order of sale, as CSV lines written by the route's csvField. */
async function screenLines(status: "all" | "active"): Promise<string[]> {
  const { items: rows } = await packageBalances(s.as("manager"), { status, limit: 200 });
  return rows
    .sort((a, b) =>
      a.purchasedAt === b.purchasedAt
        ? a.packageId.localeCompare(b.packageId)
        : a.purchasedAt.localeCompare(b.purchasedAt),
    )
    .map((r) =>
      [
        r.customerName,
        r.packageName,
        r.status,
        r.locationName,
        r.items,
        r.remaining,
        r.booked,
        r.total,
        r.sessionsOwed,
        r.unlimitedLines,
        r.currency,
        r.liabilityMinor,
        r.purchasedAt,
        r.expiresOn,
        r.packageId,
      ]
        .map(csvField)
        .join(","),
    );
}

describe("balances CSV export (R1)", () => {
  it("equals the balances report row for row whatever the batch size", async () => {
    for (const status of ["all", "active"] as const) {
      const expected = await screenLines(status);
      expect(expected.length).toBeGreaterThan(status === "all" ? 3 : 1);
      for (const batchSize of [1, 2, 3, 1000]) {
        let text = "";
        for await (const chunk of packageBalancesCsv(s.as("manager"), { status }, batchSize)) text += chunk;
        expect(text.split("\r\n"), `status ${status}, batches of ${batchSize}`).toEqual([...expected, ""]);
      }
    }
  });

  it("downloads every row, quoted as the screen's values need", async () => {
    const res = await api.call("manager", "GET", "/api/v1/reports/balances.csv?status=all");
    expect(res.statusCode).toBe(200);
    const lines = res.body.split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines[0]).toMatch(/^customer,package,status,location,/);
    expect(lines.slice(1)).toEqual(await screenLines("all"));
    expect(lines.some((l) => l.startsWith('"Kovács, ""Kati""",Duo,'))).toBe(true);
    expect(res.body).toContain(`'-Minus,"'=HYPERLINK(""x""),\nNew",`);
    // the unlimited pass: no sessions owed, one unlimited line, its liability as on screen
    expect(lines[0]).toContain(",sessions owed,unlimited lines,currency,");
    const pass = lines.find((l) => l.endsWith(`,${unlimited.packageId}`))!;
    expect(pass).toMatch(/,active,.*,997,0,999,0,1,HUF,997000,/);
  });

  it.runIf(testBackend() === "postgres")(
    "a download stopped midway ends its COPY, and the next export runs",
    async () => {
      const batches = packageBalancesCsv(s.as("manager"), { status: "all" }, 1);
      expect((await batches.next()).done).toBe(false);
      await batches.return(undefined);
      // counted from a session of its own: one of the pool's could be the connection in question
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(s.database.db);
      const copying = () =>
        adminQuery<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = '${rows[0]?.name}' AND (query LIKE 'COPY (%' OR state = 'idle in transaction')`,
        ).then((r) => r[0]?.n);
      expect(await copying()).toBe(0);
      let text = "";
      for await (const chunk of packageBalancesCsv(s.as("manager"), { status: "all" })) text += chunk;
      expect(text.split("\r\n")).toEqual([...(await screenLines("all")), ""]);
    },
  );
});
