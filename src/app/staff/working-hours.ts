// O2, A10: a staff member's working hours per location and a location's opening hours, as weekly
// intervals; online booking offers free slots only inside them (src/domain/working-hours.ts says how
// the two meet, and what applies when either is not set). Saving replaces the week of one staff
// member at one location (or of one location) as a whole, under the staff member's (or location's)
// row lock, so that two people saving at once leave one of the two weeks, never a mix.
import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.js";
import { notFound } from "../../domain/errors.js";
import {
  type BookingHours,
  formatTime,
  parseWeeklyHours,
  type WeeklyInterval,
} from "../../domain/working-hours.js";
import { logAdminAction } from "../activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "../context.js";

export interface HoursInput {
  weekday: number;
  start: string;
  end: string;
}

export interface HoursView {
  weekday: number;
  /** "HH:MM", local time at the location */
  start: string;
  /** "HH:MM"; "24:00" is the end of the day */
  end: string;
}

const view = (h: WeeklyInterval): HoursView => ({
  weekday: h.weekday,
  start: formatTime(h.start),
  end: formatTime(h.end),
});

const interval = (r: { weekday: number; start_minute: number; end_minute: number }): WeeklyInterval => ({
  weekday: r.weekday,
  start: r.start_minute,
  end: r.end_minute,
});

async function assertLocation(db: Executor, businessId: string, locationId: string, lock = false) {
  let q = db
    .selectFrom("locations")
    .select("id")
    .where("business_id", "=", businessId)
    .where("id", "=", locationId);
  if (lock) q = q.forNoKeyUpdate();
  if (!(await q.executeTakeFirst())) throw notFound("location", "locationId");
}

async function assertStaff(db: Executor, businessId: string, staffId: string, lock = false) {
  let q = db
    .selectFrom("staff")
    .select("name")
    .where("business_id", "=", businessId)
    .where("id", "=", staffId);
  if (lock) q = q.forNoKeyUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound("staff", "staffId");
  return row;
}

export interface WorkingHoursView {
  staffId: string;
  /** false: no hours anywhere, so online booking offers the member whenever a location is open */
  scheduled: boolean;
  locations: Array<{ locationId: string; hours: HoursView[] }>;
}

/** A staff member's working hours at every location of the business (empty where none). */
export async function getWorkingHours(
  ctx: Ctx,
  staffId: string,
  db: Executor = ctx.database.db,
): Promise<WorkingHoursView> {
  authorize(ctx, "read");
  const businessId = ctx.actor.businessId;
  await assertStaff(db, businessId, staffId);
  const [locations, rows] = await Promise.all([
    db.selectFrom("locations").select("id").where("business_id", "=", businessId).orderBy("name").execute(),
    db
      .selectFrom("staff_working_hours")
      .select(["location_id", "weekday", "start_minute", "end_minute"])
      .where("business_id", "=", businessId)
      .where("staff_id", "=", staffId)
      .orderBy("weekday")
      .orderBy("start_minute")
      .execute(),
  ]);
  return {
    staffId,
    scheduled: rows.length > 0,
    locations: locations.map((l) => ({
      locationId: l.id,
      hours: rows.filter((r) => r.location_id === l.id).map((r) => view(interval(r))),
    })),
  };
}

/** Replaces the member's week at one location; an empty list means they do not work there. */
export async function setWorkingHours(
  ctx: Ctx,
  staffId: string,
  locationId: string,
  input: HoursInput[],
  db: Executor = ctx.database.db,
): Promise<WorkingHoursView> {
  authorize(ctx, "manage_working_hours");
  const hours = parseWeeklyHours(input, "hours");
  const businessId = ctx.actor.businessId;
  // The answer is read in the same transaction: the caller's (an Idempotency-Key's) may still be
  // open, and a read outside it would not see the new week (or, on the embedded database, which has
  // one connection, would wait for it forever).
  return inTransaction(db, async (tx) => {
    const member = await assertStaff(tx, businessId, staffId, true);
    await assertLocation(tx, businessId, locationId);
    const before = await replaceStaffWeek(
      tx,
      { business_id: businessId, staff_id: staffId, location_id: locationId },
      hours,
    );
    if (!sameWeek(before, hours))
      await logAdminAction(tx, ctx, "set_working_hours", {
        staff: { id: staffId, name: member.name },
        locationId,
        changes: { hours: { from: before.map(view), to: hours.map(view) } },
      });
    return getWorkingHours(ctx, staffId, tx);
  });
}

export interface OpeningHoursView {
  locationId: string;
  /** false: no opening hours, so online booking offers 09:00-18:00 every day */
  set: boolean;
  hours: HoursView[];
}

export async function getOpeningHours(
  ctx: Ctx,
  locationId: string,
  db: Executor = ctx.database.db,
): Promise<OpeningHoursView> {
  authorize(ctx, "read");
  await assertLocation(db, ctx.actor.businessId, locationId);
  const rows = await openingRows(db, ctx.actor.businessId, locationId);
  return { locationId, set: rows.length > 0, hours: rows.map(view) };
}

/** Replaces the location's week; an empty list goes back to the default (09:00-18:00 every day). */
export async function setOpeningHours(
  ctx: Ctx,
  locationId: string,
  input: HoursInput[],
  db: Executor = ctx.database.db,
): Promise<OpeningHoursView> {
  authorize(ctx, "manage_settings");
  const hours = parseWeeklyHours(input, "hours");
  const businessId = ctx.actor.businessId;
  // read in the same transaction, as setWorkingHours' answer
  return inTransaction(db, async (tx) => {
    await assertLocation(tx, businessId, locationId, true);
    const before = await replaceOpeningWeek(tx, { business_id: businessId, location_id: locationId }, hours);
    if (!sameWeek(before, hours))
      await logAdminAction(tx, ctx, "set_opening_hours", {
        locationId,
        changes: { hours: { from: before.map(view), to: hours.map(view) } },
      });
    return getOpeningHours(ctx, locationId, tx);
  });
}

const sameWeek = (a: WeeklyInterval[], b: WeeklyInterval[]) => JSON.stringify(a) === JSON.stringify(b);

const sorted = (rows: Array<{ weekday: number; start_minute: number; end_minute: number }>) =>
  rows.map(interval).sort((a, b) => a.weekday - b.weekday || a.start - b.start);

/** Puts `hours` in place of the member's week at the location; answers the week before. */
async function replaceStaffWeek(
  tx: Transaction<DB>,
  key: { business_id: string; staff_id: string; location_id: string },
  hours: WeeklyInterval[],
): Promise<WeeklyInterval[]> {
  const before = await tx
    .deleteFrom("staff_working_hours")
    .where("business_id", "=", key.business_id)
    .where("staff_id", "=", key.staff_id)
    .where("location_id", "=", key.location_id)
    .returning(["weekday", "start_minute", "end_minute"])
    .execute();
  if (hours.length > 0)
    await tx
      .insertInto("staff_working_hours")
      .values(hours.map((h) => ({ ...key, weekday: h.weekday, start_minute: h.start, end_minute: h.end })))
      .execute();
  return sorted(before);
}

/** Puts `hours` in place of the location's week; answers the week before. */
async function replaceOpeningWeek(
  tx: Transaction<DB>,
  key: { business_id: string; location_id: string },
  hours: WeeklyInterval[],
): Promise<WeeklyInterval[]> {
  const before = await tx
    .deleteFrom("location_opening_hours")
    .where("business_id", "=", key.business_id)
    .where("location_id", "=", key.location_id)
    .returning(["weekday", "start_minute", "end_minute"])
    .execute();
  if (hours.length > 0)
    await tx
      .insertInto("location_opening_hours")
      .values(hours.map((h) => ({ ...key, weekday: h.weekday, start_minute: h.start, end_minute: h.end })))
      .execute();
  return sorted(before);
}

function openingRows(db: Executor, businessId: string, locationId: string) {
  return db
    .selectFrom("location_opening_hours")
    .select(["weekday", "start_minute", "end_minute"])
    .where("business_id", "=", businessId)
    .where("location_id", "=", locationId)
    .execute()
    .then(sorted);
}

/**
 * What online booking needs of one staff member at one location: their hours there, or null when
 * they have none anywhere; the location's opening hours, or null when it has none.
 */
export async function loadBookingHours(
  db: Executor,
  businessId: string,
  staffId: string,
  locationId: string,
): Promise<BookingHours> {
  const [staff, opening] = await Promise.all([
    db
      .selectFrom("staff_working_hours")
      .select(["location_id", "weekday", "start_minute", "end_minute"])
      .where("business_id", "=", businessId)
      .where("staff_id", "=", staffId)
      .execute(),
    openingRows(db, businessId, locationId),
  ]);
  return {
    staff: staff.length === 0 ? null : staff.filter((r) => r.location_id === locationId).map(interval),
    opening: opening.length === 0 ? null : opening,
  };
}
