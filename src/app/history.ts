// L5 usage history of a package and L7 the activity log, read side.
import { sql } from "kysely";
import { invalid } from "../domain/errors.js";
import { authorize, type Ctx } from "./context.js";
import { getPackageRow } from "./lookups.js";
import { cursorOf, limitOf, type PageQuery, pageOf } from "./pages.js";

/** A cursor that names an entry which is not (or no longer) where the list goes on from. */
const unknownCursor = () =>
  invalid("invalid_cursor", "cursor: must be the nextCursor of a previous page of this list", "cursor");

/**
 * L5, newest first, in the order of writing (the movements' global sequence). W2: a page goes on
 * from the movement its cursor names: the sequence stays inside, as an answer shows no counter that
 * would tell one business how much the others do.
 */
export async function packageUsage(ctx: Ctx, packageId: string, query: PageQuery = {}) {
  authorize(ctx, "read");
  const businessId = ctx.actor.businessId;
  const pkg = await getPackageRow(ctx.database.db, businessId, packageId, "packageId");
  const limit = limitOf(query);
  const [afterId] = cursorOf(query, ["uuid"] as const) ?? [];
  const after =
    afterId === undefined
      ? undefined
      : await ctx.database.db
          .selectFrom("movements")
          .select("seq")
          .where("business_id", "=", businessId)
          .where("package_id", "=", pkg.id)
          .where("id", "=", afterId)
          .executeTakeFirst();
  if (afterId !== undefined && !after) throw unknownCursor();
  let q = ctx.database.db
    .selectFrom("movements as m")
    .leftJoin("package_lines as l", (j) =>
      j.onRef("l.business_id", "=", "m.business_id").onRef("l.id", "=", "m.line_id"),
    )
    .leftJoin("staff as s", (j) =>
      j.onRef("s.business_id", "=", "m.business_id").onRef("s.id", "=", "m.actor_staff_id"),
    )
    .leftJoin("movements as r", (j) =>
      j.onRef("r.business_id", "=", "m.business_id").onRef("r.reverses_id", "=", "m.id"),
    )
    .leftJoin("movements as res", (j) =>
      j.onRef("res.business_id", "=", "m.business_id").onRef("res.reservation_id", "=", "m.id"),
    )
    .select([
      "m.id",
      "m.seq",
      "m.kind",
      "m.quantity",
      "m.occurred_at",
      "m.reason",
      "m.line_id",
      "l.item_name",
      "m.actor_staff_id",
      "s.name as staff_name",
      "m.appointment_id",
      "m.ticket_line_id",
      "m.class_enrolment_id",
      "m.reservation_id",
      "m.reverses_id",
      "m.value_minor",
      "m.total_after",
      "m.used_after",
      "m.booked_after",
      "r.id as undone_by_id",
      "r.occurred_at as undone_at",
      "res.kind as resolved_as",
    ])
    .where("m.business_id", "=", businessId)
    .where("m.package_id", "=", pkg.id);
  if (after) q = q.where("m.seq", "<", after.seq);
  const rows = await q
    .orderBy("m.seq", "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(
    rows,
    limit,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      kind: r.kind,
      quantity: r.quantity,
      occurredAt: r.occurred_at.toISOString(),
      lineId: r.line_id,
      itemName: r.item_name,
      staffId: r.actor_staff_id,
      staffName: r.staff_name,
      reason: r.reason,
      appointmentId: r.appointment_id,
      ticketLineId: r.ticket_line_id,
      classEnrolmentId: r.class_enrolment_id,
      reservationId: r.reservation_id,
      reversesId: r.reverses_id,
      valueMinor: r.value_minor,
      after: {
        total: r.total_after,
        used: r.used_after,
        booked: r.booked_after,
        remaining: r.total_after - r.used_after - r.booked_after,
      },
      undone: r.undone_by_id !== null && r.kind !== "expire",
      undoneAt: r.undone_at?.toISOString() ?? null,
      resolvedAs: r.resolved_as,
      undoable:
        ["redeem", "consume", "deduct"].includes(r.kind) &&
        r.undone_by_id === null &&
        !(r.kind === "consume" && r.ticket_line_id),
    }),
  );
}

export interface ActivityFilter extends PageQuery {
  customerId?: string | undefined;
  packageId?: string | undefined;
  action?: string | undefined;
  staffId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** An entry's instant in full, to the microsecond: a JavaScript Date would drop the microseconds. */
const occurredKeySql = sql<string>`to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const OCCURRED_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * L7: a no-show or a cancellation names no package of its own (its credit moved, or not, by the
 * policy), yet a disputed no-show is settled by what was booked and from which package: the services
 * of the appointment or the class, and the packages its credits were booked from. A class booking
 * and a cancelled class name their class too.
 */
const isBookingAction = sql<boolean>`a.action IN ('no_show', 'cancel')`;
const bookedServicesSql = sql<
  string | null
>`CASE WHEN a.action IN ('no_show', 'cancel', 'enrol', 'cancel_class') THEN coalesce(
    (SELECT string_agg(sv.name, ', ' ORDER BY sv.position) FROM appointment_services sv
      WHERE sv.business_id = a.business_id AND sv.appointment_id = (a.details->>'appointmentId')::uuid),
    (SELECT i.name FROM class_sessions cs
       JOIN items i ON i.business_id = cs.business_id AND i.id = cs.item_id
      WHERE cs.business_id = a.business_id AND cs.id = (a.details->>'sessionId')::uuid)) END`;
const bookedPackagesSql = sql<string | null>`CASE WHEN ${isBookingAction} AND a.package_id IS NULL THEN (
    SELECT string_agg(DISTINCT bp.name, ', ') FROM customer_packages bp
      JOIN movements m ON m.business_id = bp.business_id AND m.package_id = bp.id
     WHERE bp.business_id = a.business_id AND bp.customer_id = a.customer_id
       AND m.occurred_at <= a.occurred_at
       AND (m.appointment_id = (a.details->>'appointmentId')::uuid
            OR m.class_enrolment_id IN (SELECT e.id FROM class_enrolments e
                 WHERE e.business_id = a.business_id AND e.customer_id = a.customer_id
                   AND e.session_id = (a.details->>'sessionId')::uuid))) END`;

/**
 * L7, newest first: by instant, and in the order of writing within one instant (a close's consumes
 * before its close_ticket). The order of writing is the log's global sequence, which stays inside:
 * an answer shows no counter that would tell one business how much the others do. W2: a page goes
 * on from the entry its cursor names (its instant and id); being a key into the order, not a
 * position in it, entries written meanwhile neither repeat nor push an entry out of the pages.
 */
export async function activityLog(ctx: Ctx, f: ActivityFilter) {
  authorize(ctx, "read");
  const limit = limitOf(f);
  const after = await activityCursor(ctx, f);
  let q = ctx.database.db
    .selectFrom("activity_log as a")
    .leftJoin("staff as s", (j) =>
      j.onRef("s.business_id", "=", "a.business_id").onRef("s.id", "=", "a.actor_staff_id"),
    )
    .leftJoin("customers as c", (j) =>
      j.onRef("c.business_id", "=", "a.business_id").onRef("c.id", "=", "a.customer_id"),
    )
    .leftJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "a.business_id").onRef("p.id", "=", "a.package_id"),
    )
    .select([
      "a.id",
      "a.occurred_at",
      "a.action",
      "a.reason",
      "a.details",
      "a.customer_id",
      "c.name as customer_name",
      "a.package_id",
      "p.name as package_name",
      "a.movement_id",
      "a.actor_staff_id",
      "s.name as staff_name",
      "a.location_id",
      bookedServicesSql.as("service_name"),
      bookedPackagesSql.as("booked_package_names"),
      occurredKeySql.as("occurred_key"),
    ])
    .where("a.business_id", "=", ctx.actor.businessId);
  if (f.customerId) q = q.where("a.customer_id", "=", f.customerId);
  if (f.packageId) q = q.where("a.package_id", "=", f.packageId);
  if (f.action) q = q.where("a.action", "=", f.action);
  if (f.staffId) q = q.where("a.actor_staff_id", "=", f.staffId);
  if (f.from) q = q.where("a.occurred_at", ">=", f.from);
  if (f.to) q = q.where("a.occurred_at", "<", f.to);
  if (after) {
    const at = sql<Date>`${after.occurredAt}::timestamptz`;
    q = q
      .where("a.occurred_at", "<=", at)
      .where(sql<boolean>`(a.occurred_at, a.seq) < (${at}, ${after.seq}::bigint)`);
  }
  const rows = await q
    .orderBy("a.occurred_at", "desc")
    .orderBy("a.seq", "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(
    rows,
    limit,
    (r) => [r.occurred_key, r.id],
    (r) => ({
      id: r.id,
      occurredAt: r.occurred_at.toISOString(),
      action: r.action,
      reason: r.reason,
      details: r.details,
      customerId: r.customer_id,
      customerName: r.customer_name,
      packageId: r.package_id,
      /** the package of the entry, or for a no-show or cancellation the packages its credits came from */
      packageName: r.package_name ?? r.booked_package_names,
      /** for a no-show or cancellation: the appointment's services or the class */
      serviceName: r.service_name,
      movementId: r.movement_id,
      staffId: r.actor_staff_id,
      staffName: r.staff_name,
      locationId: r.location_id,
    }),
  );
}

/**
 * The entry a page goes on from, found by its instant (the log's time index) and id, within the
 * caller's business: another business's entry, or an edited cursor, is a 400.
 */
async function activityCursor(ctx: Ctx, f: PageQuery) {
  const key = cursorOf(f, ["text", "uuid"] as const);
  if (!key) return null;
  const [occurredAt, id] = key;
  if (!OCCURRED_KEY.test(occurredAt) || Number.isNaN(Date.parse(occurredAt))) throw unknownCursor();
  const entry = await ctx.database.db
    .selectFrom("activity_log")
    .select("seq")
    .where("business_id", "=", ctx.actor.businessId)
    .where("occurred_at", "=", sql<Date>`${occurredAt}::timestamptz`)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!entry) throw unknownCursor();
  return { occurredAt, seq: entry.seq };
}

export async function storeCredit(ctx: Ctx, customerId: string) {
  authorize(ctx, "read");
  const rows = await ctx.database.db
    .selectFrom("store_credit_accounts")
    .select(["currency", "balance_minor"])
    .where("business_id", "=", ctx.actor.businessId)
    .where("customer_id", "=", customerId)
    .orderBy("currency")
    .execute();
  return rows.map((r) => ({ currency: r.currency, balanceMinor: r.balance_minor }));
}
