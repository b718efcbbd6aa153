import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cancelEnrolment,
  cancelSession,
  checkoutEnrolment,
  createSession,
  enrol,
  loadSession,
  markEnrolmentNoShow,
  resolveReview,
  reviewList,
} from "../../src/app/classes.js";
import { closeTicket } from "../../src/app/close-ticket.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { openDatabase } from "../../src/db/database.js";
import { sweepEndedClasses } from "../../src/jobs/class-sweep.js";
import { type Api, startApi } from "../support/http.js";
import { everyPage, expectPageRefusals } from "../support/pages.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

let s: Scenario;
let haircut: string;
beforeEach(async () => {
  s = await scenario();
  haircut = await s.template({
    name: "5-Haircut Training Package",
    items: [{ itemId: s.items.yoga, quantity: 5 }],
  });
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const desk = () => s.as("front_desk");
const session = async (startHours: number, capacity = 10) =>
  createSession(s.as("manager"), {
    itemId: s.items.yoga,
    instructorId: s.staff.practitioner.staffId,
    startAt: s.clock.now.add({ hours: startHours }).toString(),
    capacity,
  });
const remaining = async (p: Sold) => (await lineCounters(s.database, p.lineId)).remaining;

describe("seed 002 example: a 5-credit package with 3 left", () => {
  it("booking the class takes one (3 → 2); the business cancelling the session gives it back (→ 3)", async () => {
    const pkg = await s.sold(haircut);
    await s.redeem(pkg, 2);
    expect(await remaining(pkg)).toBe(3);
    const c = await session(2);
    const enrolled = await enrol(desk(), c.id, { customerId: pkg.customerId });
    expect(await remaining(pkg)).toBe(2);
    expect(enrolled.roster[0]!.payment).toMatchObject({
      state: "available_in_package",
      label: "Available in Package",
      package: { packageId: pkg.packageId, lineId: pkg.lineId, total: 5, used: 2, booked: 1, remaining: 2 },
    });
    const cancelled = await cancelSession(s.as("manager"), c.id, "instructor ill");
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.roster[0]!.payment).toMatchObject({ state: "price", package: null });
    expect(await remaining(pkg)).toBe(3);
  });
});

describe("when a booking counts as used (C6)", () => {
  it("in store, 10 AM: used when the class time has passed (the sweep, once)", async () => {
    const pkg = await s.sold(haircut);
    const c = await session(1);
    await enrol(desk(), c.id, { customerId: pkg.customerId });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(1);
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
    expect((await loadSession(s.database.db, s.businessId, c.id)).roster[0]!.payment.label).toBe(
      "Package Used",
    );
  });

  it("in store: used as soon as a ticket is generated, even before it is closed (C2)", async () => {
    const pkg = await s.sold(haircut);
    const c = await session(1);
    const view = await enrol(desk(), c.id, { customerId: pkg.customerId });
    const { ticketId } = await checkoutEnrolment(desk(), view.roster[0]!.id);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
    const closed = await closeTicket(desk(), ticketId, { payments: [] });
    expect(closed.lines[0]).toMatchObject({ covered: true, priceMinor: 0 });
    expect((await loadSession(s.database.db, s.businessId, c.id)).roster[0]!.payment).toMatchObject({
      label: "Package Used",
      package: { lineId: pkg.lineId, total: 5, used: 1, booked: 0, remaining: 4 },
    });
  });

  it("online, 2 PM: not used while its ticket is open; used when the ticket closes", async () => {
    const pkg = await s.sold(haircut);
    const c = await session(4);
    const view = await enrol(desk(), c.id, { customerId: pkg.customerId, channel: "online" });
    const { ticketId } = await checkoutEnrolment(desk(), view.roster[0]!.id);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 0, booked: 1 });
    await closeTicket(desk(), ticketId, { payments: [] });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
  });

  it("online with the ticket still open when the class time passes: used by the sweep, and the ticket closes at 0", async () => {
    const pkg = await s.sold(haircut);
    const c = await session(1);
    const view = await enrol(desk(), c.id, { customerId: pkg.customerId, channel: "online" });
    const { ticketId } = await checkoutEnrolment(desk(), view.roster[0]!.id);
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(1);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
    const closed = await closeTicket(desk(), ticketId, { payments: [] });
    expect(closed.totals.dueMinor).toBe(0);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
  });
});

describe("automatic consumption at the end (C3–C5)", () => {
  it("C5: a package bought after enrolling still pays when the class ends", async () => {
    const customerId = await s.customer("Sarah");
    const c = await session(1);
    const enrolled = await enrol(desk(), c.id, { customerId });
    expect(enrolled.roster[0]!.payment.state).toBe("price");
    const pkg = await s.sold(haircut, { customerId });
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(1);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1 });
  });

  it("C4: no-shows, cancellations and attendees checked out on a ticket are skipped", async () => {
    const c = await session(1);
    const noShow = await s.sold(haircut);
    const cancelled = await s.sold(haircut);
    const paying = await s.customer("Paying Paul");
    const attended = await s.sold(haircut);
    let view = await enrol(desk(), c.id, { customerId: noShow.customerId });
    view = await enrol(desk(), c.id, { customerId: cancelled.customerId });
    view = await enrol(desk(), c.id, { customerId: paying });
    view = await enrol(desk(), c.id, { customerId: attended.customerId });
    const id = (customerId: string) => view.roster.find((r) => r.customer.id === customerId)!.id;
    await markEnrolmentNoShow(desk(), id(noShow.customerId));
    await cancelEnrolment(desk(), id(cancelled.customerId));
    const { ticketId } = await checkoutEnrolment(desk(), id(paying));
    await closeTicket(desk(), ticketId, { payments: [{ tender: "cash", amountMinor: 400_000 }] });
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(1);
    expect(await lineCounters(s.database, attended.lineId)).toMatchObject({ used: 1, booked: 0 });
    expect(await lineCounters(s.database, cancelled.lineId)).toMatchObject({ used: 0, booked: 0 });
    // The no-show waits for staff review, its credit still booked.
    expect(await lineCounters(s.database, noShow.lineId)).toMatchObject({ used: 0, booked: 1 });
    const reviews = await reviewList(desk());
    expect(reviews).toHaveLength(1);
    await resolveReview(desk(), reviews[0]!.enrolmentId, "release");
    expect(await lineCounters(s.database, noShow.lineId)).toMatchObject({ used: 0, booked: 0 });
    expect(
      (await loadSession(s.database.db, s.businessId, c.id)).roster.find((r) => r.customer.id === paying)!
        .payment.label,
    ).toBe("Paid");
  });

  it("C4: an attendee checked out on an open ticket at the class price pays once, even with a package bought later", async () => {
    // The attack: check out at the price (no package yet), sell a package before the class ends,
    // leave the ticket open. The ticket pays for the class; the sweep must take no credit.
    const api = await startApi(s);
    try {
      const customerId = await s.customer("Ticket Tina");
      const c = await session(1);
      const enrolled = await api.call("front_desk", "POST", `/api/v1/class-sessions/${c.id}/enrolments`, {
        customerId,
      });
      expect(enrolled.statusCode).toBe(201);
      const enrolmentId = enrolled.json().roster[0].id as string;
      s.clock.advance({ minutes: 70 }); // the session has started
      const checkout = await api.call(
        "front_desk",
        "POST",
        `/api/v1/class-enrolments/${enrolmentId}/checkout`,
      );
      expect(checkout.statusCode).toBe(200);
      const ticket = await api.call("front_desk", "GET", `/api/v1/tickets/${checkout.json().ticketId}`);
      expect(ticket.json()).toMatchObject({ status: "open", totals: { dueMinor: 400_000 } });
      const sold = await api.call("front_desk", "POST", `/api/v1/customers/${customerId}/packages`, {
        templateId: haircut,
      });
      expect(sold.statusCode).toBe(201);
      s.clock.advance({ hours: 3 }); // the session has ended; the ticket is still open
      expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
      expect(await lineCounters(s.database, sold.json().lines[0].id)).toMatchObject({ used: 0, booked: 0 });
      // Closing decides coverage once more: the package now covers the line, and pays for it once.
      const closed = await api.call(
        "front_desk",
        "POST",
        `/api/v1/tickets/${checkout.json().ticketId}/close`,
        {
          payments: [],
        },
      );
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({ status: "closed", totals: { dueMinor: 0 } });
      expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
      expect(await lineCounters(s.database, sold.json().lines[0].id)).toMatchObject({ used: 1, booked: 0 });
    } finally {
      await api.close();
    }
  });

  it.runIf(testBackend() === "postgres")(
    "two servers sweeping the same ended classes use each credit once",
    async () => {
      const sold: Sold[] = [];
      const c = await session(1, 50);
      for (let i = 0; i < 12; i++) {
        const p = await s.sold(haircut);
        sold.push(p);
        await enrol(desk(), c.id, { customerId: p.customerId });
      }
      s.clock.advance({ hours: 3 });
      const url = await databaseUrlOf(s.database);
      const other = await openDatabase({ databaseUrl: url });
      try {
        const [a, b] = await Promise.all([
          sweepEndedClasses(s.app, s.clock.now, 3),
          sweepEndedClasses({ ...s.app, database: other }, s.clock.now, 3),
        ]);
        expect(a + b).toBe(12);
      } finally {
        await other.close();
      }
      for (const p of sold)
        expect(await lineCounters(s.database, p.lineId)).toMatchObject({ used: 1, booked: 0 });
    },
  );
});

describe("roster rules (C1, C7)", () => {
  it("capacity is enforced; an attendee can be a new customer; an attendee cancelling releases the credit", async () => {
    const c = await session(2, 2);
    const pkg = await s.sold(haircut);
    let view = await enrol(desk(), c.id, { customerId: pkg.customerId });
    view = await enrol(desk(), c.id, { newCustomer: { name: "Walk-in Wanda", email: "wanda@example.com" } });
    expect(view.roster.map((r) => r.customer.name)).toContain("Walk-in Wanda");
    await expect(enrol(desk(), c.id, { newCustomer: { name: "Too Late" } })).rejects.toMatchObject({
      code: "class_full",
    });
    await expect(enrol(desk(), c.id, { customerId: pkg.customerId })).rejects.toMatchObject({
      code: "class_full",
    });
    expect(await remaining(pkg)).toBe(4);
    await cancelEnrolment(desk(), view.roster[0]!.id);
    expect(await remaining(pkg)).toBe(5);
  });
});

describe("the class schedule a page at a time (W2)", () => {
  type Page = { items: Array<{ id: string; startAt: string }>; nextCursor: string | null };
  const period = () =>
    `from=${encodeURIComponent(s.clock.now.toString())}&to=${encodeURIComponent(s.clock.now.add({ hours: 24 * 40 }).toString())}`;

  /** Every page after `cursor` (or from the first), through the API. */
  const pagesOf = (api: Api, query: string, cursor: string | null = null) =>
    everyPage<Page["items"][number], Page>(
      api,
      "front_desk",
      `/api/v1/class-sessions?${period()}${query ? `&${query}` : ""}`,
      cursor,
    );
  const idsOf = (pages: Page[]) => pages.flatMap((p) => p.items.map((c) => c.id));

  it("start order, ties by id: 50 unless asked, pages follow one another, a session scheduled meanwhile shifts nothing", async () => {
    const api = await startApi(s);
    try {
      // 55 sessions, two to a start time: those starting together are ordered by id.
      const scheduled: Array<{ id: string; startAt: string }> = [];
      for (let i = 0; i < 55; i++) {
        const c = await session(2 + Math.floor(i / 2));
        scheduled.push({ id: c.id, startAt: c.startAt });
      }
      const inOrder = scheduled
        .sort((a, b) => a.startAt.localeCompare(b.startAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((c) => c.id);

      const byDefault = await pagesOf(api, "");
      expect(byDefault.map((p) => p.items.length)).toEqual([50, 5]);
      expect(idsOf(byDefault)).toEqual(inOrder);

      const byTwenty = await pagesOf(api, "limit=20");
      expect(byTwenty.map((p) => p.items.length)).toEqual([20, 20, 15]);
      expect(idsOf(byTwenty)).toEqual(inOrder);
      expect(byTwenty.at(-1)!.nextCursor).toBeNull();

      // A session before the cursor's place, scheduled after the first page was read: the later
      // pages neither repeat a row nor skip one; the schedule read again starts with it.
      const first = (
        await api.call("front_desk", "GET", `/api/v1/class-sessions?${period()}&limit=20`)
      ).json() as Page;
      expect(first.items.map((c) => c.id)).toEqual(inOrder.slice(0, 20));
      const early = await session(1);
      const rest = await pagesOf(api, "limit=20", first.nextCursor);
      expect(idsOf(rest)).toEqual(inOrder.slice(20));
      const again = await pagesOf(api, "limit=20");
      expect(idsOf(again)).toEqual([early.id, ...inOrder]);

      // The filters page too: three sessions taught by the manager, two to a page.
      const theirs: string[] = [];
      for (const hours of [3, 4, 5]) {
        const c = await createSession(s.as("manager"), {
          itemId: s.items.yoga,
          instructorId: s.staff.manager.staffId,
          startAt: s.clock.now.add({ hours }).toString(),
          capacity: 3,
        });
        theirs.push(c.id);
      }
      const filtered = await pagesOf(
        api,
        `staffId=${s.staff.manager.staffId}&locationId=${s.budapest}&limit=2`,
      );
      expect(filtered.map((p) => p.items.map((c) => c.id))).toEqual([theirs.slice(0, 2), theirs.slice(2)]);
    } finally {
      await api.close();
    }
  }, 120_000);

  it("limit is 1 to 200 and a cursor must be one this list gave: else 400 naming the field", async () => {
    const api = await startApi(s);
    try {
      await expectPageRefusals(api, "front_desk", `/api/v1/class-sessions?${period()}`, [
        ["2026-06-01T10:00:00.000Z", "x"],
      ]);
    } finally {
      await api.close();
    }
  });
});
