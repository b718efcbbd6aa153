// G3: a manager moves free credits to another customer: a transfer_out / transfer_in pair carrying
// the credits' worth, a new package for the recipient, the liability moved and its total unchanged,
// the activity log and usage history naming it, and an undo while the credits are still free.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, packageUsage } from "../../src/app/history.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { liabilitySummary, packageBalances } from "../../src/app/reports.js";
import { transferCredits, undoTransfer } from "../../src/app/transfer-credits.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { verifyMoney } from "../../src/app/verify-money.js";
import { type Api, startApi } from "../support/http.js";
import { lineCounters, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterAll(async () => {
  await api?.close();
  await s?.close();
});

async function liabilityTotal() {
  const rows = await liabilitySummary(s.as("owner"));
  const byCurrency = (await packageBalances(s.as("owner"), { status: "active", limit: 1 })).totals;
  const summed = rows.reduce((n, r) => n + r.liabilityMinor, 0);
  expect(summed).toBe(byCurrency.reduce((n, t) => n + t.liabilityMinor, 0));
  return summed;
}

async function clean() {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  expect(await verifyMoney(s.database.db)).toEqual([]);
}

describe("transfer of free credits (G3)", () => {
  it("moves the free credits and their worth to a new package of the recipient; undo brings them back", async () => {
    // 10 credits for 10,000: the top 7 are worth 7,000
    const t = await s.template({
      name: "10x Manicure",
      items: [{ itemId: s.items.manicure, quantity: 10 }],
      prices: { HUF: 10_000 },
      validity: { kind: "days", count: 90 },
    });
    const anna = await s.sold(t);
    const bea = await s.customer("Bea Szabó");
    await s.redeem(anna, 3);
    const before = await liabilityTotal();

    const { from, to } = await transferCredits(s.as("manager"), {
      packageId: anna.packageId,
      toCustomerId: bea,
      reason: "Anna moved abroad; her sister uses them",
    });
    expect(from.lines[0]).toMatchObject({ total: 3, used: 3, remaining: 0 });
    expect(to).toMatchObject({
      customerId: bea,
      name: "10x Manicure",
      expiresOn: from.expiresOn,
      status: "active",
    });
    expect(to.lines[0]).toMatchObject({ total: 7, used: 0, remaining: 7 });
    expect(await liabilityTotal()).toBe(before);
    await clean();

    const history = await packageUsage(s.as("manager"), anna.packageId);
    const out = history.items.find((m) => m.kind === "transfer_out")!;
    expect(out).toMatchObject({
      quantity: 7,
      valueMinor: 7_000,
      reason: "Anna moved abroad; her sister uses them",
    });
    const arrived = (await packageUsage(s.as("manager"), to.id)).items;
    expect(arrived.map((m) => [m.kind, m.quantity, m.valueMinor])).toEqual([["transfer_in", 7, 7_000]]);
    const log = await activityLog(s.as("manager"), { limit: 10 });
    expect(log.items.slice(0, 2).map((e) => e.action)).toEqual(
      expect.arrayContaining(["transfer_out", "transfer_in"]),
    );

    // Bea uses one: the transfer can no longer be undone
    await redeemLine(s.as("front_desk"), { lineId: to.lines[0]!.id, quantity: 1 });
    await expect(undoTransfer(s.as("manager"), { movementId: out.id })).rejects.toMatchObject({
      code: "transfer_credits_used",
    });
    await clean();
  });

  it("undo while the credits are free: both packages as before, once only", async () => {
    const t = await s.template({ name: "5x Facial", items: [{ itemId: s.items.facial, quantity: 5 }] });
    const anna = await s.sold(t);
    const bea = await s.customer("Bea Szabó");
    const before = await liabilityTotal();
    const { to } = await transferCredits(s.as("owner"), {
      packageId: anna.packageId,
      toCustomerId: bea,
      reason: "gift to her sister",
      expiresOn: "2027-01-31",
    });
    expect(to.expiresOn).toBe("2027-01-31");
    const inId = (await packageUsage(s.as("manager"), to.id)).items[0]!.id;
    const back = await undoTransfer(s.as("manager"), { movementId: inId, reason: "entered by mistake" });
    expect(back.from.lines[0]).toMatchObject({ total: 5, remaining: 5 });
    expect(back.to.lines[0]).toMatchObject({ total: 0, remaining: 0 });
    expect(await liabilityTotal()).toBe(before);
    await expect(undoTransfer(s.as("manager"), { movementId: inId })).rejects.toMatchObject({
      code: "already_undone",
    });
    await clean();
  });

  it("one line of a bundle only; the rest stays", async () => {
    const t = await s.template({
      name: "Spa bundle",
      items: [
        { itemId: s.items.facial, quantity: 3 },
        { itemId: s.items.massage, quantity: 2 },
      ],
    });
    const anna = await s.sold(t);
    const bea = await s.customer("Bea Szabó");
    const { from, to } = await transferCredits(s.as("manager"), {
      packageId: anna.packageId,
      lineId: anna.lineIds[1]!,
      toCustomerId: bea,
      reason: "massages for her husband",
    });
    expect(from.lines.map((l) => l.remaining)).toEqual([3, 0]);
    expect(to.lines.map((l) => [l.itemName, l.remaining])).toEqual([["Massage", 2]]);
    expect(await lineCounters(s.database, anna.lineIds[0]!)).toMatchObject({ total: 3, remaining: 3 });
    await clean();
  });

  it("refuses what a manager should not do, and writes nothing", async () => {
    const t = await s.template({ name: "3x Pedicure", items: [{ itemId: s.items.pedicure, quantity: 3 }] });
    const anna = await s.sold(t);
    const bea = await s.customer("Bea Szabó");
    const attempt = (role: "manager" | "front_desk", input: Partial<Parameters<typeof transferCredits>[1]>) =>
      transferCredits(s.as(role), { packageId: anna.packageId, toCustomerId: bea, reason: "r", ...input });
    await expect(attempt("front_desk", {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(attempt("manager", { toCustomerId: anna.customerId })).rejects.toMatchObject({
      code: "transfer_to_owner",
    });
    await expect(attempt("manager", { reason: "  " })).rejects.toMatchObject({ code: "reason_required" });
    await expect(attempt("manager", { expiresOn: "2020-01-01" })).rejects.toMatchObject({
      code: "expiry_in_past",
    });
    await s.redeem(anna, 3);
    await expect(attempt("manager", {})).rejects.toMatchObject({ code: "nothing_to_transfer" });
    const refunded = await s.sold(t);
    await refundPackage(s.as("manager"), { packageId: refunded.packageId, kind: "money" });
    await expect(attempt("manager", { packageId: refunded.packageId })).rejects.toMatchObject({
      code: "package_refunded",
    });
    expect(await lineCounters(s.database, refunded.lineId)).toMatchObject({ total: 3 });
    const packagesOfBea = await s.database.db
      .selectFrom("customer_packages")
      .select("id")
      .where("customer_id", "=", bea)
      .execute();
    expect(packagesOfBea).toEqual([]);
    await clean();
  });

  it("over HTTP: 200 with both packages; a bad field gets a 400 naming it", async () => {
    const t = await s.template({ name: "4x Massage", items: [{ itemId: s.items.massage, quantity: 4 }] });
    const anna = await s.sold(t);
    const bea = await s.customer("Bea Szabó");
    const bad = await api.call("manager", "POST", `/api/v1/packages/${anna.packageId}/transfer`, {
      toCustomerId: "bea",
      reason: "x",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ field: "toCustomerId" });
    const ok = await api.call("manager", "POST", `/api/v1/packages/${anna.packageId}/transfer`, {
      toCustomerId: bea,
      reason: "family",
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().to.lines[0]).toMatchObject({ remaining: 4 });
    const inId = (await packageUsage(s.as("manager"), ok.json().to.id)).items[0]!.id;
    const undo = await api.call("front_desk", "POST", `/api/v1/movements/${inId}/undo-transfer`, {});
    expect(undo.statusCode).toBe(403);
    const undone = await api.call("manager", "POST", `/api/v1/movements/${inId}/undo-transfer`, {});
    expect(undone.statusCode).toBe(200);
    expect(undone.json().from.lines[0]).toMatchObject({ remaining: 4 });
  });
});
