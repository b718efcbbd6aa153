// U1, A4: the calendar's drawer says which session of a package a booking is ("session 2 of 5") from
// numbers the appointment list answers, counted when the booking took its credit: the first booking
// stays session 1 once it is used, even when another was booked since. An unlimited line (P10) has
// no total to show. Cancelled appointments stay in the list, for the calendar to strike through (A6).
import { afterEach, beforeEach, expect, it } from "vitest";
import { bookAppointment, cancelAppointment, loadAppointments } from "../../src/app/appointments.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { sweepEndedAppointments } from "../../src/jobs/appointment-sweep.js";
import { type Scenario, type Sold, scenario } from "../support/scenario.js";

let s: Scenario;
beforeEach(async () => {
  s = await scenario();
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const book = (pkg: Sold, hoursFromNow: number, itemId = s.items.manicure) =>
  bookAppointment(s.as("front_desk"), {
    customerId: pkg.customerId,
    staffId: s.staff.practitioner.staffId,
    startAt: s.clock.now.add({ minutes: Math.round(hoursFromNow * 60) }).toString(),
    services: [{ itemId, usePackage: true }],
  });
const listed = async () =>
  loadAppointments(s.database.db, s.businessId, {
    locationId: s.budapest,
    from: new Date(s.clock.now.subtract({ hours: 48 }).epochMilliseconds),
    to: new Date(s.clock.now.add({ hours: 96 }).epochMilliseconds),
  });

it("5x Manicure, 1 used: booked twice → sessions 2 and 3 of 5; the first used stays session 2", async () => {
  const pkg = await s.sold(
    await s.template({ name: "5x Manicure", items: [{ itemId: s.items.manicure, quantity: 5 }] }),
  );
  await s.redeem(pkg, 1);
  const first = await book(pkg, 1);
  const second = await book(pkg, 26);
  expect(first.services[0]!.fromPackage).toMatchObject({
    session: { number: 2, total: 5, unlimited: false },
    state: "booked",
  });
  expect(second.services[0]!.fromPackage).toMatchObject({
    session: { number: 3, total: 5 },
    state: "booked",
  });

  s.clock.advance({ hours: 3 });
  expect(await sweepEndedAppointments(s.app, s.clock.now)).toBe(1);
  const [used, later] = await listed();
  expect(used!.services[0]!.fromPackage).toMatchObject({ session: { number: 2, total: 5 }, state: "used" });
  expect(later!.services[0]!.fromPackage).toMatchObject({
    session: { number: 3, total: 5 },
    state: "booked",
  });
});

it("an unlimited line's booking has a session number and no total to show (P10)", async () => {
  const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 999 }] }));
  const a = await book(pkg, 2);
  expect(a.services[0]!.fromPackage!.session).toEqual({ number: 1, total: 999, unlimited: true });
});

it("a cancelled appointment is still listed, cancelled, for the calendar to show struck through (A6)", async () => {
  const pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
  const a = await book(pkg, 2);
  await cancelAppointment(s.as("front_desk"), a.id, "customer called");
  expect((await listed()).map((x) => [x.id, x.status])).toEqual([[a.id, "cancelled"]]);
});
