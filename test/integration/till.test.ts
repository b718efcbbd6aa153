import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeTicket } from "../../src/app/close-ticket.js";
import {
  addTicketLine,
  openTicket,
  removeTicketLine,
  setLineCoverage,
  voidTicket,
} from "../../src/app/edit-ticket.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { createItem } from "../../src/app/manage-catalog.js";
import { loadPackage } from "../../src/app/package-view.js";
import { refundTicketLine } from "../../src/app/refund-ticket-line.js";
import { commissionReport } from "../../src/app/reports.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { openDatabase } from "../../src/db/database.js";
import { type Api, startApi } from "../support/http.js";
import { everyPage, expectPageRefusals } from "../support/pages.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

let s: Scenario;
beforeEach(async () => {
  s = await scenario();
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const desk = () => s.as("front_desk");
const fiveManicures = async (used = 0) => {
  const pkg = await s.sold(
    await s.template({ name: "5x Manicure", items: [{ itemId: s.items.manicure, quantity: 5 }] }),
  );
  await s.redeem(pkg, used);
  return pkg;
};

describe("walk-in redemption (T2, T6, T7)", () => {
  it("a covered line shows Package and 0; closing at 0 consumes the credit; the label says which package", async () => {
    const pkg = await fiveManicures(3);
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    expect(t.lines[0]).toMatchObject({
      covered: true,
      priceMinor: 0,
      coverage: {
        reason: "covered_fifo",
        packageName: "5x Manicure",
        label: "from 5x Manicure, 4 of 5 used",
      },
    });
    expect(t.totals.dueMinor).toBe(0);
    // Reserved while the ticket is open: booked everywhere.
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 3, booked: 1, remaining: 1 });
    const closed = await closeTicket(desk(), open.id, { payments: [] });
    expect(closed).toMatchObject({ status: "closed", totals: { dueMinor: 0, taxMinor: 0 } });
    expect(closed.lines[0]!.coverage.label).toBe("from 5x Manicure, 4 of 5 used");
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 4, booked: 0, remaining: 1 });
  });

  it("UNLIMITED packages read PACKAGE USED (#n/UNLIMITED) (P10)", async () => {
    const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.yoga, quantity: 500 }] }));
    await s.redeem(pkg, 3);
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.yoga });
    expect(t.lines[0]!.coverage.label).toBe("PACKAGE USED (#4/UNLIMITED)");
  });

  it("paid lines carry the tax they contain; covered lines none (T1)", async () => {
    const pkg = await fiveManicures();
    const taxed = await createItem(s.as("owner"), {
      kind: "service",
      name: "Massage 27%",
      prices: { HUF: 12_700 },
      taxRateBp: 2_700,
    });
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    const t = await addTicketLine(desk(), open.id, { itemId: taxed.id });
    expect(t.totals).toMatchObject({ dueMinor: 12_700, taxMinor: 2_700 });
    await expect(
      closeTicket(desk(), open.id, { payments: [{ tender: "card", amountMinor: 100 }] }),
    ).rejects.toMatchObject({ code: "payment_mismatch", field: "payments" });
    const closed = await closeTicket(desk(), open.id, {
      payments: [{ tender: "card", amountMinor: 12_700 }],
    });
    expect(closed.totals).toMatchObject({ dueMinor: 12_700, taxMinor: 2_700, paidMinor: 12_700 });
  });
});

describe("coverage rules at the till", () => {
  it("T3: one credit, two eligible lines → the cheaper is covered; the other explains why not", async () => {
    const pkg = await fiveManicures(4);
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure, priceMinor: 9_000 });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.manicure, priceMinor: 7_000 });
    expect(t.lines.map((l) => [l.priceMinor, l.covered, l.coverage.reason])).toEqual([
      [9_000, false, "credits_used_by_cheaper_lines"],
      [0, true, "covered_fifo"],
    ]);
    expect(t.lines[0]!.coverage.explanation).toMatch(/cheaper lines/);
  });

  it("T4: a zero-priced line is not covered unless the business says so", async () => {
    const pkg = await fiveManicures();
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.manicure, priceMinor: 0 });
    expect(t.lines[0]).toMatchObject({ covered: false, coverage: { reason: "zero_price_not_covered" } });
    await updateSettings(s.as("owner"), { coverZeroPriceItems: true });
    const again = await addTicketLine(desk(), open.id, { itemId: s.items.manicure, priceMinor: 0 });
    expect(again.lines.filter((l) => l.covered)).toHaveLength(2);
  });

  it("T5: a product is covered only when in the package and sold to clients", async () => {
    const staffOnly = await createItem(s.as("owner"), {
      kind: "product",
      name: "Nail file",
      prices: { HUF: 500 },
      sellToClients: false,
    });
    const pkg = await s.sold(
      await s.template({
        items: [
          { itemId: s.items.oil, quantity: 2 },
          { itemId: staffOnly.id, quantity: 2 },
        ],
      }),
    );
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.oil });
    const t = await addTicketLine(desk(), open.id, { itemId: staffOnly.id });
    expect(t.lines.map((l) => l.coverage.reason)).toEqual(["covered_fifo", "product_not_sold_to_clients"]);
  });

  it("staff switch a line to paying and back; removing a line releases its credit", async () => {
    const pkg = await fiveManicures();
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    const lineId = t.lines[0]!.id;
    const paying = await setLineCoverage(desk(), open.id, lineId, { mode: "paying" });
    expect(paying.lines[0]).toMatchObject({
      covered: false,
      priceMinor: 1_200_000,
      coverage: { reason: "paying_chosen" },
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 0 });
    await setLineCoverage(desk(), open.id, lineId, { mode: "package", packageLineId: pkg.lineId });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 1 });
    await removeTicketLine(desk(), open.id, lineId);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 0, remaining: 5 });
  });

  it("voiding an open ticket releases its reservations", async () => {
    const pkg = await fiveManicures();
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 2 });
    const voided = await voidTicket(desk(), open.id, "customer left");
    expect(voided.status).toBe("voided");
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ booked: 0, remaining: 5 });
  });
});

describe("package sales on a ticket (P3, same-ticket sale)", () => {
  it("a package sold on the ticket covers the ticket's other lines at close", async () => {
    const template = await s.template({
      name: "5x Manicure",
      items: [{ itemId: s.items.manicure, quantity: 5 }],
      prices: { HUF: 5_000_000 },
    });
    const customerId = await s.customer("Nóra");
    const open = await openTicket(desk(), { customerId });
    await addTicketLine(desk(), open.id, { templateId: template });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    expect(t.lines[1]).toMatchObject({
      covered: true,
      priceMinor: 0,
      coverage: { bySaleLineId: t.lines[0]!.id },
    });
    expect(t.totals.dueMinor).toBe(5_000_000);
    const closed = await closeTicket(desk(), open.id, {
      payments: [{ tender: "card", amountMinor: 5_000_000 }],
    });
    expect(closed.lines[1]!.coverage.label).toBe("from 5x Manicure, 1 of 5 used");
    const pkg = await loadPackage(s.database.db, s.businessId, closed.lines[0]!.soldPackageId!, s.clock.now);
    expect(pkg.lines[0]).toMatchObject({ total: 5, used: 1 });
  });

  it("refunding an unused package sale refunds the package (P8)", async () => {
    const template = await s.template({
      items: [{ itemId: s.items.manicure, quantity: 5 }],
      prices: { HUF: 5_000_000 },
    });
    const customerId = await s.customer();
    const open = await openTicket(desk(), { customerId });
    await addTicketLine(desk(), open.id, { templateId: template });
    const closed = await closeTicket(desk(), open.id, {
      payments: [{ tender: "cash", amountMinor: 5_000_000 }],
    });
    await expect(
      refundTicketLine(desk(), { ticketId: open.id, lineId: closed.lines[0]!.id }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const refunded = await refundTicketLine(s.as("manager"), {
      ticketId: open.id,
      lineId: closed.lines[0]!.id,
    });
    expect(refunded).toMatchObject({ status: "refunded", totals: { refundedMinor: 5_000_000 } });
    expect(
      (await loadPackage(s.database.db, s.businessId, closed.lines[0]!.soldPackageId!, s.clock.now)).status,
    ).toBe("refunded");
  });
});

describe("refunds of covered lines (T8)", () => {
  it("the credit returns to its package and the line shows its full retail price", async () => {
    const pkg = await fiveManicures(1);
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    const closed = await closeTicket(desk(), open.id, { payments: [] });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 2 });
    const refunded = await refundTicketLine(s.as("manager"), {
      ticketId: open.id,
      lineId: closed.lines[0]!.id,
      reason: "unhappy",
    });
    expect(refunded.lines[0]).toMatchObject({ covered: false, priceMinor: 1_200_000, refundedMinor: 0 });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, remaining: 4 });
    await expect(
      refundTicketLine(s.as("manager"), { ticketId: open.id, lineId: closed.lines[0]!.id }),
    ).rejects.toMatchObject({ code: "line_already_refunded" });
  });
});

describe("one-day packages re-validated at close (T9)", () => {
  it("a class pre-booked for a later date with a one-day package: the ticket is voided and the credit released", async () => {
    s.clock.setLocal("2026-11-10T10:00", "Europe/Budapest");
    const pkg = await s.sold(
      await s.template({ items: [{ itemId: s.items.yoga, quantity: 1 }], validity: { kind: "one_day" } }),
    );
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    const t = await addTicketLine(desk(), open.id, { itemId: s.items.yoga, serviceDate: "2026-12-22" });
    expect(t.lines[0]!.covered).toBe(true);
    const closed = await closeTicket(desk(), open.id, { payments: [] });
    expect(closed).toMatchObject({
      status: "voided",
      voidReason: expect.stringContaining("expired before the service date"),
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 0, booked: 0, remaining: 1 });
  });

  it("the same package for a class the same day closes normally", async () => {
    s.clock.setLocal("2026-11-10T10:00", "Europe/Budapest");
    const pkg = await s.sold(
      await s.template({ items: [{ itemId: s.items.yoga, quantity: 1 }], validity: { kind: "one_day" } }),
    );
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.yoga, serviceDate: "2026-11-10" });
    expect((await closeTicket(desk(), open.id, { payments: [] })).status).toBe("closed");
  });
});

describe("commission (T10)", () => {
  it("package price per credit: a 10,000 package of 3 credits pays 3,333 / 3,333 / 3,334", async () => {
    const pkg = await s.sold(
      await s.template({
        items: [{ itemId: s.items.facial, quantity: 3 }],
        prices: { HUF: 10_000 },
        commissionBasis: "package_price_per_credit",
      }),
    );
    const commissions = [];
    for (let i = 0; i < 3; i++) {
      const open = await openTicket(desk(), { customerId: pkg.customerId });
      await addTicketLine(desk(), open.id, { itemId: s.items.facial, staffId: s.staff.practitioner.staffId });
      commissions.push((await closeTicket(desk(), open.id, { payments: [] })).lines[0]!.commissionMinor);
    }
    expect(commissions).toEqual([3_333, 3_333, 3_334]);
    const report = await commissionReport(s.as("manager"), {
      from: new Date("2026-01-01"),
      to: new Date("2027-01-01"),
      limit: 100,
    });
    // No rate set (O4): the base is reported, nothing is owed yet.
    expect(report.totals).toEqual([
      {
        staffId: s.staff.practitioner.staffId,
        staffName: "practitioner of Salon",
        currency: "HUF",
        lines: 3,
        coveredLines: 3,
        linesWithoutRate: 3,
        baseMinor: 10_000,
        amountMinor: 0,
      },
    ]);
  });

  it("item retail price basis, and products only when commission-eligible", async () => {
    const noCommission = await createItem(s.as("owner"), {
      kind: "product",
      name: "Hand cream",
      prices: { HUF: 6_000 },
      commissionEligible: false,
    });
    const pkg: Sold = await s.sold(
      await s.template({
        items: [
          { itemId: s.items.manicure, quantity: 2 },
          { itemId: noCommission.id, quantity: 1 },
        ],
      }),
    );
    const open = await openTicket(desk(), { customerId: pkg.customerId });
    await addTicketLine(desk(), open.id, { itemId: s.items.manicure });
    await addTicketLine(desk(), open.id, { itemId: noCommission.id });
    const closed = await closeTicket(desk(), open.id, { payments: [] });
    expect(closed.lines.map((l) => l.commissionMinor)).toEqual([1_200_000, 0]);
  });
});

describe.runIf(testBackend() === "postgres")("two tills racing for one credit (L3 at the till)", () => {
  it("one line is covered, the other is charged at retail with a reason", async () => {
    const pkg = await fiveManicures(4);
    const a = await openTicket(desk(), { customerId: pkg.customerId });
    const b = await openTicket(desk(), { customerId: pkg.customerId });
    const url = await databaseUrlOf(s.database);
    const other = await openDatabase({ databaseUrl: url });
    try {
      const secondTill = { ...desk(), database: other };
      const [ta, tb] = await Promise.all([
        addTicketLine(desk(), a.id, { itemId: s.items.manicure }),
        addTicketLine(secondTill, b.id, { itemId: s.items.manicure }),
      ]);
      const lines = [ta.lines[0]!, tb.lines[0]!];
      expect(lines.filter((l) => l.covered)).toHaveLength(1);
      const charged = lines.find((l) => !l.covered)!;
      expect(charged.priceMinor).toBe(1_200_000);
      expect(charged.coverage.reason).toBe("no_credits_left");
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 4, booked: 1, remaining: 0 });
    } finally {
      await other.close();
    }
  });
});

describe("the till's ticket list a page at a time (W2)", () => {
  interface Summary {
    id: string;
    number: number;
    status: string;
    openedAt: string;
  }
  type Page = { items: Summary[]; nextCursor: string | null };

  /** Every page after `cursor` (or from the first), through the API. */
  const pagesOf = (api: Api, query: string, cursor: string | null = null) =>
    everyPage<Page["items"][number], Page>(api, "front_desk", `/api/v1/tickets?${query}`, cursor);

  it("newest first, ties by id: 50 unless asked, pages follow one another, a ticket opened meanwhile shifts nothing", async () => {
    const api = await startApi(s);
    try {
      // 55 tickets, two to a minute: tickets opened in the same instant are ordered by id.
      const opened: Array<{ id: string; openedAt: string }> = [];
      for (let i = 0; i < 55; i++) {
        if (i % 2 === 0) s.clock.advance({ minutes: 1 });
        const t = await openTicket(desk(), {});
        opened.push({ id: t.id, openedAt: t.openedAt });
      }
      const newestFirst = opened
        .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .map((t) => t.id);

      const byDefault = await pagesOf(api, "");
      expect(byDefault.map((p) => p.items.length)).toEqual([50, 5]);
      expect(byDefault.flatMap((p) => p.items.map((t) => t.id))).toEqual(newestFirst);

      const byTwenty = await pagesOf(api, "limit=20");
      expect(byTwenty.map((p) => p.items.length)).toEqual([20, 20, 15]);
      expect(byTwenty.flatMap((p) => p.items.map((t) => t.id))).toEqual(newestFirst);
      expect(byTwenty.at(-1)!.nextCursor).toBeNull();

      // A ticket opened after the first page was read is newer than the cursor: the later pages
      // neither repeat a row nor skip one; the first page read again starts with it.
      const first = (
        await api.call("front_desk", "GET", "/api/v1/tickets?limit=20&status=open")
      ).json() as Page;
      expect(first.items.map((t) => t.id)).toEqual(newestFirst.slice(0, 20));
      s.clock.advance({ minutes: 1 });
      const late = await openTicket(desk(), {});
      const rest = await pagesOf(api, "limit=20&status=open", first.nextCursor);
      expect(rest.flatMap((p) => p.items.map((t) => t.id))).toEqual(newestFirst.slice(20));
      const again = await pagesOf(api, "limit=20&status=open");
      expect(again[0]!.items[0]!.id).toBe(late.id);
      expect(again.flatMap((p) => p.items.map((t) => t.id))).toEqual([late.id, ...newestFirst]);

      // The filters page too: three voided tickets, two to a page.
      for (const id of newestFirst.slice(10, 13)) await voidTicket(desk(), id, undefined);
      const voided = await pagesOf(api, `status=voided&locationId=${s.budapest}&limit=2`);
      expect(voided.map((p) => p.items.map((t) => t.id))).toEqual([
        newestFirst.slice(10, 12),
        newestFirst.slice(12, 13),
      ]);
      // done: every ticket no longer open, as the till's "recent" card asks
      const done = await pagesOf(api, "status=done&limit=2");
      const doneRows = done.flatMap((p) => p.items);
      expect(doneRows.map((t) => t.id)).toEqual(expect.arrayContaining(newestFirst.slice(10, 13)));
      expect(doneRows.filter((t) => t.status === "open")).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("limit is 1 to 200 and a cursor must be one this list gave: else 400 naming the field", async () => {
    const api = await startApi(s);
    try {
      await expectPageRefusals(api, "front_desk", "/api/v1/tickets", [["2026-06-01T10:00:00.000Z", "x"]]);
    } finally {
      await api.close();
    }
  });
});
