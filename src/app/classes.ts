// Group classes paid with package credits (C1–C7). An enrolment covered by a package reserves a
// credit; it is used when a ticket is generated for an in-store booking (even open) or closed for an
// online one, or when the session ends (C6); the end-of-session sweep also applies packages bought
// after enrolment (C5) and skips no-shows, cancellations and enrolments already on a ticket (C4).
import type { Transaction } from "kysely";
import { Temporal } from "temporal-polyfill";
import type { DB } from "../db/schema.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { chooseLineFifo } from "../domain/fifo.js";
import { parseInstant, toDate, toInstant } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { actorStaffId, authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { classCancelledMail } from "./customer-mails.js";
import { candidateLine, getBusiness, getCustomer, getLocation } from "./lookups.js";
import { customerLanguage, mailWords } from "./mail-words.js";
import { createCustomer } from "./manage-customers.js";
import { enqueueMail } from "./outbox.js";
import { cursorOf, limitOf, type Page, type PageQuery, pageOf } from "./pages.js";
import { insertTicket } from "./ticket-numbers.js";
import { restoreUnlessRefunded, writeMovement } from "./write-movement.js";

export type PaymentState = "package_used" | "available_in_package" | "paid" | "price";

export interface RosterEntry {
  id: string;
  customer: { id: string; name: string };
  channel: "in_store" | "online";
  status: "enrolled" | "cancelled" | "no_show";
  review: string | null;
  payment: {
    state: PaymentState;
    label: string;
    priceMinor: number;
    packageName: string | null;
    sessions: string | null;
    /** The package line paying for it, with its counters now (cached in the statement that wrote
     *  each movement, proved equal to the ledger by `carnet verify`). */
    package: null | {
      packageId: string;
      lineId: string;
      total: number;
      used: number;
      booked: number;
      remaining: number;
    };
  };
  ticketId: string | null;
}

export interface SessionView {
  id: string;
  locationId: string;
  itemId: string;
  name: string;
  instructor: { id: string; name: string };
  startAt: string;
  endAt: string;
  capacity: number;
  enrolled: number;
  status: "scheduled" | "cancelled";
  currency: string;
  priceMinor: number;
  roster: RosterEntry[];
}

function paymentOf(
  e: { consumed_movement_id: string | null; reservation_id: string | null; ticket_status: string | null },
  price: number,
  currency: string,
) {
  if (e.consumed_movement_id) return { state: "package_used" as const, label: "Package Used" };
  if (e.reservation_id) return { state: "available_in_package" as const, label: "Available in Package" };
  if (e.ticket_status === "closed") return { state: "paid" as const, label: "Paid" };
  return { state: "price" as const, label: `${price / 100} ${currency}` };
}

export interface SessionFilter {
  locationId?: string | undefined;
  from?: Date;
  to?: Date;
  staffId?: string | undefined;
}

/**
 * W2: the class schedule, a page at a time, in start order (then id, so that the order is total
 * and a cursor names one place in it).
 */
export async function listSessions(
  db: Executor,
  businessId: string,
  query: SessionFilter & PageQuery,
): Promise<Page<SessionView>> {
  const limit = limitOf(query);
  const after = cursorOf(query, ["instant", "uuid"] as const);
  const rows = await loadSessions(db, businessId, { ...query, after, take: limit + 1 });
  return pageOf(
    rows,
    limit,
    (s) => [s.startAt, s.id],
    (s) => s,
  );
}

export async function loadSessions(
  db: Executor,
  businessId: string,
  filter: SessionFilter & {
    ids?: string[];
    withRoster?: boolean;
    /** W2: only sessions after this (start, id) in the list's order */
    after?: readonly [Date, string] | null;
    take?: number;
  },
): Promise<SessionView[]> {
  let q = db
    .selectFrom("class_sessions as s")
    .innerJoin("items as i", (j) =>
      j.onRef("i.business_id", "=", "s.business_id").onRef("i.id", "=", "s.item_id"),
    )
    .innerJoin("staff as st", (j) =>
      j.onRef("st.business_id", "=", "s.business_id").onRef("st.id", "=", "s.instructor_id"),
    )
    .innerJoin("locations as loc", (j) =>
      j.onRef("loc.business_id", "=", "s.business_id").onRef("loc.id", "=", "s.location_id"),
    )
    .selectAll("s")
    .select(["i.name", "i.prices", "st.name as instructor_name", "loc.currency"])
    .where("s.business_id", "=", businessId);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where("s.id", "in", filter.ids);
  }
  if (filter.locationId) q = q.where("s.location_id", "=", filter.locationId);
  if (filter.staffId) q = q.where("s.instructor_id", "=", filter.staffId);
  if (filter.from) q = q.where("s.end_at", ">", filter.from);
  if (filter.to) q = q.where("s.start_at", "<", filter.to);
  const after = filter.after;
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("s.start_at", "s.id"), ">", tuple(after[0], after[1])),
    );
  const sessions = await q
    .orderBy("s.start_at")
    .orderBy("s.id")
    .limit(filter.take ?? 500)
    .execute();
  if (sessions.length === 0) return [];
  const enrolments = await db
    .selectFrom("class_enrolments as e")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.business_id", "=", "e.business_id").onRef("c.id", "=", "e.customer_id"),
    )
    .leftJoin("tickets as t", (j) =>
      j.onRef("t.business_id", "=", "e.business_id").onRef("t.id", "=", "e.ticket_id"),
    )
    .leftJoin("package_lines as pl", (j) =>
      j.onRef("pl.business_id", "=", "e.business_id").onRef("pl.id", "=", "e.package_line_id"),
    )
    .leftJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
    )
    .leftJoin("movements as m", (j) =>
      j
        .onRef("m.business_id", "=", "e.business_id")
        .on((eb) => eb("m.id", "=", eb.fn.coalesce("e.consumed_movement_id", "e.reservation_id"))),
    )
    .selectAll("e")
    .select([
      "c.name as customer_name",
      "t.status as ticket_status",
      "p.name as package_name",
      "pl.package_id",
      "pl.total as line_total",
      "pl.used as line_used",
      "pl.booked as line_booked",
      "m.total_after",
      "m.used_after",
      "m.booked_after",
    ])
    .where("e.business_id", "=", businessId)
    .where(
      "e.session_id",
      "in",
      sessions.map((s) => s.id),
    )
    .orderBy("e.created_at")
    .execute();
  return sessions.map((s) => {
    const price = s.prices[s.currency] ?? 0;
    const own = enrolments.filter((e) => e.session_id === s.id);
    return {
      id: s.id,
      locationId: s.location_id,
      itemId: s.item_id,
      name: s.name,
      instructor: { id: s.instructor_id, name: s.instructor_name },
      startAt: s.start_at.toISOString(),
      endAt: s.end_at.toISOString(),
      capacity: s.capacity,
      enrolled: own.filter((e) => e.status !== "cancelled").length,
      status: s.status,
      currency: s.currency,
      priceMinor: price,
      roster:
        filter.withRoster === false
          ? []
          : own.map((e) => {
              const pay = paymentOf(e, price, s.currency);
              return {
                id: e.id,
                customer: { id: e.customer_id, name: e.customer_name },
                channel: e.channel,
                status: e.status,
                review: e.review,
                ticketId: e.ticket_id,
                payment: {
                  ...pay,
                  priceMinor: price,
                  packageName: e.package_name,
                  sessions:
                    e.total_after !== null ? `${e.used_after! + e.booked_after!}/${e.total_after}` : null,
                  package:
                    e.package_line_id && e.package_id
                      ? {
                          packageId: e.package_id,
                          lineId: e.package_line_id,
                          total: e.line_total!,
                          used: e.line_used!,
                          booked: e.line_booked!,
                          remaining: e.line_total! - e.line_used! - e.line_booked!,
                        }
                      : null,
                },
              };
            }),
    };
  });
}

export async function loadSession(db: Executor, businessId: string, id: string) {
  const [view] = await loadSessions(db, businessId, { ids: [id] });
  if (!view) throw notFound("class_session", "sessionId");
  return view;
}

export async function createSession(
  ctx: Ctx,
  input: {
    locationId?: string | undefined;
    itemId: string;
    instructorId: string;
    startAt: string;
    endAt?: string | undefined;
    capacity: number;
  },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_catalog");
  const businessId = ctx.actor.businessId;
  return inTransaction(db, async (tx) => {
    const location = await getLocation(tx, businessId, input.locationId ?? ctx.actor.locationId);
    const item = await tx
      .selectFrom("items")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("id", "=", input.itemId)
      .executeTakeFirst();
    if (!item) throw notFound("item", "itemId");
    if (item.kind !== "class_type")
      throw invalid("not_a_class_type", `${item.name} is not a class type.`, "itemId");
    // O3: an archived class type gets no new sessions; those already scheduled still run.
    if (!item.active) throw conflict("item_inactive", `${item.name} is no longer offered.`, "itemId");
    const instructor = await tx
      .selectFrom("staff")
      .select("id")
      .where("business_id", "=", businessId)
      .where("id", "=", input.instructorId)
      .executeTakeFirst();
    if (!instructor) throw notFound("staff", "instructorId");
    const start = parseInstant(input.startAt, "startAt");
    const end = input.endAt
      ? parseInstant(input.endAt, "endAt")
      : start.add({ minutes: item.duration_minutes ?? 60 });
    if (Temporal.Instant.compare(end, start) <= 0)
      throw invalid("end_before_start", "The end must be after the start.", "endAt");
    const row = await tx
      .insertInto("class_sessions")
      .values({
        business_id: businessId,
        location_id: location.id,
        item_id: item.id,
        instructor_id: input.instructorId,
        start_at: toDate(start),
        end_at: toDate(end),
        capacity: input.capacity,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return loadSession(tx, businessId, row.id);
  });
}

async function lockSession(tx: Transaction<DB>, businessId: string, id: string) {
  const s = await tx
    .selectFrom("class_sessions")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw notFound("class_session", "sessionId");
  return s;
}

/** The FIFO package line that can pay for this class at `at`, or null. */
async function eligibleLine(
  tx: Executor,
  businessId: string,
  customerId: string,
  itemId: string,
  locationId: string,
  at: Temporal.Instant,
) {
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
    .where("l.business_id", "=", businessId)
    .where("l.customer_id", "=", customerId)
    .where("l.item_id", "=", itemId)
    .where("l.refunded", "=", false)
    .execute();
  return chooseLineFifo(rows.map(candidateLine), itemId, {
    kind: "reserve",
    quantity: 1,
    serviceAt: at,
    locationId,
  });
}

export async function enrol(
  ctx: Ctx,
  sessionId: string,
  input: {
    customerId?: string | undefined;
    newCustomer?:
      | { name: string; email?: string | null | undefined; phone?: string | null | undefined }
      | undefined;
    channel?: "in_store" | "online" | undefined;
    usePackage?: boolean | undefined;
  },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "redeem");
  const businessId = ctx.actor.businessId;
  return inTransaction(db, async (tx) => {
    const session = await lockSession(tx, businessId, sessionId);
    if (session.status === "cancelled")
      throw conflict("class_session_cancelled", "This class was cancelled.", "sessionId");
    const taken = await tx
      .selectFrom("class_enrolments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("business_id", "=", businessId)
      .where("session_id", "=", session.id)
      .where("status", "!=", "cancelled")
      .executeTakeFirstOrThrow();
    if (Number(taken.n) >= session.capacity) throw conflict("class_full", "This class is full.", "sessionId");
    let customerId = input.customerId;
    if (!customerId) {
      if (!input.newCustomer)
        throw invalid("customer_required", "Choose a customer or add a new one.", "customerId");
      customerId = (await createCustomer(ctx, input.newCustomer, tx)).id;
    } else await getCustomer(tx, businessId, customerId);
    const already = await tx
      .selectFrom("class_enrolments")
      .select("id")
      .where("business_id", "=", businessId)
      .where("session_id", "=", session.id)
      .where("customer_id", "=", customerId)
      .where("status", "!=", "cancelled")
      .executeTakeFirst();
    if (already) throw conflict("already_enrolled", "This customer is already on the roster.", "customerId");
    const enrolment = await tx
      .insertInto("class_enrolments")
      .values({
        business_id: businessId,
        session_id: session.id,
        customer_id: customerId,
        channel: input.channel ?? "in_store",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.usePackage !== false) {
      const line = await eligibleLine(
        tx,
        businessId,
        customerId,
        session.item_id,
        session.location_id,
        toInstant(session.start_at),
      );
      if (line) {
        const reserved = await writeMovement(tx, {
          businessId,
          lineId: line.lineId,
          kind: "reserve",
          quantity: 1,
          at: ctx.clock(),
          serviceAt: toInstant(session.start_at),
          locationId: session.location_id,
          actorStaffId: actorStaffId(ctx),
          classEnrolmentId: enrolment.id,
          activity: { action: "enrol", details: { sessionId: session.id } },
        });
        await tx
          .updateTable("class_enrolments")
          .set({ package_line_id: line.lineId, reservation_id: reserved.id })
          .where("business_id", "=", businessId)
          .where("id", "=", enrolment.id)
          .execute();
      }
    }
    return loadSession(tx, businessId, session.id);
  });
}

async function lockEnrolment(tx: Transaction<DB>, businessId: string, id: string) {
  const e = await tx
    .selectFrom("class_enrolments")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!e) throw notFound("class_enrolment", "enrolmentId");
  return e;
}

/** Give an enrolment's credit back: release a reservation, restore a used credit. */
async function giveBack(
  tx: Transaction<DB>,
  ctx: { clock: () => Temporal.Instant; actorStaffId: string | null },
  e: EnrolmentRow,
  locationId: string,
  reason: string,
) {
  if (!e.package_line_id) return false;
  if (e.consumed_movement_id) {
    // A refunded package takes nothing back: the credit stays used, and the enrolment keeps it.
    const restored = await restoreUnlessRefunded(tx, {
      businessId: e.business_id,
      lineId: e.package_line_id,
      quantity: 1,
      at: ctx.clock(),
      locationId,
      actorStaffId: ctx.actorStaffId,
      reversesId: e.consumed_movement_id,
      classEnrolmentId: e.id,
      reason,
      activity: null,
    });
    if (!restored) return false;
  } else if (e.reservation_id) {
    await writeMovement(tx, {
      businessId: e.business_id,
      lineId: e.package_line_id,
      kind: "release",
      quantity: 1,
      at: ctx.clock(),
      locationId,
      actorStaffId: ctx.actorStaffId,
      reservationId: e.reservation_id,
      classEnrolmentId: e.id,
      reason,
      activity: null,
    });
  } else return false;
  await tx
    .updateTable("class_enrolments")
    .set({ package_line_id: null, reservation_id: null, consumed_movement_id: null })
    .where("business_id", "=", e.business_id)
    .where("id", "=", e.id)
    .execute();
  return true;
}

type EnrolmentRow = Awaited<ReturnType<typeof lockEnrolment>>;

async function consumeEnrolmentCredit(
  tx: Transaction<DB>,
  ctx: { clock: () => Temporal.Instant; actorStaffId: string | null },
  e: EnrolmentRow,
  locationId: string,
  reason: string,
) {
  const consumed = await writeMovement(tx, {
    businessId: e.business_id,
    lineId: e.package_line_id!,
    kind: "consume",
    quantity: 1,
    at: ctx.clock(),
    locationId,
    actorStaffId: ctx.actorStaffId,
    reservationId: e.reservation_id,
    classEnrolmentId: e.id,
    reason,
    activity: null,
    webhook: "class.enrolment.consumed",
  });
  await tx
    .updateTable("class_enrolments")
    .set({ consumed_movement_id: consumed.id })
    .where("business_id", "=", e.business_id)
    .where("id", "=", e.id)
    .execute();
  return consumed.id;
}

/** C7: an attendee cancels: the credit is released. */
export async function cancelEnrolment(ctx: Ctx, enrolmentId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const e = await lockEnrolment(tx, ctx.actor.businessId, enrolmentId);
    if (e.status === "cancelled")
      throw conflict("enrolment_cancelled", "This enrolment is already cancelled.", "enrolmentId");
    if (e.ticket_id)
      throw conflict(
        "enrolment_on_ticket",
        "This enrolment is on a ticket: void or refund the ticket.",
        "enrolmentId",
      );
    const session = await lockSession(tx, e.business_id, e.session_id);
    await giveBack(
      tx,
      { clock: ctx.clock, actorStaffId: actorStaffId(ctx) },
      e,
      session.location_id,
      "enrolment cancelled",
    );
    await tx
      .updateTable("class_enrolments")
      .set({ status: "cancelled", cancelled_at: toDate(ctx.clock()) })
      .where("business_id", "=", e.business_id)
      .where("id", "=", e.id)
      .execute();
    await logActivity(tx, {
      businessId: e.business_id,
      at: ctx.clock(),
      actorStaffId: actorStaffId(ctx),
      locationId: session.location_id,
      action: "cancel",
      customerId: e.customer_id,
      details: { sessionId: session.id, enrolmentId: e.id },
    });
    return loadSession(tx, e.business_id, session.id);
  });
}

/** A no-show follows the class no-show policy; by default it waits for staff review (C4). */
export async function markEnrolmentNoShow(ctx: Ctx, enrolmentId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const e = await lockEnrolment(tx, ctx.actor.businessId, enrolmentId);
    if (e.status !== "enrolled")
      throw conflict(
        "enrolment_not_active",
        `This enrolment is ${e.status.replace("_", "-")}.`,
        "enrolmentId",
      );
    const session = await lockSession(tx, e.business_id, e.session_id);
    const business = await getBusiness(tx, e.business_id);
    const policy = business.class_no_show_policy;
    const held = e.reservation_id && !e.consumed_movement_id;
    const by = { clock: ctx.clock, actorStaffId: actorStaffId(ctx) };
    if (held && policy === "consume") await consumeEnrolmentCredit(tx, by, e, session.location_id, "no-show");
    if (held && policy === "release") await giveBack(tx, by, e, session.location_id, "no-show");
    await tx
      .updateTable("class_enrolments")
      .set({ status: "no_show", review: held && policy === "review" ? "pending" : null })
      .where("business_id", "=", e.business_id)
      .where("id", "=", e.id)
      .execute();
    await logActivity(tx, {
      businessId: e.business_id,
      at: ctx.clock(),
      actorStaffId: actorStaffId(ctx),
      locationId: session.location_id,
      action: "no_show",
      customerId: e.customer_id,
      details: { sessionId: session.id, policy },
    });
    return loadSession(tx, e.business_id, session.id);
  });
}

/** The review list: no-shows whose credit waits for a decision. */
export async function reviewList(ctx: Ctx) {
  authorize(ctx, "read");
  const rows = await ctx.database.db
    .selectFrom("class_enrolments as e")
    .innerJoin("class_sessions as s", (j) =>
      j.onRef("s.business_id", "=", "e.business_id").onRef("s.id", "=", "e.session_id"),
    )
    .innerJoin("items as i", (j) =>
      j.onRef("i.business_id", "=", "s.business_id").onRef("i.id", "=", "s.item_id"),
    )
    .innerJoin("customers as c", (j) =>
      j.onRef("c.business_id", "=", "e.business_id").onRef("c.id", "=", "e.customer_id"),
    )
    .innerJoin("locations as loc", (j) =>
      j.onRef("loc.business_id", "=", "s.business_id").onRef("loc.id", "=", "s.location_id"),
    )
    .select([
      "e.id",
      "e.session_id",
      "c.name as customer_name",
      "i.name as class_name",
      "s.start_at",
      "s.location_id",
      "loc.time_zone",
    ])
    .where("e.business_id", "=", ctx.actor.businessId)
    .where("e.review", "=", "pending")
    .orderBy("s.start_at")
    .execute();
  return rows.map((r) => ({
    enrolmentId: r.id,
    sessionId: r.session_id,
    customerName: r.customer_name,
    className: r.class_name,
    startAt: r.start_at.toISOString(),
    locationId: r.location_id,
    timeZone: r.time_zone,
  }));
}

export async function resolveReview(
  ctx: Ctx,
  enrolmentId: string,
  decision: "consume" | "release",
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "redeem");
  return inTransaction(db, async (tx) => {
    const e = await lockEnrolment(tx, ctx.actor.businessId, enrolmentId);
    if (e.review !== "pending")
      throw conflict("nothing_to_review", "This no-show is not waiting for a decision.", "enrolmentId");
    const session = await lockSession(tx, e.business_id, e.session_id);
    const by = { clock: ctx.clock, actorStaffId: actorStaffId(ctx) };
    if (decision === "consume")
      await consumeEnrolmentCredit(tx, by, e, session.location_id, "no-show reviewed: used");
    else await giveBack(tx, by, e, session.location_id, "no-show reviewed: released");
    await tx
      .updateTable("class_enrolments")
      .set({ review: decision === "consume" ? "consumed" : "released" })
      .where("business_id", "=", e.business_id)
      .where("id", "=", e.id)
      .execute();
    return loadSession(tx, e.business_id, session.id);
  });
}

/** C7: the business cancels a session: every credit comes back and attendees are told by e-mail. */
export async function cancelSession(
  ctx: Ctx,
  sessionId: string,
  reason: string | undefined,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_catalog");
  return inTransaction(db, async (tx) => {
    const session = await lockSession(tx, ctx.actor.businessId, sessionId);
    if (session.status === "cancelled")
      throw conflict("class_session_cancelled", "This class is already cancelled.", "sessionId");
    const enrolments = await tx
      .selectFrom("class_enrolments")
      .selectAll()
      .where("business_id", "=", session.business_id)
      .where("session_id", "=", session.id)
      .where("status", "!=", "cancelled")
      .orderBy("id")
      .forUpdate()
      .execute();
    const view = await loadSession(tx, session.business_id, session.id);
    const business = await getBusiness(tx, session.business_id);
    const location = await getLocation(tx, session.business_id, session.location_id);
    const startAt = session.start_at;
    for (const e of enrolments) {
      const restored = await giveBack(
        tx,
        { clock: ctx.clock, actorStaffId: actorStaffId(ctx) },
        e,
        session.location_id,
        "class cancelled by the business",
      );
      const customer = await tx
        .selectFrom("customers")
        .select(["name", "email", "language"])
        .where("business_id", "=", e.business_id)
        .where("id", "=", e.customer_id)
        .executeTakeFirstOrThrow();
      if (customer.email) {
        await enqueueMail(tx, {
          businessId: e.business_id,
          dedupeKey: `class-cancelled:${session.id}:${e.id}`,
          to: customer.email,
          at: ctx.clock(),
          ...classCancelledMail(
            mailWords(customerLanguage(customer, business), location.locale),
            { className: view.name, startAt, timeZone: location.time_zone, reason, restored },
            customer.name,
            business.name,
          ),
        });
      }
    }
    await tx
      .updateTable("class_sessions")
      .set({ status: "cancelled", cancelled_at: toDate(ctx.clock()) })
      .where("business_id", "=", session.business_id)
      .where("id", "=", session.id)
      .execute();
    await logActivity(tx, {
      businessId: session.business_id,
      at: ctx.clock(),
      actorStaffId: actorStaffId(ctx),
      locationId: session.location_id,
      action: "cancel_class",
      reason: reason ?? null,
      details: { sessionId: session.id, attendees: enrolments.length },
    });
    return loadSession(tx, session.business_id, session.id);
  });
}

/** C2, C6: "Available in Package" opens a ticket covered by the package. An in-store booking counts
 *  as used as soon as its ticket exists; an online one when the ticket closes. */
export async function checkoutEnrolment(ctx: Ctx, enrolmentId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "sell_package");
  return inTransaction(db, async (tx) => {
    const e = await lockEnrolment(tx, ctx.actor.businessId, enrolmentId);
    if (e.ticket_id) return { ticketId: e.ticket_id };
    if (e.status !== "enrolled")
      throw conflict(
        "enrolment_not_active",
        `This enrolment is ${e.status.replace("_", "-")}.`,
        "enrolmentId",
      );
    const session = await lockSession(tx, e.business_id, e.session_id);
    const location = await getLocation(tx, e.business_id, session.location_id);
    const item = await tx
      .selectFrom("items")
      .selectAll()
      .where("business_id", "=", e.business_id)
      .where("id", "=", session.item_id)
      .executeTakeFirstOrThrow();
    let consumedId = e.consumed_movement_id;
    if (e.reservation_id && !consumedId && e.channel === "in_store") {
      consumedId = await consumeEnrolmentCredit(
        tx,
        { clock: ctx.clock, actorStaffId: ctx.actor.staffId },
        e,
        session.location_id,
        "ticket generated for an in-store class booking",
      );
    }
    const ticket = await insertTicket(tx, {
      business_id: e.business_id,
      location_id: session.location_id,
      customer_id: e.customer_id,
      currency: location.currency,
      time_zone: location.time_zone,
      opened_by: ctx.actor.staffId,
      opened_at: toDate(ctx.clock()),
    });
    await tx
      .insertInto("ticket_lines")
      .values({
        business_id: e.business_id,
        ticket_id: ticket.id,
        position: 0,
        kind: "class_type",
        item_id: item.id,
        name: item.name,
        retail_price_minor: item.prices[location.currency] ?? 0,
        tax_rate_bp: item.tax_rate_bp,
        sell_to_clients: item.sell_to_clients,
        commission_eligible: item.commission_eligible,
        service_date: toInstant(session.start_at)
          .toZonedDateTimeISO(location.time_zone)
          .toPlainDate()
          .toString(),
        staff_id: session.instructor_id,
        class_enrolment_id: e.id,
        coverage_mode: e.package_line_id ? "pinned" : "auto",
        pinned_package_line_id: e.package_line_id,
        package_line_id: e.package_line_id,
        reservation_id: consumedId ? null : e.reservation_id,
        consumed_movement_id: consumedId,
        coverage_reason: e.package_line_id ? "covered_chosen" : null,
      })
      .execute();
    await tx
      .updateTable("class_enrolments")
      .set({ ticket_id: ticket.id })
      .where("business_id", "=", e.business_id)
      .where("id", "=", e.id)
      .execute();
    return { ticketId: ticket.id };
  });
}

/** The class-side bookkeeping when a ticket with class lines closes or is voided. */
export async function settleClassTicket(
  tx: Transaction<DB>,
  businessId: string,
  ticketId: string,
  outcome: "closed" | "voided",
) {
  const lines = await tx
    .selectFrom("ticket_lines")
    .select(["class_enrolment_id", "package_line_id", "reservation_id", "consumed_movement_id"])
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticketId)
    .where("class_enrolment_id", "is not", null)
    .execute();
  for (const l of lines) {
    await tx
      .updateTable("class_enrolments")
      .set({
        package_line_id: l.package_line_id,
        reservation_id: l.reservation_id,
        consumed_movement_id: l.consumed_movement_id,
        ...(outcome === "voided" ? { ticket_id: null } : {}),
      })
      .where("business_id", "=", businessId)
      .where("id", "=", l.class_enrolment_id!)
      .execute();
  }
}
