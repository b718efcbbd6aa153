// R1, R2, R5: balances and liability, expiring packages, redemptions and revenue, and the CSV export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustCredits } from "../../src/app/adjust-credits.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import {
  expiringSoon,
  liabilitySummary,
  packageBalances,
  redemptionsReport,
  revenueReport,
} from "../../src/app/reports.js";
import { undoMovement } from "../../src/app/undo-movement.js";
import { type Api, startApi } from "../support/http.js";
import { expectPageRefusals, everyPage as readEveryPage } from "../support/pages.js";
import { type Scenario, type Sold, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let three: Sold;
let ny: Sold;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  // 10,000 for 3 credits: worth 3,333 / 3,333 / 3,334.
  const t = await s.template({
    name: "3x Facial",
    items: [{ itemId: s.items.facial, quantity: 3 }],
    prices: { HUF: 10_000, USD: 9_000 },
    validity: { kind: "days", count: 20 },
  });
  three = await s.sold(t);
  const first = await redeemLine(s.as("front_desk"), { lineId: three.lineId, quantity: 1 });
  await redeemLine(s.as("front_desk"), { lineId: three.lineId, quantity: 1 });
  await undoMovement(s.as("manager"), { movementId: first.id });
  await adjustCredits(s.as("manager"), {
    lineId: three.lineId,
    direction: "add",
    quantity: 2,
    reason: "bonus",
  });
  ny = await s.sold(t, { locationId: s.newYork });
  const expired = await s.sold(
    await s.template({
      name: "Old",
      items: [{ itemId: s.items.massage, quantity: 2 }],
      validity: { kind: "days", count: 1 },
    }),
  );
  void expired;
  s.clock.advance({ hours: 24 * 3 });
});
afterAll(async () => {
  await api.close();
  await s.close();
});

describe("balances (R1)", () => {
  it("owed sessions and liability: free and booked credits of active packages at their worth", async () => {
    const report = await packageBalances(s.as("manager"), { status: "active", limit: 100 });
    const row = report.items.find((r) => r.packageId === three.packageId)!;
    // total 5 (3 sold + 2 added), 1 used → 4 owed; worth: credits 2 and 3 of the sold ones (3,333 + 3,334), added ones 0.
    expect(row).toMatchObject({
      total: 5,
      used: 1,
      remaining: 4,
      sessionsOwed: 4,
      liabilityMinor: 6_667,
      status: "active",
    });
    expect(report.totals).toEqual([
      { currency: "HUF", packages: 1, sessionsOwed: 4, unlimitedLines: 0, liabilityMinor: 6_667 },
      { currency: "USD", packages: 1, sessionsOwed: 3, unlimitedLines: 0, liabilityMinor: 9_000 },
    ]);
    const expired = await packageBalances(s.as("manager"), { status: "expired", limit: 100 });
    expect(expired.items.map((r) => r.packageName)).toEqual(["Old"]);
    expect(expired.items[0]!.liabilityMinor).toBe(0);
  });

  it("filters by location", async () => {
    const report = await packageBalances(s.as("manager"), {
      status: "all",
      locationId: s.newYork,
      limit: 100,
    });
    expect(report.items.map((r) => r.packageId)).toEqual([ny.packageId]);
  });

  it("the business-wide summary by location and template", async () => {
    const summary = await liabilitySummary(s.as("owner"));
    expect(summary.map((r) => [r.locationName, r.packageName, r.sessionsOwed, r.liabilityMinor])).toEqual([
      ["Budapest", "3x Facial", 4, 6_667],
      ["New York", "3x Facial", 3, 9_000],
    ]);
  });

  it("front desk may not see reports", async () => {
    await expect(packageBalances(s.as("front_desk"), { status: "active", limit: 10 })).rejects.toMatchObject({
      code: "forbidden",
    });
    const res = await api.call("front_desk", "GET", "/api/v1/reports/balances");
    expect(res.statusCode).toBe(403);
  });

  it("the CSV export has a header and one row per package, quoting what needs it", async () => {
    const res = await api.call("manager", "GET", "/api/v1/reports/balances.csv?status=all");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/csv/);
    const lines = res.body.trim().split("\r\n");
    expect(lines[0]).toMatch(/^customer,package,status,location/);
    expect(lines.length).toBe(1 + 3);
    expect(lines.some((l) => l.includes(three.packageId) && l.includes(",6667,"))).toBe(true);
  });
});

describe("expiring soon and redemptions (R2)", () => {
  it("lists active packages with credits left expiring within N days", async () => {
    const soon = await expiringSoon(s.as("manager"), { days: 30 });
    expect(soon.items.map((r) => r.packageId).sort()).toEqual([three.packageId, ny.packageId].sort());
    expect(soon.nextCursor).toBeNull();
    expect(await expiringSoon(s.as("manager"), { days: 1 })).toEqual({ items: [], nextCursor: null });
  });

  it("counts redemptions less undos, by staff", async () => {
    const from = new Date("2026-05-01T00:00:00Z");
    const to = new Date("2026-07-01T00:00:00Z");
    const byStaff = await redemptionsReport(s.as("manager"), { from, to, groupBy: "staff" });
    expect(byStaff).toEqual([
      { key: "front_desk of Salon", currency: "HUF", redeemed: 2, undone: 0, net: 2, valueMinor: 6_666 },
      { key: "manager of Salon", currency: "HUF", redeemed: 0, undone: 1, net: -1, valueMinor: -3_333 },
    ]);
    const byDay = await redemptionsReport(s.as("manager"), { from, to, groupBy: "day" });
    expect(byDay.reduce((a, r) => a + r.net, 0)).toBe(1);
  });
});

describe("revenue (R5)", () => {
  it("earned = worth of credits used less undone; deferred = worth still owed", async () => {
    const report = await revenueReport(s.as("owner"), {
      from: new Date("2026-05-01T00:00:00Z"),
      to: new Date("2026-07-01T00:00:00Z"),
    });
    expect(report.earned).toEqual([
      {
        locationName: "Budapest",
        packageName: "3x Facial",
        templateId: expect.any(String),
        currency: "HUF",
        earnedMinor: 3_333,
        credits: 1,
      },
    ]);
    expect(report.deferred.map((d) => d.deferredMinor)).toEqual([6_667, 9_000]);
  });
});

describe("W2: the reports a page at a time", () => {
  type Row = { packageId: string; customerName: string };
  type Paged = { items: Row[]; nextCursor: string | null; totals?: unknown };
  async function everyPage(path: string, limit: number): Promise<{ rows: Row[]; pages: Paged[] }> {
    const pages = await readEveryPage<Row, Paged>(api, "manager", `${path}&limit=${limit}`);
    for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(limit);
    return { rows: pages.flatMap((p) => p.items), pages };
  }

  it("W2: balances come a page at a time in name order, totals on every page, stable under a sale meanwhile", async () => {
    const t = await s.template({ name: "Paged", items: [{ itemId: s.items.facial, quantity: 2 }] });
    for (const name of ["Pál", "Ödön", "Zsófia", "Ágnes", "Rita"]) {
      await s.sold(t, { customerId: await s.customer(name) });
    }
    const whole = (await api.call("manager", "GET", "/api/v1/reports/balances?status=all&limit=200")).json();
    expect(whole.nextCursor).toBeNull();
    const { rows, pages } = await everyPage("/api/v1/reports/balances?status=all", 2);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(rows.map((r) => r.packageId)).toEqual(whole.items.map((r: Row) => r.packageId));
    for (const p of pages) expect(p.totals).toEqual(whole.totals);

    // a sale to a customer before the cursor, made between two pages, shifts nothing after it
    const first = (await api.call("manager", "GET", "/api/v1/reports/balances?status=all&limit=3")).json();
    await s.sold(t, { customerId: await s.customer("Aladár") });
    const rest = (
      await readEveryPage<Row>(api, "manager", "/api/v1/reports/balances?status=all", first.nextCursor)
    ).flatMap((p) => p.items);
    expect([...first.items, ...rest].map((r: Row) => r.packageId)).toEqual(
      whole.items.map((r: Row) => r.packageId),
    );
  });

  it("W2: the expiring report pages soonest first, every package once", async () => {
    const whole = (await api.call("manager", "GET", "/api/v1/reports/expiring?days=365&limit=200")).json();
    expect(whole.items.length).toBeGreaterThanOrEqual(2);
    const { rows } = await everyPage("/api/v1/reports/expiring?days=365", 1);
    expect(rows.map((r) => r.packageId)).toEqual(whole.items.map((r: Row) => r.packageId));
    expect(new Set(rows.map((r) => r.packageId)).size).toBe(rows.length);
  });

  it("W2: limit is a whole number from 1 to 200; a cursor must be one this list gave", async () => {
    await expectPageRefusals(api, "manager", "/api/v1/reports/balances?status=all");
    await expectPageRefusals(api, "manager", "/api/v1/reports/expiring", [["2026-06-01", "x", "y"]]);
  });
});
