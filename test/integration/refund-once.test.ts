// P8 under attack: a package is refunded once, however many requests race for it (in one server
// and through two server processes on PostgreSQL); once refunded, nothing comes back to it (an
// undo, a covered line refunded at the till, a cancelled booking); and `verify` proves store
// credit and refunds (L2 for money), naming what a tampered database got wrong.
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bookAppointment, cancelAppointment } from "../../src/app/appointments.js";
import { closeTicket } from "../../src/app/close-ticket.js";
import { addTicketLine, openTicket } from "../../src/app/edit-ticket.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { refundTicketLine } from "../../src/app/refund-ticket-line.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { verifyMoney } from "../../src/app/verify-money.js";
import { type Api, startApi } from "../support/http.js";
import { type ServerProcess, startServerProcess, tokenForServerProcess } from "../support/processes.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

let s: Scenario;
let api: Api;
let fiveManicures: string;

beforeEach(async () => {
  s = await scenario();
  api = await startApi(s);
  fiveManicures = await s.template({
    name: "5x Manicure",
    items: [{ itemId: s.items.manicure, quantity: 5 }],
    prices: { HUF: 5_000_000, USD: 20_000 },
  });
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await api.close();
  await s.close();
});

async function storeCreditOf(customerId: string): Promise<number> {
  const res = await api.call("manager", "GET", `/api/v1/customers/${customerId}/store-credit`);
  expect(res.statusCode).toBe(200);
  const balances = res.json() as Array<{ currency: string; balanceMinor: number }>;
  return balances.find((b) => b.currency === "HUF")?.balanceMinor ?? 0;
}

async function refundRows(packageId: string) {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM package_refunds WHERE package_id = ${packageId}`.execute(s.database.db);
  return rows[0]!.n;
}

describe("a refund happens once, whatever races it (P8)", () => {
  for (const kind of ["store_credit", "money"] as const) {
    it(`20 parallel ${kind} refunds of one package: one 200, nineteen 409 package_refunded`, async () => {
      const pkg = await s.sold(fiveManicures);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.call("manager", "POST", `/api/v1/packages/${pkg.packageId}/refund`, { kind }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses.filter((code) => code === 200)).toHaveLength(1);
      expect(statuses.filter((code) => code === 409)).toHaveLength(19);
      for (const r of responses.filter((x) => x.statusCode === 409))
        expect(r.json().error.code).toBe("package_refunded");
      expect(await refundRows(pkg.packageId)).toBe(1);
      expect(await storeCreditOf(pkg.customerId)).toBe(kind === "store_credit" ? 5_000_000 : 0);
      expect(await verifyMoney(s.database.db)).toEqual([]);
    });
  }

  it("the database refuses a second refund record of one package, whatever the application does", async () => {
    const pkg = await s.sold(fiveManicures);
    await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" });
    await expect(
      sql`INSERT INTO package_refunds (business_id, package_id, customer_id, kind, amount_minor, currency, occurred_at)
          SELECT business_id, id, customer_id, 'store_credit', 1, currency, now()
            FROM customer_packages WHERE id = ${pkg.packageId}`.execute(s.database.db),
    ).rejects.toThrow(/package_refunds_pkey|duplicate key/);
    await expect(
      sql`UPDATE package_refunds SET amount_minor = 0 WHERE package_id = ${pkg.packageId}`.execute(
        s.database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`UPDATE customer_packages SET refund_minor = price_minor + 1 WHERE id = ${pkg.packageId}`.execute(
        s.database.db,
      ),
    ).rejects.toThrow(/refund_within_price/);
  });
});

describe.runIf(testBackend() === "postgres")("refunds racing through two server processes (P8)", () => {
  let servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((p) => p.stop()));
    servers = [];
  });

  it("50 refunds of one package, store credit then money: each package refunded once", async () => {
    const url = await databaseUrlOf(s.database);
    servers = await Promise.all([
      startServerProcess({ DATABASE_URL: url }),
      startServerProcess({ DATABASE_URL: url }),
    ]);
    const token = await tokenForServerProcess(s.app, s.staff.manager, "race");
    const race = async (pkg: Sold, kind: string) =>
      Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${servers[i % 2]!.url}/api/v1/packages/${pkg.packageId}/refund`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ kind }),
          }).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { error?: { code: string } },
          })),
        ),
      );
    const asCredit = await s.sold(fiveManicures);
    const asMoney = await s.sold(fiveManicures, { customerId: asCredit.customerId });
    for (const [pkg, kind] of [
      [asCredit, "store_credit"],
      [asMoney, "money"],
    ] as const) {
      const responses = await race(pkg, kind);
      expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
      const refused = responses.filter((r) => r.status !== 200);
      expect(refused).toHaveLength(49);
      expect(new Set(refused.map((r) => `${r.status} ${r.body.error?.code}`))).toEqual(
        new Set(["409 package_refunded"]),
      );
      expect(await refundRows(pkg.packageId)).toBe(1);
    }
    expect(await storeCreditOf(asCredit.customerId)).toBe(5_000_000);
    expect(await verifyMoney(s.database.db)).toEqual([]);
  }, 90_000);
});

describe("nothing comes back to a refunded package", () => {
  beforeEach(async () => {
    await updateSettings(s.as("owner"), { allowRefundUsedPackages: true });
  });

  it("L6: undoing a redemption of a refunded package answers 409 package_refunded and changes nothing", async () => {
    const pkg = await s.sold(fiveManicures);
    const redeemed = await api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
      { quantity: 1 },
    );
    expect(redeemed.statusCode).toBe(200);
    const refund = await api.call("manager", "POST", `/api/v1/packages/${pkg.packageId}/refund`, {
      kind: "money",
    });
    expect(refund.statusCode).toBe(200);
    expect(refund.json()).toMatchObject({ status: "refunded", refundMinor: 4_000_000 });
    const before = await lineCounters(s.database, pkg.lineId);
    const undo = await api.call("manager", "POST", `/api/v1/movements/${redeemed.json().id}/undo`, {
      reason: "mistake",
    });
    expect(undo.statusCode).toBe(409);
    expect(undo.json().error.code).toBe("package_refunded");
    expect(await lineCounters(s.database, pkg.lineId)).toEqual(before);
    // The database's own guard, past the application: a restore of a refunded line finds no row.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM movements WHERE line_id = ${pkg.lineId} AND kind = 'restore'`.execute(
      s.database.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("T8: a covered line of a refunded package cannot be refunded back into it", async () => {
    const pkg = await s.sold(fiveManicures);
    const open = await openTicket(s.as("front_desk"), { customerId: pkg.customerId });
    await addTicketLine(s.as("front_desk"), open.id, { itemId: s.items.manicure });
    const closed = await closeTicket(s.as("front_desk"), open.id, { payments: [] });
    await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" });
    await expect(
      refundTicketLine(s.as("manager"), { ticketId: open.id, lineId: closed.lines[0]!.id }),
    ).rejects.toMatchObject({ code: "package_refunded" });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, remaining: 4 });
  });

  it("A6: cancelling a booking whose credit was used goes ahead, and the credit stays used", async () => {
    await updateSettings(s.as("owner"), { redemptionPoint: "booking" });
    const pkg = await s.sold(fiveManicures);
    const booked = await bookAppointment(s.as("front_desk"), {
      customerId: pkg.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: s.clock.now.add({ hours: 24 }).toString(),
      services: [{ itemId: s.items.manicure, packageLineId: pkg.lineId }],
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
    await refundPackage(s.as("manager"), { packageId: pkg.packageId, kind: "money" });
    const cancelled = await cancelAppointment(s.as("front_desk"), booked.id, "customer called");
    expect(cancelled.status).toBe("cancelled");
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, remaining: 4 });
  });
});

describe("verify proves store credit and refunds (L2)", () => {
  it("is clean after refunds and store-credit spending, and names each kind of tampering", async () => {
    const a = await s.sold(fiveManicures);
    const b = await s.sold(fiveManicures, { customerId: a.customerId });
    await refundPackage(s.as("manager"), { packageId: a.packageId, kind: "store_credit" });
    const open = await openTicket(s.as("front_desk"), { customerId: a.customerId });
    await addTicketLine(s.as("front_desk"), open.id, { itemId: s.items.pedicure });
    const closed = await closeTicket(s.as("front_desk"), open.id, {
      payments: [{ tender: "store_credit", amountMinor: 1_500_000 }],
    });
    // Paid back to store credit at the till: the balance grows by it, through a movement.
    await refundTicketLine(s.as("manager"), {
      ticketId: open.id,
      lineId: closed.lines[0]!.id,
      tender: "store_credit",
    });
    expect(await storeCreditOf(a.customerId)).toBe(5_000_000);
    expect(await verifyMoney(s.database.db)).toEqual([]);

    const db = s.database.db;
    await sql`UPDATE store_credit_accounts SET balance_minor = balance_minor + 1 WHERE customer_id = ${a.customerId}`.execute(
      db,
    );
    await sql`UPDATE customer_packages SET refunded_at = now(), refund_kind = 'money', refund_minor = 0 WHERE id = ${b.packageId}`.execute(
      db,
    );
    await sql`UPDATE customer_packages SET refund_minor = 4999999 WHERE id = ${a.packageId}`.execute(db);
    await sql`INSERT INTO store_credit_movements (business_id, customer_id, currency, amount_minor, kind, package_id)
              VALUES (${s.businessId}, ${a.customerId}, 'HUF', 5000000, 'package_refund', ${a.packageId})`.execute(
      db,
    );
    const problems = await verifyMoney(db);
    const found = problems.map((p) => `${p.kind} ${p.subjectId}`).sort();
    expect(found).toEqual(
      [
        `store_credit_balance ${a.customerId}`,
        `refund_unrecorded ${b.packageId}`,
        `refund_lines ${b.packageId}`,
        `refund_differs ${a.packageId}`,
        `refund_credit_count ${a.packageId}`,
      ].sort(),
    );
  });
});
