// Seed 001 and 003 as they read: booking from packages on the calendar (A1–A11).
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  availablePackagesJson,
  bookAppointment,
  cancelAppointment,
  checkIn,
  checkoutAppointment,
  convertService,
  deleteAppointment,
  markNoShow,
  rescheduleAppointment,
} from "../../src/app/appointments.js";
import { closeTicket } from "../../src/app/close-ticket.js";
import { activityLog, packageUsage } from "../../src/app/history.js";
import { updateSettings } from "../../src/app/manage-business.js";
import { loadPackage, type PackageView } from "../../src/app/package-view.js";
import { loadTicket } from "../../src/app/ticket-view.js";
import { undoMovement } from "../../src/app/undo-movement.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { openDatabase } from "../../src/db/database.js";
import { sweepEndedAppointments } from "../../src/jobs/appointment-sweep.js";
import { type Api, startApi } from "../support/http.js";
import { everyPage, expectPageRefusals } from "../support/pages.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

let s: Scenario;
let pkg: Sold;
beforeEach(async () => {
  s = await scenario();
  pkg = await s.sold(
    await s.template({
      name: "5x Manicure",
      items: [{ itemId: s.items.manicure, quantity: 5 }],
      validity: { kind: "months", count: 6 },
    }),
  );
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const desk = () => s.as("front_desk");
/** The booking panel as the route sends it: the JSON text the database writes, parsed. */
const panelOf = async (customerId: string, ctx = desk()) =>
  JSON.parse(await availablePackagesJson(ctx, customerId)) as PackageView[];
const at = (hours: number) => s.clock.now.add({ minutes: Math.round(hours * 60) }).toString();
const book = (usePackage = true, startHours = 2, extra = {}) =>
  bookAppointment(desk(), {
    customerId: pkg.customerId,
    staffId: s.staff.practitioner.staffId,
    startAt: at(startHours),
    services: [{ itemId: s.items.manicure, usePackage }],
    ...extra,
  });
const shown = async () => {
  const c = await lineCounters(s.database, pkg.lineId);
  return `${c.used + c.booked}/${c.total}`;
};

describe("seed 001: booking from a package", () => {
  it("scenario 1: her 4th visit — 3/5 used, Use, save → 4/5 at once, 0 price, Package badge, 4/5 sessions", async () => {
    await s.redeem(pkg, 3);
    expect(await shown()).toBe("3/5");
    const a = await book();
    expect(await shown()).toBe("4/5");
    expect(a.fromPackage).toBe(true);
    expect(a.services[0]).toMatchObject({
      priceMinor: 0,
      fromPackage: { packageName: "5x Manicure", sessions: "4/5 sessions", state: "booked" },
    });
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 3, booked: 1 });
  });

  it("scenario 2: three active packages are all shown in the booking panel", async () => {
    const facial = await s.template({ items: [{ itemId: s.items.facial, quantity: 5 }] });
    const massage = await s.template({ items: [{ itemId: s.items.massage, quantity: 3 }] });
    await s.sold(facial, { customerId: pkg.customerId });
    await s.sold(massage, { customerId: pkg.customerId });
    const panel = await panelOf(pkg.customerId);
    expect(panel).toHaveLength(3);
    expect(panel.every((p) => p.status === "active" && p.expiresOn !== undefined)).toBe(true);
  });

  it("the booking panel: a customer without packages has none; an unknown customer is 404 (A1)", async () => {
    await s.redeem(pkg, 2);
    const [shown] = await panelOf(pkg.customerId);
    expect(shown).toEqual(await loadPackage(s.database.db, s.businessId, pkg.packageId, s.clock.now));
    expect(shown?.lines[0]).toMatchObject({ used: 2, remaining: 3 });
    expect(await panelOf(await s.customer("No Packages"))).toEqual([]);
    await expect(availablePackagesJson(desk(), "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject(
      {
        code: "customer_not_found",
        field: "customerId",
      },
    );
    // refunded and expired packages are not shown
    s.clock.advance({ hours: 24 * 200 });
    expect(await panelOf(pkg.customerId)).toEqual([]);
  });

  it("the booking panel shows each package as the package page does, at the desk's location (A1, A3, P5, P10)", async () => {
    // the database writes the panel's views (packageViewJson); the package page builds them in
    // TypeScript (packageView): lines in order, counters, UNLIMITED, the worth of the free
    // credits, instants with their microseconds dropped, and where a package can be redeemed
    const bundle = await s.template({
      name: "Bundle",
      items: [
        { itemId: s.items.pedicure, quantity: 3 },
        { itemId: s.items.yoga, quantity: 150 },
        { itemId: s.items.manicure, quantity: 7 },
      ],
      validity: { kind: "months", count: 2 },
      locationIds: [s.budapest],
    });
    const sold = await s.sold(bundle, { customerId: pkg.customerId, priceMinor: 1_000_001 });
    await s.redeem(sold, 2);
    await s.redeem({ ...sold, lineId: sold.lineIds[1]! }, 1);
    await sql`UPDATE customer_packages SET purchased_at = '2026-01-15T08:30:00.123987Z' WHERE id = ${sold.packageId}`.execute(
      s.database.db,
    );
    const newYorkOnly = await s.template({
      name: "New York only",
      items: [{ itemId: s.items.facial, quantity: 2 }],
      locationIds: [s.newYork],
    });
    s.clock.advance({ minutes: 5 }); // sold after the first package, so the order of sale is known
    const elsewhere = await s.sold(newYorkOnly, { customerId: pkg.customerId, locationId: s.newYork });
    const usedUp = await s.sold(await s.template({ items: [{ itemId: s.items.massage, quantity: 1 }] }), {
      customerId: pkg.customerId,
    });
    await s.redeem(usedUp, 1);

    const page = (id: string) => loadPackage(s.database.db, s.businessId, id, s.clock.now);
    const shown = await panelOf(pkg.customerId);
    // in order of sale; the New York package is not redeemable here, the used-up one is not active
    expect(shown).toEqual([await page(sold.packageId), await page(pkg.packageId)]);
    expect(shown[0]).toMatchObject({
      purchasedAt: "2026-01-15T08:30:00.123Z",
      redeemableLocationIds: [s.budapest],
    });
    expect(shown[0]?.lines.map((l) => [l.itemId, l.remaining, l.unlimited])).toEqual([
      [s.items.pedicure, 1, false],
      [s.items.yoga, 149, true],
      [s.items.manicure, 7, false],
    ]);
    expect(shown[0]?.lines.reduce((sum, l) => sum + l.remainingValueMinor, 0)).toBeGreaterThan(0);
    expect(await panelOf(pkg.customerId, s.as("front_desk", s.newYork))).toEqual([
      await page(pkg.packageId),
      await page(elsewhere.packageId),
    ]);
  });

  it("scenario 3: cancelling a package appointment restores the session: 3/5 → 2/5", async () => {
    await s.redeem(pkg, 2);
    const a = await book();
    expect(await shown()).toBe("3/5");
    const cancelled = await cancelAppointment(desk(), a.id, "customer called");
    expect(cancelled.status).toBe("cancelled");
    expect(await shown()).toBe("2/5");
    await expect(deleteAppointment(desk(), a.id)).rejects.toMatchObject({
      code: "cancel_package_appointment_instead",
    });
  });

  it("scenario 4: a no-show counts as used: stays 3/5, and the activity log shows it", async () => {
    await s.redeem(pkg, 2);
    const a = await book();
    await markNoShow(desk(), a.id);
    expect(await shown()).toBe("3/5");
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 3, booked: 0 });
    const log = await activityLog(s.as("manager"), {
      customerId: pkg.customerId,
      action: "no_show",
      limit: 10,
    });
    expect(log.items).toHaveLength(1);
    // Scenario 5, manager override: the no-show's consume is undone, the log records it.
    const consume = (await packageUsage(s.as("manager"), pkg.packageId)).items.find(
      (m) => m.kind === "consume",
    )!;
    await expect(undoMovement(desk(), { movementId: consume.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    await undoMovement(s.as("manager"), { movementId: consume.id, reason: "system error" });
    expect(await shown()).toBe("2/5");
    expect(
      (await activityLog(s.as("manager"), { customerId: pkg.customerId, action: "undo", limit: 10 })).items[0]
        ?.reason,
    ).toBe("system error");
  });

  it("a no-show under the release policy gives the credit back", async () => {
    await updateSettings(s.as("owner"), { appointmentNoShowPolicy: "release" });
    const a = await book();
    await markNoShow(desk(), a.id);
    expect(await shown()).toBe("0/5");
  });

  it("deleting an appointment that never used a package is allowed", async () => {
    const a = await book(false);
    expect(await deleteAppointment(desk(), a.id)).toEqual({ deleted: true });
  });
});

describe("redemption point (A5)", () => {
  it("default: the credit is used when the end has passed; the sweep is safe to run twice", async () => {
    await book(true, 1);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 0, booked: 1 });
    expect(await sweepEndedAppointments(s.app, s.clock.now)).toBe(0);
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedAppointments(s.app, s.clock.now)).toBe(1);
    expect(await sweepEndedAppointments(s.app, s.clock.now)).toBe(0);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
  });

  it("consume at booking: the counter's credit is used at save", async () => {
    await updateSettings(s.as("owner"), { redemptionPoint: "booking" });
    const a = await book();
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
    expect(a.services[0]!.fromPackage?.state).toBe("used");
    // Cancelling still brings it back.
    await cancelAppointment(desk(), a.id, undefined);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 0, booked: 0 });
  });

  it("checkout only: the sweep leaves it booked; the till uses it", async () => {
    await updateSettings(s.as("owner"), { redemptionPoint: "checkout_only" });
    const a = await book(true, 1);
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedAppointments(s.app, s.clock.now)).toBe(0);
    const { ticketId } = await checkoutAppointment(desk(), a.id);
    const ticket = await loadTicket(s.database.db, s.businessId, ticketId);
    expect(ticket.lines[0]).toMatchObject({
      covered: true,
      priceMinor: 0,
      coverage: { label: "from 5x Manicure, 1 of 5 used" },
    });
    const closed = await closeTicket(desk(), ticketId, { payments: [] });
    expect(closed.totals.dueMinor).toBe(0);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
  });

  it.runIf(testBackend() === "postgres")(
    "two servers sweeping at once consume each credit once",
    async () => {
      for (let i = 0; i < 4; i++) await book(true, 1 + i * 2);
      s.clock.advance({ hours: 24 });
      const url = await databaseUrlOf(s.database);
      const other = await openDatabase({ databaseUrl: url });
      try {
        const counts = await Promise.all([
          sweepEndedAppointments(s.app, s.clock.now, 1),
          sweepEndedAppointments({ ...s.app, database: other }, s.clock.now, 1),
        ]);
        expect(counts[0] + counts[1]).toBe(4);
      } finally {
        await other.close();
      }
      expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 4, booked: 0 });
    },
  );
});

describe("checkout, conversion, check-in, rescheduling", () => {
  it("checkout opens the till with the covered line; closing completes the appointment", async () => {
    const a = await book();
    const { ticketId } = await checkoutAppointment(desk(), a.id);
    const closed = await closeTicket(desk(), ticketId, { payments: [] });
    expect(closed.status).toBe("closed");
    const after = await bookAppointment(desk(), {
      customerId: pkg.customerId,
      staffId: s.staff.manager.staffId,
      startAt: at(30),
      services: [{ itemId: s.items.pedicure }],
    });
    expect(after.services[0]!.priceMinor).toBe(1_500_000);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ used: 1, booked: 0 });
  });

  it("A8: a paid single appointment becomes a package booking before checkout, and back", async () => {
    const a = await book(false);
    expect(a.services[0]).toMatchObject({ priceMinor: 1_200_000, fromPackage: null });
    const converted = await convertService(desk(), a.id, a.services[0]!.id, { mode: "package" });
    expect(converted.services[0]).toMatchObject({ priceMinor: 0, fromPackage: { state: "booked" } });
    expect(await shown()).toBe("1/5");
    const back = await convertService(desk(), a.id, a.services[0]!.id, { mode: "paying" });
    expect(back.services[0]!.fromPackage).toBeNull();
    expect(await shown()).toBe("0/5");
  });

  it("A9: checking in a single paid service of a customer with a valid package asks to redeem", async () => {
    const a = await book(false);
    const { redeemPrompt } = await checkIn(desk(), a.id);
    expect(redeemPrompt).toMatchObject({
      message: "Redeem Manicure from 5x Manicure?",
      packageLineId: pkg.lineId,
    });
    const b = await bookAppointment(desk(), {
      customerId: pkg.customerId,
      staffId: s.staff.owner.staffId,
      startAt: at(5),
      services: [{ itemId: s.items.pedicure }],
    });
    expect((await checkIn(desk(), b.id)).redeemPrompt).toBeNull();
  });

  it("A11: rescheduling keeps the reservation; not past the package's expiry", async () => {
    const a = await book();
    const moved = await rescheduleAppointment(desk(), a.id, { startAt: at(48) });
    expect(moved.services[0]!.fromPackage?.state).toBe("booked");
    expect(await shown()).toBe("1/5");
    await expect(rescheduleAppointment(desk(), a.id, { startAt: at(24 * 365) })).rejects.toMatchObject({
      code: "package_expires_before_appointment",
    });
  });

  it("overlapping bookings of one staff member are refused unless allowed", async () => {
    await book(false, 2);
    await expect(book(false, 2.25)).rejects.toMatchObject({ code: "staff_overlap" });
    const allowed = await book(false, 2.25, { allowOverlap: true });
    expect(allowed.status).toBe("booked");
  });

  it("a booking cannot take a credit the customer does not have", async () => {
    await s.redeem(pkg, 5);
    await expect(book()).rejects.toMatchObject({ code: "no_eligible_package" });
  });
});

describe("the calendar's list a page at a time (W2)", () => {
  type Page = {
    items: Array<{ id: string; startAt: string; customer: { id: string } }>;
    nextCursor: string | null;
  };
  const period = () =>
    `from=${encodeURIComponent(s.clock.now.toString())}&to=${encodeURIComponent(s.clock.now.add({ hours: 24 * 40 }).toString())}`;

  /** Every page after `cursor` (or from the first), through the API. */
  const pagesOf = (api: Api, query: string, cursor: string | null = null) =>
    everyPage<Page["items"][number], Page>(
      api,
      "front_desk",
      `/api/v1/appointments?${period()}${query ? `&${query}` : ""}`,
      cursor,
    );
  const idsOf = (pages: Page[]) => pages.flatMap((p) => p.items.map((a) => a.id));

  it("start order, ties by id: 50 unless asked, pages follow one another, a booking made meanwhile shifts nothing", async () => {
    const api = await startApi(s);
    try {
      // 55 appointments, two to a start time: those starting together are ordered by id.
      const booked: Array<{ id: string; startAt: string }> = [];
      for (let i = 0; i < 55; i++) {
        const a = await book(false, 2 + Math.floor(i / 2), { allowOverlap: true });
        booked.push({ id: a.id, startAt: a.startAt });
      }
      const inOrder = booked
        .sort((a, b) => a.startAt.localeCompare(b.startAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((a) => a.id);

      const byDefault = await pagesOf(api, "");
      expect(byDefault.map((p) => p.items.length)).toEqual([50, 5]);
      expect(idsOf(byDefault)).toEqual(inOrder);

      const byTwenty = await pagesOf(api, "limit=20");
      expect(byTwenty.map((p) => p.items.length)).toEqual([20, 20, 15]);
      expect(idsOf(byTwenty)).toEqual(inOrder);
      expect(byTwenty.at(-1)!.nextCursor).toBeNull();

      // A booking before the cursor's place, made after the first page was read: the later pages
      // neither repeat a row nor skip one; the list read again starts with it.
      const first = (
        await api.call("front_desk", "GET", `/api/v1/appointments?${period()}&limit=20`)
      ).json() as Page;
      expect(first.items.map((a) => a.id)).toEqual(inOrder.slice(0, 20));
      const early = await book(false, 1, { allowOverlap: true });
      const rest = await pagesOf(api, "limit=20", first.nextCursor);
      expect(idsOf(rest)).toEqual(inOrder.slice(20));
      const again = await pagesOf(api, "limit=20");
      expect(idsOf(again)).toEqual([early.id, ...inOrder]);

      // The filters page too: three appointments of another customer, two to a page.
      const bea = await s.customer("Bea");
      const hers: string[] = [];
      for (const hours of [3, 4, 5]) {
        const a = await bookAppointment(desk(), {
          customerId: bea,
          staffId: s.staff.owner.staffId,
          startAt: at(hours),
          services: [{ itemId: s.items.pedicure }],
        });
        hers.push(a.id);
      }
      const filtered = await pagesOf(api, `customerId=${bea}&locationId=${s.budapest}&limit=2`);
      expect(filtered.map((p) => p.items.map((a) => a.id))).toEqual([hers.slice(0, 2), hers.slice(2)]);
      const byStaff = await pagesOf(api, `staffId=${s.staff.owner.staffId}&limit=2`);
      expect(idsOf(byStaff)).toEqual(hers);
    } finally {
      await api.close();
    }
  }, 120_000);

  it("limit is 1 to 200 and a cursor must be one this list gave: else 400 naming the field", async () => {
    const api = await startApi(s);
    try {
      await expectPageRefusals(api, "front_desk", `/api/v1/appointments?${period()}`, [
        ["2026-06-01T10:00:00.000Z", "x"],
        ["Anna", pkg.customerId],
      ]);
    } finally {
      await api.close();
    }
  });
});
