// U5: the close step's payments through the API. A ticket is paid in cash (with the cash handed over
// and the change kept for the receipt), by card, with store credit, or split across several; the
// payments add up to what is due; store credit never goes above the balance; a card is paid back at
// most what it paid. T1: a ticket opened from the till carries its first line from the start.
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { refundPackage } from "../../src/app/refund-package.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await api.close();
  await s.close();
});

const PEDICURE = 1_500_000;
const OIL = 450_000;

interface TicketAnswer {
  id: string;
  status: string;
  lines: Array<{ id: string; name: string; refundedMinor: number | null }>;
  totals: { dueMinor: number; paidMinor: number; refundedMinor: number };
  payments: Array<{ tender: string; amountMinor: number; tenderedMinor: number | null }>;
}

async function ticketWith(itemIds: string[], customerId?: string): Promise<TicketAnswer> {
  const [first, ...rest] = itemIds;
  const opened = await api.call("front_desk", "POST", "/api/v1/tickets", {
    ...(customerId ? { customerId } : {}),
    line: { itemId: first },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  let t: TicketAnswer = opened.json();
  for (const itemId of rest) {
    const res = await api.call("front_desk", "POST", `/api/v1/tickets/${t.id}/lines`, { itemId });
    expect(res.statusCode, res.body).toBe(201);
    t = res.json();
  }
  return t;
}

const close = (ticketId: string, payments: unknown[]) =>
  api.call("front_desk", "POST", `/api/v1/tickets/${ticketId}/close`, { payments });

/** A customer with store credit: an unused package refunded as store credit. */
async function customerWithStoreCredit(amountMinor: number): Promise<string> {
  const template = await s.template({
    name: "Gift",
    items: [{ itemId: s.items.manicure, quantity: 1 }],
    prices: { HUF: amountMinor, USD: 1_000 },
  });
  const pkg = await s.sold(template);
  await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "store_credit" });
  return pkg.customerId;
}

async function storeCreditOf(customerId: string): Promise<number> {
  const res = await api.call("front_desk", "GET", `/api/v1/customers/${customerId}/store-credit`);
  return (
    (res.json() as Array<{ currency: string; balanceMinor: number }>).find((c) => c.currency === "HUF")
      ?.balanceMinor ?? 0
  );
}

describe("a ticket opened with its first line (T1)", () => {
  it("opens with the line on it, in one step; a bad first line leaves no ticket behind", async () => {
    const t = await ticketWith([s.items.pedicure]);
    expect(t.lines.map((l) => l.name)).toEqual(["Pedicure"]);
    expect(t.totals.dueMinor).toBe(PEDICURE);

    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tickets`.execute(s.database.db);
    const refused = await api.call("front_desk", "POST", "/api/v1/tickets", {
      line: { itemId: s.items.oil, templateId: s.items.oil },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: "item_or_template" });
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tickets`.execute(s.database.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe("the close step's payments (U5)", () => {
  it("cash with change: 20,000 given for 15,000 due; the receipt keeps what was given", async () => {
    const t = await ticketWith([s.items.pedicure]);
    const res = await close(t.id, [{ tender: "cash", amountMinor: PEDICURE, tenderedMinor: 2_000_000 }]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: "closed",
      totals: { dueMinor: PEDICURE, paidMinor: PEDICURE },
      payments: [{ tender: "cash", amountMinor: PEDICURE, tenderedMinor: 2_000_000 }],
    });
  });

  it("cash given below the amount, or change on a card, is refused naming the payment", async () => {
    const t = await ticketWith([s.items.pedicure]);
    const short = await close(t.id, [{ tender: "cash", amountMinor: PEDICURE, tenderedMinor: 1_000_000 }]);
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({
      code: "tendered_below_amount",
      field: "payments.0.tenderedMinor",
    });
    const card = await close(t.id, [{ tender: "card", amountMinor: PEDICURE, tenderedMinor: 2_000_000 }]);
    expect(card.statusCode).toBe(400);
    expect(card.json().error).toMatchObject({ code: "tendered_not_cash", field: "payments.0.tenderedMinor" });
    const negative = await close(t.id, [{ tender: "cash", amountMinor: -PEDICURE }]);
    expect(negative.statusCode).toBe(400);
    expect((await api.call("front_desk", "GET", `/api/v1/tickets/${t.id}`)).json().status).toBe("open");
  });

  it("split across card and cash: the parts must add up to what is due", async () => {
    const t = await ticketWith([s.items.pedicure, s.items.oil]);
    expect(t.totals.dueMinor).toBe(PEDICURE + OIL);
    const short = await close(t.id, [
      { tender: "card", amountMinor: PEDICURE },
      { tender: "cash", amountMinor: OIL - 100 },
    ]);
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({ code: "payment_mismatch", field: "payments" });
    const res = await close(t.id, [
      { tender: "card", amountMinor: PEDICURE },
      { tender: "cash", amountMinor: OIL, tenderedMinor: 500_000 },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payments).toEqual([
      expect.objectContaining({ tender: "card", amountMinor: PEDICURE, tenderedMinor: null }),
      expect.objectContaining({ tender: "cash", amountMinor: OIL, tenderedMinor: 500_000 }),
    ]);
  });

  it("store credit pays up to the balance; above it the close is refused and nothing is spent", async () => {
    const customerId = await customerWithStoreCredit(1_000_000);
    const t = await ticketWith([s.items.pedicure], customerId);
    const above = await close(t.id, [{ tender: "store_credit", amountMinor: PEDICURE }]);
    expect(above.statusCode).toBe(409);
    expect(above.json().error).toMatchObject({ code: "insufficient_store_credit", field: "payments" });
    // Two store-credit parts that each fit but together do not: refused as well.
    const twice = await close(t.id, [
      { tender: "store_credit", amountMinor: 750_000 },
      { tender: "store_credit", amountMinor: 750_000 },
    ]);
    expect(twice.statusCode).toBe(409);
    expect(await storeCreditOf(customerId)).toBe(1_000_000);

    const split = await close(t.id, [
      { tender: "store_credit", amountMinor: 1_000_000 },
      { tender: "card", amountMinor: PEDICURE - 1_000_000 },
    ]);
    expect(split.statusCode, split.body).toBe(200);
    expect(await storeCreditOf(customerId)).toBe(0);
  });

  it("a walk-in cannot pay with store credit", async () => {
    const t = await ticketWith([s.items.oil]);
    const res = await close(t.id, [{ tender: "store_credit", amountMinor: OIL }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "customer_required", field: "payments" });
  });
});

describe("refunds of a split ticket (U5, T8)", () => {
  it("a card gets back at most what it paid; by default each line goes back the way it was paid", async () => {
    const t = await ticketWith([s.items.pedicure, s.items.oil]);
    const closed = await close(t.id, [
      { tender: "cash", amountMinor: PEDICURE },
      { tender: "card", amountMinor: OIL },
    ]);
    expect(closed.statusCode, closed.body).toBe(200);
    const [pedicure, oil] = (closed.json() as TicketAnswer).lines;
    const refund = (lineId: string, body: object) =>
      api.call("manager", "POST", `/api/v1/tickets/${t.id}/lines/${lineId}/refund`, body);

    const toCard = await refund(pedicure!.id, { tender: "card" });
    expect(toCard.statusCode).toBe(400);
    expect(toCard.json().error).toMatchObject({ code: "refund_above_card", field: "tender" });

    const byDefault = await refund(pedicure!.id, {});
    expect(byDefault.statusCode, byDefault.body).toBe(200);
    const oilBack = await refund(oil!.id, {});
    expect(oilBack.statusCode, oilBack.body).toBe(200);
    expect((oilBack.json() as TicketAnswer).payments.filter((p) => p.amountMinor < 0)).toEqual([
      expect.objectContaining({ tender: "cash", amountMinor: -PEDICURE }),
      expect.objectContaining({ tender: "card", amountMinor: -OIL }),
    ]);
    expect(oilBack.json()).toMatchObject({ status: "refunded", totals: { refundedMinor: PEDICURE + OIL } });
  });
});
