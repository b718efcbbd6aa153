// Appointments booked from packages (A1–A11). A service booked with "Use" reserves one credit of a
// package line at save, so the counter moves at once (A2); the reservation is consumed at the
// business's redemption point (A5), released on cancellation (A6), handled by the no-show policy
// (A7), kept on reschedule (A11), and handed to the till at checkout.
import { sql, type Transaction } from "kysely";
import { Temporal } from "temporal-polyfill";
import { compiledOnce } from "../db/compiled-once.js";
import { PREPARED } from "../db/prepared.js";
import type { Appointment, DB, NoShowPolicy } from "../db/schema.js";
import { packageStatusSql } from "../db/sql-credit-value.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { chooseLineFifo, pausedRefusal } from "../domain/fifo.js";
import { isUnlimited } from "../domain/package-status.js";
import { instantIso, parseInstant, toDate, toInstant } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { actorStaffId, authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { candidateLine, getBusiness, getCustomer, getLocation } from "./lookups.js";
import { LINE_VIEWS_JSON, loadPackages, packageViewJson } from "./package-view.js";
import { cursorOf, limitOf, type Page, type PageQuery, pageOf } from "./pages.js";
import { insertTicket } from "./ticket-numbers.js";
import type { WebhookEventType } from "./webhooks/events.js";
import { appointmentEventData, enqueueWebhookEvent } from "./webhooks/outbox.js";
import { restoreUnlessRefunded, writeMovement } from "./write-movement.js";

export interface AppointmentServiceView {
  id: string;
  itemId: string;
  name: string;
  priceMinor: number;
  fromPackage: null | {
    packageLineId: string;
    packageId: string;
    packageName: string;
    /** "5/10 sessions": used and booked of the total, this one included */
    sessions: string;
    /**
     * U1: which session of the line this one is ("session 5 of 10"), as numbers for the screen's
     * words; null when the line's counters were not recorded with the movement. `unlimited`: more
     * than 100 credits were left (P10), so the total is not a figure to show.
     */
    session: { number: number; total: number; unlimited: boolean } | null;
    state: "booked" | "used" | "released";
  };
}

export interface AppointmentView {
  id: string;
  locationId: string;
  customer: { id: string; name: string };
  staff: { id: string; name: string };
  startAt: string;
  endAt: string;
  channel: "in_store" | "online";
  status: Appointment["status"];
  notes: string | null;
  ticketId: string | null;
  fromPackage: boolean;
  services: AppointmentServiceView[];
}

export interface AppointmentFilter {
  locationId?: string | undefined;
  from?: Date;
  to?: Date;
  customerId?: string | undefined;
  staffId?: string | undefined;
}

/**
 * W2: the calendar's list, a page at a time, in start order (then id, so that the order is total
 * and a cursor names one place in it).
 */
export async function listAppointments(
  db: Executor,
  businessId: string,
  query: AppointmentFilter & PageQuery,
): Promise<Page<AppointmentView>> {
  const limit = limitOf(query);
  const after = cursorOf(query, ["instant", "uuid"] as const);
  const rows = await loadAppointments(db, businessId, { ...query, after, take: limit + 1 });
  return pageOf(
    rows,
    limit,
    (a) => [a.startAt, a.id],
    (a) => a,
  );
}

export async function loadAppointments(
  db: Executor,
  businessId: string,
  filter: AppointmentFilter & {
    ids?: string[];
    /** W2: only appointments after this (start, id) in the list's order */
    after?: readonly [Date, string] | null;
    take?: number;
  },
): Promise<AppointmentView[]> {
  let q = db
    .selectFrom("appointments as a")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.business_id", "=", "a.business_id").onRef("c.id", "=", "a.customer_id"),
    )
    .innerJoin("staff as s", (j) =>
      j.onRef("s.business_id", "=", "a.business_id").onRef("s.id", "=", "a.staff_id"),
    )
    .selectAll("a")
    .select(["c.name as customer_name", "s.name as staff_name"])
    .where("a.business_id", "=", businessId);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where("a.id", "in", filter.ids);
  }
  if (filter.locationId) q = q.where("a.location_id", "=", filter.locationId);
  if (filter.customerId) q = q.where("a.customer_id", "=", filter.customerId);
  if (filter.staffId) q = q.where("a.staff_id", "=", filter.staffId);
  if (filter.from) q = q.where("a.end_at", ">", filter.from);
  if (filter.to) q = q.where("a.start_at", "<", filter.to);
  const after = filter.after;
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("a.start_at", "a.id"), ">", tuple(after[0], after[1])),
    );
  const rows = await q
    .orderBy("a.start_at")
    .orderBy("a.id")
    .limit(filter.take ?? 2000)
    .execute();
  if (rows.length === 0) return [];
  const services = await db
    .selectFrom("appointment_services as sv")
    .leftJoin("package_lines as pl", (j) =>
      j.onRef("pl.business_id", "=", "sv.business_id").onRef("pl.id", "=", "sv.package_line_id"),
    )
    .leftJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
    )
    .leftJoin("movements as m", (j) =>
      j
        .onRef("m.business_id", "=", "sv.business_id")
        // The counters when this booking took its credit: its reservation's, or (booked and used at
        // once) its consumption's. A consumption later on counts what else was booked meanwhile, so
        // two bookings of one line would both read "session 3 of 5".
        .on((eb) => eb("m.id", "=", eb.fn.coalesce("sv.reservation_id", "sv.consumed_movement_id"))),
    )
    .selectAll("sv")
    .select([
      "p.id as package_id",
      "p.name as package_name",
      "m.total_after",
      "m.used_after",
      "m.booked_after",
    ])
    .where("sv.business_id", "=", businessId)
    .where(
      "sv.appointment_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("sv.position")
    .execute();
  return rows.map((a) => {
    const own = services.filter((sv) => sv.appointment_id === a.id);
    const views: AppointmentServiceView[] = own.map((sv) => ({
      id: sv.id,
      itemId: sv.item_id,
      name: sv.name,
      priceMinor: sv.package_line_id ? 0 : sv.price_minor,
      fromPackage: sv.package_line_id
        ? {
            packageLineId: sv.package_line_id,
            packageId: sv.package_id!,
            packageName: sv.package_name!,
            sessions:
              sv.total_after !== null
                ? `${sv.used_after! + sv.booked_after!}/${sv.total_after} sessions`
                : "",
            session:
              sv.total_after !== null
                ? {
                    number: sv.used_after! + sv.booked_after!,
                    total: sv.total_after,
                    unlimited: isUnlimited({
                      total: sv.total_after,
                      used: sv.used_after!,
                      booked: sv.booked_after!,
                    }),
                  }
                : null,
            state: sv.consumed_movement_id ? "used" : sv.reservation_id ? "booked" : "released",
          }
        : null,
    }));
    return {
      id: a.id,
      locationId: a.location_id,
      customer: { id: a.customer_id, name: a.customer_name },
      staff: { id: a.staff_id, name: a.staff_name },
      startAt: a.start_at.toISOString(),
      endAt: a.end_at.toISOString(),
      channel: a.channel,
      status: a.status,
      notes: a.notes,
      ticketId: a.ticket_id,
      fromPackage: views.some((v) => v.fromPackage !== null),
      services: views,
    };
  });
}

/** W3: the appointment as it is now, told to the business's webhooks in the same transaction. */
async function appointmentEvent(
  tx: Executor,
  type: WebhookEventType,
  businessId: string,
  id: string,
  at: Temporal.Instant,
) {
  const view = await loadAppointment(tx, businessId, id);
  await enqueueWebhookEvent(tx, { businessId, type, data: appointmentEventData(view), at });
  return view;
}

export async function loadAppointment(db: Executor, businessId: string, id: string) {
  const [view] = await loadAppointments(db, businessId, { ids: [id] });
  if (!view) throw notFound("appointment", "appointmentId");
  return view;
}

/**
 * The booking panel's query, built and compiled once. Refunded and expired packages are left out
 * before their lines are read; the status rule (P5) still decides what is active.
 */
const panelQuery = compiledOnce<
  { at: string; locationId: string; businessId: string; customerId: string },
  { body: string }
>(
  (v) => sql`${PREPARED}
    SELECT coalesce((
      SELECT json_agg(${packageViewJson(sql`st.status`, sql`s.lines`)} ORDER BY p.purchased_at, p.id)
        FROM customer_packages p
       CROSS JOIN LATERAL (
             SELECT ${LINE_VIEWS_JSON} AS lines, sum(l.total - l.used - l.booked) AS free, sum(l.booked) AS booked
               FROM package_lines l WHERE l.business_id = p.business_id AND l.package_id = p.id) s
       CROSS JOIN LATERAL (
             SELECT ${packageStatusSql(sql`${v("at")}::timestamptz`, sql`s.free`, sql`s.booked`)} AS status) st
       WHERE p.business_id = c.business_id AND p.customer_id = c.id
         AND p.refunded_at IS NULL AND (p.expires_at IS NULL OR p.expires_at >= ${v("at")}::timestamptz)
         AND st.status = 'active'
         AND (p.redeemable_location_ids IS NULL OR ${v("locationId")}::uuid = ANY (p.redeemable_location_ids))
    ), '[]')::text AS body
      FROM customers c
     WHERE c.business_id = ${v("businessId")}::uuid AND c.id = ${v("customerId")}::uuid`,
);

/**
 * A1, A3: the booking panel: the customer's active packages, their items, counters and expiry,
 * redeemable at the caller's location, as the JSON text of PackageView[] that the database writes
 * (packageViewJson). One round trip: the panel is opened on every booking, and on a busy server
 * each trip to the database costs more than the query itself. The customer is joined in so that an
 * unknown one answers 404 from the same trip: no row at all.
 */
export async function availablePackagesJson(
  ctx: Ctx,
  customerId: string,
  at?: Temporal.Instant,
): Promise<string> {
  authorize(ctx, "read");
  const db = ctx.database.db;
  const rows = await db.executeQuery(
    panelQuery(db, {
      at: instantIso(at ?? ctx.clock()),
      locationId: ctx.actor.locationId,
      businessId: ctx.actor.businessId,
      customerId,
    }),
  );
  const [row] = rows.rows;
  if (!row) throw notFound("customer", "customerId");
  return row.body;
}

export interface BookInput {
  customerId: string;
  staffId: string;
  locationId?: string | undefined;
  startAt: string;
  endAt?: string | undefined;
  services: Array<{ itemId: string; usePackage?: boolean | undefined; packageLineId?: string | undefined }>;
  channel?: "in_store" | "online" | undefined;
  allowOverlap?: boolean | undefined;
  notes?: string | undefined;
}

async function lockStaff(tx: Transaction<DB>, businessId: string, staffId: string) {
  const staff = await tx
    .selectFrom("staff")
    .select(["id", "name", "active"])
    .where("business_id", "=", businessId)
    .where("id", "=", staffId)
    .forUpdate()
    .executeTakeFirst();
  if (!staff?.active) throw notFound("staff", "staffId");
  return staff;
}

async function refuseOverlap(
  tx: Transaction<DB>,
  businessId: string,
  staffId: string,
  start: Date,
  end: Date,
  exceptId?: string,
) {
  let q = tx
    .selectFrom("appointments")
    .select(["id", "start_at"])
    .where("business_id", "=", businessId)
    .where("staff_id", "=", staffId)
    .where("status", "in", ["booked", "checked_in"])
    .where("start_at", "<", end)
    .where("end_at", ">", start);
  if (exceptId) q = q.where("id", "!=", exceptId);
  const clash = await q.executeTakeFirst();
  if (clash)
    throw conflict("staff_overlap", "This staff member already has an appointment at that time.", "startAt");
}

/** Reserve one credit for a service starting at `start`: on the given line, or FIFO among the customer's. */
async function reserveFor(
  tx: Transaction<DB>,
  ctx: Ctx,
  a: { business_id: string; id: string; customer_id: string; location_id: string },
  itemId: string,
  packageLineId: string | undefined,
  start: Temporal.Instant,
  serviceId: string,
): Promise<{ lineId: string; reservationId: string }> {
  let lineId = packageLineId;
  if (!lineId) {
    const rows = await tx
      .selectFrom("package_lines as l")
      .innerJoin("customer_packages as p", (j) =>
        j.onRef("p.business_id", "=", "l.business_id").onRef("p.id", "=", "l.package_id"),
      )
      .select([
        "l.id",
        "l.package_id",
        "l.item_id",
        "l.total",
        "l.used",
        "l.booked",
        "p.purchased_at",
        "p.expires_at",
        "p.redeemable_location_ids",
        "p.pauses",
      ])
      .where("l.business_id", "=", a.business_id)
      .where("l.customer_id", "=", a.customer_id)
      .where("l.item_id", "=", itemId)
      .where("l.refunded", "=", false)
      .execute();
    const candidates = rows.map(candidateLine);
    const request = { kind: "reserve" as const, quantity: 1, serviceAt: start, locationId: a.location_id };
    const chosen = chooseLineFifo(candidates, itemId, request);
    if (!chosen)
      throw (
        pausedRefusal(candidates, itemId, request) ??
        conflict(
          "no_eligible_package",
          "The customer has no active package with a credit for this service.",
          "services",
        )
      );
    lineId = chosen.lineId;
  } else {
    const line = await tx
      .selectFrom("package_lines")
      .select(["item_id", "customer_id"])
      .where("business_id", "=", a.business_id)
      .where("id", "=", lineId)
      .executeTakeFirst();
    if (!line || line.customer_id !== a.customer_id) throw notFound("package_line", "packageLineId");
    if (line.item_id !== itemId)
      throw invalid("package_line_other_item", "That package line is for another service.", "packageLineId");
  }
  const reserved = await writeMovement(tx, {
    businessId: a.business_id,
    lineId,
    kind: "reserve",
    quantity: 1,
    at: ctx.clock(),
    serviceAt: start,
    locationId: a.location_id,
    actorStaffId: actorStaffId(ctx),
    appointmentId: a.id,
    activity: { action: "book", details: { appointmentId: a.id } },
  });
  await tx
    .updateTable("appointment_services")
    .set({ package_line_id: lineId, reservation_id: reserved.id })
    .where("business_id", "=", a.business_id)
    .where("id", "=", serviceId)
    .execute();
  return { lineId, reservationId: reserved.id };
}

async function consumeService(
  tx: Transaction<DB>,
  ctx: { clock: () => Temporal.Instant; actorStaffId: string | null },
  a: { business_id: string; id: string; location_id: string },
  sv: { id: string; package_line_id: string | null; reservation_id: string | null },
  reason: string,
) {
  const consumed = await writeMovement(tx, {
    businessId: a.business_id,
    lineId: sv.package_line_id!,
    kind: "consume",
    quantity: 1,
    at: ctx.clock(),
    locationId: a.location_id,
    actorStaffId: ctx.actorStaffId,
    reservationId: sv.reservation_id,
    appointmentId: a.id,
    reason,
    activity: null,
  });
  await tx
    .updateTable("appointment_services")
    .set({ consumed_movement_id: consumed.id })
    .where("business_id", "=", a.business_id)
    .where("id", "=", sv.id)
    .execute();
}

async function releaseService(
  tx: Transaction<DB>,
  ctx: Ctx,
  a: { business_id: string; id: string; location_id: string },
  sv: {
    id: string;
    package_line_id: string | null;
    reservation_id: string | null;
    consumed_movement_id: string | null;
  },
  reason: string,
) {
  if (sv.consumed_movement_id) {
    // Already used (consumed at booking, or its end passed): the credit comes back with a restore,
    // unless its package was refunded since; then it stays used and the service keeps its link.
    const restored = await restoreUnlessRefunded(tx, {
      businessId: a.business_id,
      lineId: sv.package_line_id!,
      quantity: 1,
      at: ctx.clock(),
      locationId: a.location_id,
      actorStaffId: actorStaffId(ctx),
      reversesId: sv.consumed_movement_id,
      appointmentId: a.id,
      reason,
      activity: null,
    });
    if (!restored) return;
  } else if (sv.reservation_id) {
    await writeMovement(tx, {
      businessId: a.business_id,
      lineId: sv.package_line_id!,
      kind: "release",
      quantity: 1,
      at: ctx.clock(),
      locationId: a.location_id,
      actorStaffId: actorStaffId(ctx),
      reservationId: sv.reservation_id,
      appointmentId: a.id,
      reason,
      activity: null,
    });
  }
  await tx
    .updateTable("appointment_services")
    .set({ package_line_id: null, reservation_id: null, consumed_movement_id: null })
    .where("business_id", "=", a.business_id)
    .where("id", "=", sv.id)
    .execute();
}

export async function bookAppointment(
  ctx: Ctx,
  input: BookInput,
  db: Executor = ctx.database.db,
): Promise<AppointmentView> {
  authorize(ctx, "redeem");
  const businessId = ctx.actor.businessId;
  const start = parseInstant(input.startAt, "startAt");
  if (input.services.length === 0)
    throw invalid("services_required", "Book at least one service.", "services");
  return inTransaction(db, async (tx) => {
    const location = await getLocation(tx, businessId, input.locationId ?? ctx.actor.locationId);
    await getCustomer(tx, businessId, input.customerId);
    await lockStaff(tx, businessId, input.staffId);
    const items = await tx
      .selectFrom("items")
      .selectAll()
      .where("business_id", "=", businessId)
      .where(
        "id",
        "in",
        input.services.map((s) => s.itemId),
      )
      .execute();
    const minutes = input.services.reduce((sum, s) => {
      const item = items.find((i) => i.id === s.itemId);
      if (!item) throw notFound("item", "services");
      if (item.kind !== "service")
        throw invalid("not_a_service", `${item.name} is not a service.`, "services");
      // O3: an archived service is booked only from a package that holds it.
      if (!item.active && !(s.usePackage || s.packageLineId))
        throw conflict("item_inactive", `${item.name} is no longer offered.`, "services");
      return sum + (item.duration_minutes ?? 30);
    }, 0);
    const end = input.endAt ? parseInstant(input.endAt, "endAt") : start.add({ minutes });
    if (Temporal.Instant.compare(end, start) <= 0)
      throw invalid("end_before_start", "The end must be after the start.", "endAt");
    if (!input.allowOverlap) await refuseOverlap(tx, businessId, input.staffId, toDate(start), toDate(end));
    const a = await tx
      .insertInto("appointments")
      .values({
        business_id: businessId,
        location_id: location.id,
        customer_id: input.customerId,
        staff_id: input.staffId,
        start_at: toDate(start),
        end_at: toDate(end),
        channel: input.channel ?? "in_store",
        allow_overlap: input.allowOverlap ?? false,
        notes: input.notes ?? null,
        created_by: actorStaffId(ctx),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const business = await getBusiness(tx, businessId);
    for (const [position, s] of input.services.entries()) {
      const item = items.find((i) => i.id === s.itemId)!;
      const sv = await tx
        .insertInto("appointment_services")
        .values({
          business_id: businessId,
          appointment_id: a.id,
          position,
          item_id: item.id,
          name: item.name,
          price_minor: item.prices[location.currency] ?? 0,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (s.usePackage || s.packageLineId) {
        const held = await reserveFor(tx, ctx, a, item.id, s.packageLineId, start, sv.id);
        if (business.redemption_point === "booking") {
          await consumeService(
            tx,
            { clock: ctx.clock, actorStaffId: actorStaffId(ctx) },
            a,
            { id: sv.id, package_line_id: held.lineId, reservation_id: held.reservationId },
            "consumed at booking",
          );
        }
      }
    }
    return appointmentEvent(tx, "appointment.booked", businessId, a.id, ctx.clock());
  });
}

async function lockAppointment(tx: Transaction<DB>, businessId: string, id: string) {
  const a = await tx
    .selectFrom("appointments")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!a) throw notFound("appointment", "appointmentId");
  return a;
}

async function servicesOf(tx: Executor, a: { business_id: string; id: string }) {
  return tx
    .selectFrom("appointment_services")
    .selectAll()
    .where("business_id", "=", a.business_id)
    .where("appointment_id", "=", a.id)
    .orderBy("position")
    .execute();
}

function assertActive(a: Appointment) {
  if (a.status === "cancelled" || a.status === "no_show" || a.status === "completed") {
    throw conflict(
      "appointment_closed",
      `This appointment is ${a.status.replace("_", "-")}.`,
      "appointmentId",
    );
  }
}

/** A6: cancelling gives every package credit back. */
export async function cancelAppointment(
  ctx: Ctx,
  id: string,
  reason: string | undefined,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    assertActive(a);
    if (a.ticket_id)
      throw conflict(
        "appointment_checked_out",
        "This appointment is on a ticket; void or refund the ticket.",
        "appointmentId",
      );
    const services = await servicesOf(tx, a);
    for (const sv of services.filter((s) => s.package_line_id))
      await releaseService(tx, ctx, a, sv, reason ?? "appointment cancelled");
    await tx
      .updateTable("appointments")
      .set({ status: "cancelled", cancelled_at: toDate(ctx.clock()) })
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    await logActivity(tx, {
      businessId: a.business_id,
      at: ctx.clock(),
      actorStaffId: actorStaffId(ctx),
      locationId: a.location_id,
      action: "cancel",
      customerId: a.customer_id,
      packageId: null,
      reason: reason ?? null,
      details: { appointmentId: a.id, creditsRestored: services.filter((s) => s.package_line_id).length },
    });
    return appointmentEvent(tx, "appointment.cancelled", a.business_id, a.id, ctx.clock());
  });
}

/** A6: a package-linked appointment is never deleted (the credit logic runs on cancellation). */
export async function deleteAppointment(ctx: Ctx, id: string, db: Executor = ctx.database.db) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    const services = await servicesOf(tx, a);
    const everLinked = await tx
      .selectFrom("movements")
      .select("id")
      .where("business_id", "=", a.business_id)
      .where("appointment_id", "=", a.id)
      .executeTakeFirst();
    if (services.some((s) => s.package_line_id) || everLinked) {
      throw conflict(
        "cancel_package_appointment_instead",
        "This appointment uses a package: cancel it instead, so the credit comes back.",
        "appointmentId",
      );
    }
    if (a.ticket_id)
      throw conflict("appointment_checked_out", "This appointment is on a ticket.", "appointmentId");
    await tx
      .deleteFrom("appointment_services")
      .where("business_id", "=", a.business_id)
      .where("appointment_id", "=", a.id)
      .execute();
    await tx
      .deleteFrom("appointments")
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    return { deleted: true };
  });
}

/** A7: a no-show follows the business's no-show policy for appointments (default: the credit is used). */
export async function markNoShow(ctx: Ctx, id: string, db: Executor = ctx.database.db) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    assertActive(a);
    const business = await getBusiness(tx, a.business_id);
    const policy: NoShowPolicy = business.appointment_no_show_policy;
    const services = await servicesOf(tx, a);
    for (const sv of services.filter((s) => s.reservation_id && !s.consumed_movement_id)) {
      if (policy === "consume")
        await consumeService(tx, { clock: ctx.clock, actorStaffId: ctx.actor.staffId }, a, sv, "no-show");
      else if (policy === "release") await releaseService(tx, ctx, a, sv, "no-show");
    }
    await tx
      .updateTable("appointments")
      .set({ status: "no_show" })
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    await logActivity(tx, {
      businessId: a.business_id,
      at: ctx.clock(),
      actorStaffId: ctx.actor.staffId,
      locationId: a.location_id,
      action: "no_show",
      customerId: a.customer_id,
      details: { appointmentId: a.id, policy },
    });
    return appointmentEvent(tx, "appointment.no_show", a.business_id, a.id, ctx.clock());
  });
}

/** A11: rescheduling keeps the reservation; the package must still be valid at the new start. */
export async function rescheduleAppointment(
  ctx: Ctx,
  id: string,
  input: {
    startAt: string;
    endAt?: string | undefined;
    staffId?: string | undefined;
    allowOverlap?: boolean | undefined;
  },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "redeem");
  const start = parseInstant(input.startAt, "startAt");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    assertActive(a);
    const staffId = input.staffId ?? a.staff_id;
    await lockStaff(tx, a.business_id, staffId);
    const duration = a.end_at.getTime() - a.start_at.getTime();
    const end = input.endAt ? parseInstant(input.endAt, "endAt") : start.add({ milliseconds: duration });
    if (Temporal.Instant.compare(end, start) <= 0)
      throw invalid("end_before_start", "The end must be after the start.", "endAt");
    if (!(input.allowOverlap ?? a.allow_overlap))
      await refuseOverlap(tx, a.business_id, staffId, toDate(start), toDate(end), a.id);
    const expiries = await tx
      .selectFrom("appointment_services as sv")
      .innerJoin("package_lines as pl", (j) =>
        j.onRef("pl.business_id", "=", "sv.business_id").onRef("pl.id", "=", "sv.package_line_id"),
      )
      .innerJoin("customer_packages as p", (j) =>
        j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
      )
      .select(["p.name", "p.expires_at"])
      .where("sv.business_id", "=", a.business_id)
      .where("sv.appointment_id", "=", a.id)
      .where("sv.consumed_movement_id", "is", null)
      .execute();
    const expired = expiries.find((e) => e.expires_at && e.expires_at.getTime() < start.epochMilliseconds);
    if (expired)
      throw conflict(
        "package_expires_before_appointment",
        `${expired.name} expires before the new time.`,
        "startAt",
      );
    await tx
      .updateTable("appointments")
      .set({
        start_at: toDate(start),
        end_at: toDate(end),
        staff_id: staffId,
        ...(input.allowOverlap !== undefined ? { allow_overlap: input.allowOverlap } : {}),
      })
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    return loadAppointment(tx, a.business_id, a.id);
  });
}

/** A8: before checkout, a paid service becomes a package booking, or a package booking a paid one. */
export async function convertService(
  ctx: Ctx,
  appointmentId: string,
  serviceId: string,
  to: { mode: "package"; packageLineId?: string | undefined } | { mode: "paying" },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, appointmentId);
    assertActive(a);
    if (a.ticket_id)
      throw conflict("appointment_checked_out", "Change it on the ticket instead.", "appointmentId");
    const sv = (await servicesOf(tx, a)).find((s) => s.id === serviceId);
    if (!sv) throw notFound("appointment_service", "serviceId");
    if (to.mode === "paying") {
      if (sv.package_line_id) await releaseService(tx, ctx, a, sv, "converted to a paid service");
    } else {
      if (sv.package_line_id)
        throw conflict("already_from_package", "This service is already booked from a package.", "serviceId");
      await reserveFor(tx, ctx, a, sv.item_id, to.packageLineId, toInstant(a.start_at), sv.id);
    }
    return loadAppointment(tx, a.business_id, a.id);
  });
}

/** A9: checking in; a single paid service whose customer has a valid package for it prompts. */
export async function checkIn(ctx: Ctx, id: string, db: Executor = ctx.database.db) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    if (a.status !== "booked")
      throw conflict(
        "appointment_not_booked",
        `This appointment is ${a.status.replace("_", "-")}.`,
        "appointmentId",
      );
    await tx
      .updateTable("appointments")
      .set({ status: "checked_in" })
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    const services = await servicesOf(tx, a);
    let prompt: null | { message: string; serviceId: string; packageLineId: string; packageName: string } =
      null;
    if (services.length === 1 && !services[0]!.package_line_id) {
      const sv = services[0]!;
      const packages = await loadPackages(
        tx,
        a.business_id,
        { customerId: a.customer_id },
        toInstant(a.start_at),
      );
      const candidate = packages
        .filter((p) => p.status === "active")
        .flatMap((p) =>
          p.lines.filter((l) => l.itemId === sv.item_id && l.remaining > 0).map((l) => ({ p, l })),
        )[0];
      if (candidate) {
        prompt = {
          message: `Redeem ${sv.name} from ${candidate.p.name}?`,
          serviceId: sv.id,
          packageLineId: candidate.l.id,
          packageName: candidate.p.name,
        };
      }
    }
    return { appointment: await loadAppointment(tx, a.business_id, a.id), redeemPrompt: prompt };
  });
}

/** Checkout opens the till with the appointment's services; covered ones keep their credit. */
export async function checkoutAppointment(ctx: Ctx, id: string, db: Executor = ctx.database.db) {
  authorize(ctx, "sell_package");
  return inTransaction(db, async (tx) => {
    const a = await lockAppointment(tx, ctx.actor.businessId, id);
    if (a.ticket_id) return { ticketId: a.ticket_id };
    if (a.status === "cancelled")
      throw conflict("appointment_closed", "This appointment is cancelled.", "appointmentId");
    const location = await getLocation(tx, a.business_id, a.location_id);
    const ticket = await insertTicket(tx, {
      business_id: a.business_id,
      location_id: a.location_id,
      customer_id: a.customer_id,
      currency: location.currency,
      time_zone: location.time_zone,
      opened_by: ctx.actor.staffId,
      opened_at: toDate(ctx.clock()),
      appointment_id: a.id,
    });
    const services = await servicesOf(tx, a);
    const items = await tx
      .selectFrom("items")
      .selectAll()
      .where("business_id", "=", a.business_id)
      .where(
        "id",
        "in",
        services.map((s) => s.item_id),
      )
      .execute();
    const localServiceDate = toInstant(a.start_at)
      .toZonedDateTimeISO(location.time_zone)
      .toPlainDate()
      .toString();
    for (const [position, sv] of services.entries()) {
      const item = items.find((i) => i.id === sv.item_id)!;
      await tx
        .insertInto("ticket_lines")
        .values({
          business_id: a.business_id,
          ticket_id: ticket.id,
          position,
          kind: "service",
          item_id: sv.item_id,
          name: sv.name,
          retail_price_minor: sv.price_minor,
          tax_rate_bp: item.tax_rate_bp,
          service_date: localServiceDate,
          staff_id: a.staff_id,
          appointment_service_id: sv.id,
          // A booked credit moves to the ticket line with its reservation; one already used stays used.
          coverage_mode: sv.package_line_id ? "pinned" : "auto",
          pinned_package_line_id: sv.package_line_id,
          package_line_id: sv.package_line_id,
          reservation_id: sv.consumed_movement_id ? null : sv.reservation_id,
          consumed_movement_id: sv.consumed_movement_id,
          coverage_reason: sv.package_line_id ? "covered_chosen" : null,
        })
        .execute();
    }
    await tx
      .updateTable("appointments")
      .set({ ticket_id: ticket.id })
      .where("business_id", "=", a.business_id)
      .where("id", "=", a.id)
      .execute();
    return { ticketId: ticket.id };
  });
}

/** The appointment-side bookkeeping when its ticket closes or is voided. */
export async function settleAppointmentTicket(
  tx: Transaction<DB>,
  businessId: string,
  ticketId: string,
  outcome: "closed" | "voided",
) {
  const ticket = await tx
    .selectFrom("tickets")
    .select(["appointment_id"])
    .where("business_id", "=", businessId)
    .where("id", "=", ticketId)
    .executeTakeFirst();
  if (!ticket?.appointment_id) return;
  const lines = await tx
    .selectFrom("ticket_lines")
    .select(["appointment_service_id", "package_line_id", "reservation_id", "consumed_movement_id"])
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticketId)
    .where("appointment_service_id", "is not", null)
    .execute();
  for (const l of lines) {
    await tx
      .updateTable("appointment_services")
      .set({
        package_line_id: l.package_line_id,
        reservation_id: l.reservation_id,
        consumed_movement_id: l.consumed_movement_id,
      })
      .where("business_id", "=", businessId)
      .where("id", "=", l.appointment_service_id!)
      .execute();
  }
  await tx
    .updateTable("appointments")
    .set(outcome === "closed" ? { status: "completed" } : { ticket_id: null })
    .where("business_id", "=", businessId)
    .where("id", "=", ticket.appointment_id)
    .execute();
}

export { consumeService };
