// L5 usage history of a package and L7 the activity log, read side.
import { sql } from "kysely";
import { invalid } from "../domain/errors.js";
import { authorize, type Ctx } from "./context.js";
import { getPackageRow } from "./lookups.js";

export async function packageUsage(ctx: Ctx, packageId: string) {
  authorize(ctx, "read");
  const businessId = ctx.actor.businessId;
  const pkg = await getPackageRow(ctx.database.db, businessId, packageId, "packageId");
  const rows = await ctx.database.db
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
    .where("m.package_id", "=", pkg.id)
    .orderBy("m.seq", "desc")
    .execute();
  return rows.map((r) => ({
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
  }));
}

export interface ActivityFilter {
  customerId?: string | undefined;
  packageId?: string | undefined;
  action?: string | undefined;
  staffId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  /** the id of the last entry of the previous page: the page goes on from the entry after it */
  before?: string | undefined;
}

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
 * an answer shows no counter that would tell one business how much the others do. A page goes on
 * from an entry of the previous one, named by its id; being a key into the order, not a position
 * in it, entries written meanwhile neither repeat nor push an entry out of the pages.
 */
export async function activityLog(ctx: Ctx, f: ActivityFilter) {
  authorize(ctx, "read");
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
    ])
    .where("a.business_id", "=", ctx.actor.businessId);
  if (f.customerId) q = q.where("a.customer_id", "=", f.customerId);
  if (f.packageId) q = q.where("a.package_id", "=", f.packageId);
  if (f.action) q = q.where("a.action", "=", f.action);
  if (f.staffId) q = q.where("a.actor_staff_id", "=", f.staffId);
  if (f.from) q = q.where("a.occurred_at", ">=", f.from);
  if (f.to) q = q.where("a.occurred_at", "<", f.to);
  if (f.before) {
    const last = await ctx.database.db
      .selectFrom("activity_log")
      .select("id")
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", f.before)
      .executeTakeFirst();
    if (!last) throw invalid("unknown_activity_entry", "No such entry in the activity log.", "before");
    // The entry's instant stays in the database: a JavaScript Date would drop its microseconds.
    const entry = sql`FROM activity_log c WHERE c.business_id = ${ctx.actor.businessId} AND c.id = ${f.before}`;
    q = q
      .where("a.occurred_at", "<=", sql<Date>`(SELECT c.occurred_at ${entry})`)
      .where(sql<boolean>`(a.occurred_at, a.seq) < (SELECT c.occurred_at, c.seq ${entry})`);
  }
  const rows = await q.orderBy("a.occurred_at", "desc").orderBy("a.seq", "desc").limit(f.limit).execute();
  return rows.map((r) => ({
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
  }));
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
