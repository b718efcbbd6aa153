// The seed scenarios through the application layer on a real database (seeds 000 and 002; P8, P9, L5-L8).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adjustCredits } from "../../src/app/adjust-credits.js";
import { extendExpiry } from "../../src/app/extend-expiry.js";
import { activityLog, packageUsage, storeCredit } from "../../src/app/history.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { updateTemplate } from "../../src/app/manage-catalog.js";
import { loadPackage } from "../../src/app/package-view.js";
import { redeemItemFifo, redeemLine } from "../../src/app/redeem-credits.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { undoMovement } from "../../src/app/undo-movement.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { lineCounters, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
beforeEach(async () => {
  s = await scenario();
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const tenOf = (item: string) => ({ items: [{ itemId: item, quantity: 10 }] });

describe("seed 002: manual additions and deductions (P9)", () => {
  it("a 10-credit package, 3 deducted → 7/10, 2 redeemed → 5/10", async () => {
    const pkg = await s.sold(await s.template(tenOf(s.items.yoga)));
    await adjustCredits(s.as("manager"), {
      lineId: pkg.lineId,
      direction: "deduct",
      quantity: 3,
      reason: "migrated",
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 10, remaining: 7 });
    await s.redeem(pkg, 2);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 10, remaining: 5, used: 5 });
  });

  it("a 10-credit package, 5 added → 15/15, 1 used → 14/15", async () => {
    const pkg = await s.sold(await s.template(tenOf(s.items.yoga)));
    await adjustCredits(s.as("owner"), {
      lineId: pkg.lineId,
      direction: "add",
      quantity: 5,
      reason: "loyalty",
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 15, remaining: 15 });
    await s.redeem(pkg);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 15, remaining: 14 });
  });

  it("an adjustment needs a reason and a manager", async () => {
    const pkg = await s.sold(await s.template(tenOf(s.items.yoga)));
    await expect(
      adjustCredits(s.as("manager"), { lineId: pkg.lineId, direction: "add", quantity: 1, reason: "  " }),
    ).rejects.toMatchObject({
      code: "reason_required",
      field: "reason",
    });
    await expect(
      adjustCredits(s.as("front_desk"), { lineId: pkg.lineId, direction: "add", quantity: 1, reason: "x" }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("seed 000: redemption, history and undo (L5, L6)", () => {
  it("the 4th manicure of 5: 3/5 used → 4/5 used", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    await s.redeem(pkg, 3);
    const written = await redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 });
    expect(written.counters).toEqual({ total: 5, used: 4, booked: 0, remaining: 1 });
  });

  it("redeemed twice by mistake: the manager undoes one, the original stays in history marked undone", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    await s.redeem(pkg, 2);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 2 });
    const { items: history } = await packageUsage(s.as("front_desk"), pkg.packageId);
    const mistaken = history.find((h) => h.kind === "redeem")!;
    await expect(undoMovement(s.as("front_desk"), { movementId: mistaken.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    const restore = await undoMovement(s.as("manager"), { movementId: mistaken.id, reason: "double click" });
    expect(restore.counters).toMatchObject({ used: 1, remaining: 4 });
    const { items: after } = await packageUsage(s.as("manager"), pkg.packageId);
    expect(after.find((h) => h.id === mistaken.id)).toMatchObject({
      undone: true,
      undoable: false,
      staffName: "front_desk of Salon",
    });
    expect(after.find((h) => h.kind === "restore")).toMatchObject({
      reversesId: mistaken.id,
      reason: "double click",
    });
    await expect(undoMovement(s.as("manager"), { movementId: mistaken.id })).rejects.toMatchObject({
      code: "already_undone",
    });
    const log = await activityLog(s.as("manager"), { packageId: pkg.packageId, limit: 50 });
    expect(log.items.map((e) => e.action)).toEqual(["undo", "redeem", "redeem", "sell"]);
  });

  it("a grant or an undo cannot itself be undone", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    const [grant] = (await packageUsage(s.as("manager"), pkg.packageId)).items;
    await expect(undoMovement(s.as("manager"), { movementId: grant!.id })).rejects.toMatchObject({
      code: "movement_not_undoable",
    });
  });

  it("no credit left → insufficient_credits, and nothing is written", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 2 }] }));
    await s.redeem(pkg, 2);
    await expect(redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 })).rejects.toMatchObject({
      code: "insufficient_credits",
    });
    await expect(redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 3 })).rejects.toMatchObject({
      code: "insufficient_credits",
    });
    expect((await packageUsage(s.as("manager"), pkg.packageId)).items.length).toBe(3);
    expect((await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now)).status).toBe(
      "fully_used",
    );
  });
});

describe("FIFO across packages (L8)", () => {
  it("the earliest purchase is used first even when a later one expires sooner", async () => {
    const longLived = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 2 }],
      validity: { kind: "months", count: 12 },
    });
    const shortLived = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 2 }],
      validity: { kind: "days", count: 10 },
    });
    const first = await s.sold(longLived);
    s.clock.advance({ hours: 1 });
    const second = await s.sold(shortLived, { customerId: first.customerId });
    const a = await redeemItemFifo(s.as("front_desk"), {
      customerId: first.customerId,
      itemId: s.items.manicure,
      quantity: 1,
    });
    expect(a.packageId).toBe(first.packageId);
    await redeemItemFifo(s.as("front_desk"), {
      customerId: first.customerId,
      itemId: s.items.manicure,
      quantity: 1,
    });
    const c = await redeemItemFifo(s.as("front_desk"), {
      customerId: first.customerId,
      itemId: s.items.manicure,
      quantity: 1,
    });
    expect(c.packageId).toBe(second.packageId);
  });

  it("expired packages are skipped (P6); with nothing eligible the answer says so", async () => {
    const short = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 2 }],
      validity: { kind: "days", count: 1 },
    });
    const pkg = await s.sold(short);
    s.clock.advance({ hours: 24 * 3 });
    await expect(
      redeemItemFifo(s.as("front_desk"), {
        customerId: pkg.customerId,
        itemId: s.items.manicure,
        quantity: 1,
      }),
    ).rejects.toMatchObject({ code: "no_eligible_package" });
    await expect(redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 })).rejects.toMatchObject({
      code: "package_expired",
    });
  });

  it("a package redeemable only in New York is refused in Budapest", async () => {
    const nyOnly = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 2 }],
      locationIds: [s.newYork],
    });
    const pkg = await s.sold(nyOnly, { locationId: s.newYork });
    await expect(
      redeemLine(s.as("front_desk", s.budapest), { lineId: pkg.lineId, quantity: 1 }),
    ).rejects.toMatchObject({
      code: "package_not_valid_at_location",
    });
    await redeemLine(s.as("front_desk", s.newYork), { lineId: pkg.lineId, quantity: 1 });
  });
});

describe("snapshot: a sold package keeps its template (P2, P3)", () => {
  it("editing or retiring the template changes nothing sold", async () => {
    const template = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 5 }],
      name: "5x Manicure",
    });
    const pkg = await s.sold(template);
    await updateTemplate(s.as("owner"), template, {
      name: "7x Manicure",
      items: [{ itemId: s.items.pedicure, quantity: 7 }],
      prices: { HUF: 1 },
    });
    const view = await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now);
    expect(view).toMatchObject({ name: "5x Manicure", priceMinor: 5_400_000 });
    expect(view.lines).toMatchObject([{ itemName: "Manicure", total: 5 }]);
  });
});

describe("extend expiry (P7) and the expiry sweep", () => {
  it("an expired package with 2 unused sessions: the sweep writes them off; extending brings them back", async () => {
    const pkg = await s.sold(
      await s.template({
        items: [{ itemId: s.items.massage, quantity: 3 }],
        validity: { kind: "days", count: 30 },
      }),
    );
    await s.redeem(pkg);
    s.clock.advance({ hours: 24 * 40 });
    expect(await sweepExpiredPackages(s.database.db, s.clock.now)).toBe(1);
    expect(await sweepExpiredPackages(s.database.db, s.clock.now)).toBe(0);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ remaining: 2, expired: 2 });
    expect((await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now)).status).toBe(
      "expired",
    );

    await expect(
      extendExpiry(s.as("front_desk"), { packageId: pkg.packageId, expiresOn: "2026-12-31" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      extendExpiry(s.as("manager"), { packageId: pkg.packageId, expiresOn: "2026-06-15" }),
    ).rejects.toMatchObject({ code: "expiry_not_later" });
    const view = await extendExpiry(s.as("manager"), {
      packageId: pkg.packageId,
      expiresOn: "2026-12-31",
      reason: "customer was ill",
    });
    expect(view).toMatchObject({
      status: "active",
      expiresOn: "2026-12-31",
      expiresAt: "2026-12-31T22:59:59.999Z",
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ remaining: 2, expired: 0 });
    const { items: history } = await packageUsage(s.as("manager"), pkg.packageId);
    expect(history.map((h) => h.kind)).toEqual(["unexpire", "expire", "redeem", "grant"]);
    await s.redeem(pkg);
  });
});

describe("refunds (P8)", () => {
  it("unused: refunded in full; then nothing can be redeemed", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
    await expect(
      refundPackage(s.as("front_desk"), { packageId: pkg.packageId, kind: "money" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const view = await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" });
    expect(view).toMatchObject({ status: "refunded", refundMinor: 5_400_000, refundKind: "money" });
    await expect(redeemLine(s.as("front_desk"), { lineId: pkg.lineId, quantity: 1 })).rejects.toMatchObject({
      code: "package_refunded",
    });
    await expect(
      refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" }),
    ).rejects.toMatchObject({ code: "package_refunded" });
  });

  it("partly used: refused unless allowRefundUsedPackages; then the free credits' worth comes back", async () => {
    const pkg = await s.sold(
      await s.template({ items: [{ itemId: s.items.manicure, quantity: 3 }], prices: { HUF: 10_000 } }),
    );
    await s.redeem(pkg);
    await expect(
      refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" }),
    ).rejects.toMatchObject({ code: "package_used" });
    await updateSettings(s.as("owner"), { allowRefundUsedPackages: true });
    const view = await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" });
    expect(view.refundMinor).toBe(3_333 + 3_334);
  });

  it("the leftovers of an expired package as store credit, an act of grace", async () => {
    const pkg = await s.sold(
      await s.template({
        items: [{ itemId: s.items.manicure, quantity: 3 }],
        prices: { HUF: 10_000 },
        validity: { kind: "days", count: 5 },
      }),
    );
    await s.redeem(pkg);
    s.clock.advance({ hours: 24 * 10 });
    await sweepExpiredPackages(s.database.db, s.clock.now);
    await expect(
      refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" }),
    ).rejects.toMatchObject({ code: "package_used" });
    const view = await refundPackage(s.as("manager"), {
      packageId: pkg.packageId,
      kind: "store_credit",
      reason: "goodwill",
    });
    expect(view).toMatchObject({ status: "refunded", refundKind: "store_credit", refundMinor: 6_667 });
    expect(await storeCredit(s.as("front_desk"), pkg.customerId)).toEqual([
      { currency: "HUF", balanceMinor: 6_667 },
    ]);
  });
});
