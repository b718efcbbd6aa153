// R1 at scale (issue 19, X4): the liability summary reads running sums the database keeps
// (migration 0026), not every line. After each kind of change (sale of one- and several-line
// packages, an unlimited pass, redemption, undo, adjustment, refund, an expiry the sweep has not
// reached, the sweep, an extension after it, concurrent writers and a fold) the summary must equal
// the balances report's totals, which read every line, and `verify` must find the sums right.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustCredits } from "../../src/app/adjust-credits.js";
import { extendExpiry } from "../../src/app/extend-expiry.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { liabilitySummary, packageBalances } from "../../src/app/reports.js";
import { undoMovement } from "../../src/app/undo-movement.js";
import { verifyMoney } from "../../src/app/verify-money.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { foldLiabilityCounters } from "../../src/jobs/fold-liability.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => {
  await s?.close();
});

/** The summary's totals per currency, and the same from the balances report (every line). */
async function bothWays() {
  const summary = await liabilitySummary(s.as("owner"));
  const fromSummary = new Map<
    string,
    { packages: number; sessionsOwed: number; unlimitedLines: number; liabilityMinor: number }
  >();
  for (const r of summary) {
    const t = fromSummary.get(r.currency) ?? {
      packages: 0,
      sessionsOwed: 0,
      unlimitedLines: 0,
      liabilityMinor: 0,
    };
    t.packages += r.packages;
    t.sessionsOwed += r.sessionsOwed;
    t.unlimitedLines += r.unlimitedLines;
    t.liabilityMinor += r.liabilityMinor;
    fromSummary.set(r.currency, t);
  }
  const balances = await packageBalances(s.as("owner"), { status: "active", limit: 1 });
  const fromLines = Object.fromEntries(balances.totals.map(({ currency, ...t }) => [currency, t]));
  return { summary: Object.fromEntries(fromSummary), lines: fromLines };
}

async function expectAgreement() {
  const { summary, lines } = await bothWays();
  expect(summary).toEqual(lines);
  expect(await verifyMoney(s.database.db)).toEqual([]);
  return summary;
}

describe("liability summary from running sums (R1, X4)", () => {
  it("agrees with every line after each kind of change", async () => {
    const ten = await s.template({
      name: "10x Manicure",
      items: [{ itemId: s.items.manicure, quantity: 10 }],
      prices: { HUF: 10_000 },
      validity: { kind: "days", count: 30 },
    });
    const bundle = await s.template({
      name: "Spa bundle",
      items: [
        { itemId: s.items.facial, quantity: 3 },
        { itemId: s.items.massage, quantity: 2 },
      ],
      prices: { HUF: 50_000, USD: 400 },
      validity: { kind: "days", count: 10 },
    });
    const unlimited = await s.template({
      name: "Unlimited yoga",
      items: [{ itemId: s.items.yoga, quantity: 500 }],
      prices: { HUF: 90_000 },
    });
    const a = await s.sold(ten);
    const b = await s.sold(bundle);
    const c = await s.sold(bundle, { locationId: s.newYork });
    const u = await s.sold(unlimited);
    let totals = await expectAgreement();
    expect(totals.HUF).toEqual({ packages: 3, sessionsOwed: 15, unlimitedLines: 1, liabilityMinor: 150_000 });

    const first = await redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 3 });
    await redeemLine(s.as("front_desk"), { lineId: b.lineIds[1]!, quantity: 2 });
    await redeemLine(s.as("front_desk"), { lineId: u.lineId, quantity: 450 });
    await expectAgreement();
    await undoMovement(s.as("manager"), { movementId: first.id });
    await adjustCredits(s.as("manager"), {
      lineId: a.lineId,
      direction: "add",
      quantity: 2,
      reason: "bonus",
    });
    totals = await expectAgreement();
    // the pass now has 50 left: no longer unlimited, and its sessions count
    expect(totals.HUF?.unlimitedLines).toBe(0);

    await refundPackage(s.as("manager"), { packageId: c.packageId, kind: "money" });
    totals = await expectAgreement();
    expect(totals.USD).toBeUndefined();

    // the bundle's expiry passes; the sweep has not run: it owes nothing from that instant
    s.clock.advance({ hours: 12 * 24 });
    totals = await expectAgreement();
    expect(totals.HUF?.packages).toBe(2);
    expect(await sweepExpiredPackages(s.database.db, s.clock.now)).toBe(1);
    await expectAgreement();
    await extendExpiry(s.as("manager"), { packageId: b.packageId, expiresOn: "2026-12-31", reason: "ill" });
    totals = await expectAgreement();
    expect(totals.HUF?.packages).toBe(3);
  });

  it("counts writers on several connections at once, and folds their sums into one row per group", async () => {
    const t = await s.template({ name: "5x Pedicure", items: [{ itemId: s.items.pedicure, quantity: 5 }] });
    const sold = await Promise.all(Array.from({ length: 6 }, () => s.sold(t)));
    await Promise.all(
      sold.flatMap((p) =>
        [1, 2].map(() => redeemLine(s.as("front_desk"), { lineId: p.lineId, quantity: 1 })),
      ),
    );
    const before = await expectAgreement();
    await foldLiabilityCounters(s.database.db);
    const rows = await sql<{ slot: number; n: number }>`
      SELECT slot, count(*)::int AS n FROM liability_counters WHERE business_id = ${s.businessId} GROUP BY slot`.execute(
      s.database.db,
    );
    expect(rows.rows.map((r) => r.slot)).toEqual([0]);
    expect((await bothWays()).summary).toEqual(before);
    await expectAgreement();
  });

  it("verify names a group whose sums are wrong", async () => {
    await sql`UPDATE liability_counters SET liability_minor = liability_minor + 1
               WHERE business_id = ${s.businessId} AND slot = 0
                 AND (location_id, template_id, currency) IN (SELECT location_id, template_id, currency
                   FROM liability_counters WHERE business_id = ${s.businessId} AND slot = 0 LIMIT 1)`.execute(
      s.database.db,
    );
    const problems = await verifyMoney(s.database.db);
    expect(problems.map((p) => p.kind)).toEqual(["liability_counters"]);
    expect(problems[0]!.detail).toMatch(/counted .*, lines /);
  });
});
