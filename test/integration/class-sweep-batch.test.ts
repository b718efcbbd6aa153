// The end-of-class sweep writes a whole batch in one statement (C3, C5): its choices must be the ones
// one-at-a-time writes would make, and one enrolment the database refuses must not hold back the rest.
import { sql } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createSession, enrol } from "../../src/app/classes.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { writeMovement } from "../../src/app/write-movement.js";
import { sweepEndedClasses } from "../../src/jobs/class-sweep.js";
import { lineCounters, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
beforeEach(async () => {
  s = await scenario();
});
afterEach(async () => {
  expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
  await s.close();
});

const yogaClass = (startHours: number) =>
  createSession(s.as("manager"), {
    itemId: s.items.yoga,
    instructorId: s.staff.practitioner.staffId,
    startAt: s.clock.now.add({ hours: startHours }).toString(),
    capacity: 10,
  });
const pass = (credits: number) =>
  s.template({ name: `${credits}-class Yoga pass`, items: [{ itemId: s.items.yoga, quantity: credits }] });
const soldTo = async (names: string[]) => {
  const template = await pass(5);
  const sold = [];
  for (const name of names) sold.push(await s.sold(template, { customerId: await s.customer(name) }));
  return sold;
};
const enrolmentOf = async (sessionId: string, customerId: string) =>
  await s.database.db
    .selectFrom("class_enrolments")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("customer_id", "=", customerId)
    .executeTakeFirstOrThrow();

it("C5 in one batch: two classes of a late buyer are paid in FIFO order, the first package's last credit first", async () => {
  const customerId = await s.customer("Lena");
  const morning = await yogaClass(1);
  const noon = await yogaClass(3);
  await enrol(s.as("front_desk"), morning.id, { customerId });
  await enrol(s.as("front_desk"), noon.id, { customerId });
  const single = await s.sold(await pass(1), { customerId });
  s.clock.advance({ minutes: 1 });
  const five = await s.sold(await pass(5), { customerId });
  s.clock.advance({ hours: 5 });

  expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(2);
  expect(await lineCounters(s.database, single.lineId)).toMatchObject({ used: 1, remaining: 0 });
  expect(await lineCounters(s.database, five.lineId)).toMatchObject({ used: 1, remaining: 4 });
  const paid = await sql<{
    session: string;
    line_id: string;
    kind: string;
    used_after: number;
    action: string;
  }>`
    SELECT e.session_id AS session, m.line_id, m.kind, m.used_after, a.action
      FROM class_enrolments e
      JOIN movements m ON m.id = e.consumed_movement_id AND m.class_enrolment_id = e.id
      JOIN activity_log a ON a.movement_id = m.id AND (a.details ->> 'retroactive')::boolean
     WHERE e.customer_id = ${customerId} AND e.swept_at IS NOT NULL
     ORDER BY m.seq`.execute(s.database.db);
  expect(paid.rows).toEqual([
    { session: morning.id, line_id: single.lineId, kind: "redeem", used_after: 1, action: "redeem" },
    { session: noon.id, line_id: five.lineId, kind: "redeem", used_after: 1, action: "redeem" },
  ]);
});

it("an attendee whose reservation was already released is swept with nothing to pay; the others are consumed", async () => {
  const c = await yogaClass(1);
  const booked = await soldTo(["Ann", "Bea", "Cleo"]);
  for (const b of booked) await enrol(s.as("front_desk"), c.id, { customerId: b.customerId });
  const released = await enrolmentOf(c.id, booked[1]!.customerId);
  await writeMovement(s.database.db, {
    businessId: s.businessId,
    lineId: released.package_line_id!,
    kind: "release",
    quantity: 1,
    at: s.clock.now,
    locationId: null,
    actorStaffId: null,
    reservationId: released.reservation_id!,
    activity: null,
  });
  s.clock.advance({ hours: 3 });

  expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(2);
  expect(await lineCounters(s.database, booked[1]!.lineId)).toMatchObject({ used: 0, booked: 0 });
  expect(await enrolmentOf(c.id, booked[1]!.customerId)).toMatchObject({ consumed_movement_id: null });
  expect((await enrolmentOf(c.id, booked[1]!.customerId)).swept_at).not.toBeNull();
  for (const b of [booked[0]!, booked[2]!]) {
    expect(await lineCounters(s.database, b.lineId)).toMatchObject({ used: 1, booked: 0 });
  }
  expect(await sweepEndedClasses(s.app, s.clock.now)).toBe(0);
});

it("a line the database refuses leaves only its enrolment for the next run, even in batches of one", async () => {
  const c = await yogaClass(1);
  const booked = await soldTo(["Dora", "Eva", "Fay"]);
  for (const b of booked) await enrol(s.as("front_desk"), c.id, { customerId: b.customerId });
  const refused = booked[0]!;
  // The line no longer shows the credit booked (as if taken meanwhile): the conditional UPDATE refuses it.
  await sql`UPDATE package_lines SET booked = 0 WHERE id = ${refused.lineId}`.execute(s.database.db);
  s.clock.advance({ hours: 3 });

  expect(await sweepEndedClasses(s.app, s.clock.now, 1)).toBe(2);
  expect((await enrolmentOf(c.id, refused.customerId)).swept_at).toBeNull();
  expect(await lineCounters(s.database, refused.lineId)).toMatchObject({ used: 0, booked: 0 });
  for (const b of booked.slice(1))
    expect(await lineCounters(s.database, b.lineId)).toMatchObject({ used: 1 });
  expect(await sweepEndedClasses(s.app, s.clock.now, 1)).toBe(0);

  // Put right, the next run consumes it.
  await sql`UPDATE package_lines SET booked = 1 WHERE id = ${refused.lineId}`.execute(s.database.db);
  expect(await sweepEndedClasses(s.app, s.clock.now, 1)).toBe(1);
  expect(await lineCounters(s.database, refused.lineId)).toMatchObject({ used: 1, booked: 0 });
  expect((await enrolmentOf(c.id, refused.customerId)).consumed_movement_id).not.toBeNull();
});
