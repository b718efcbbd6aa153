// A10: the link e-mailed for an online booking request. Opening it (the confirmation page) shows
// what was asked; confirming makes the booking, checked again like freeSlots (the request held no
// slot), for the customer with that e-mail address or, when there is none, a new customer. The
// address is proven by the link having reached it, so attaching to its customer is safe now. A
// request is confirmed at most once; opening its link again shows the booking.
import { sql } from "kysely";
import { AppError } from "../domain/errors.js";
import { toDate, toInstant } from "../domain/validity.js";
import type { App, Executor } from "./context.js";
import { inTransaction } from "./context.js";
import {
  assertOfferedStart,
  type BookingRequestView,
  bookingWindow,
  bookOnline,
  loadBookingBusiness,
  offeredChoice,
  onlineCtx,
  requestView,
} from "./online-booking.js";
import { sha256 } from "./sign-in.js";

const notFoundRequest = () =>
  new AppError("not_found", "booking_request_not_found", "This booking link is not valid.");
const expiredRequest = () =>
  new AppError(
    "not_found",
    "booking_request_expired",
    "This booking link has expired and nothing was booked; please book again.",
  );

async function requestByToken(db: Executor, token: string, forUpdate: boolean) {
  let q = db.selectFrom("online_booking_requests").selectAll().where("token_hash", "=", sha256(token));
  if (forUpdate) q = q.forUpdate();
  const request = await q.executeTakeFirst();
  if (!request) throw notFoundRequest();
  return request;
}

type StoredRequest = Awaited<ReturnType<typeof requestByToken>>;

async function viewOf(db: Executor, r: StoredRequest): Promise<BookingRequestView> {
  const business = await loadBookingBusiness(db, { id: r.business_id });
  // The facts as they were asked, even if the catalog changed since: read without the offer's rules.
  const [location, item, staff] = await Promise.all([
    db
      .selectFrom("locations")
      .select(["id", "name", "time_zone", "currency", "locale"])
      .where("business_id", "=", r.business_id)
      .where("id", "=", r.location_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("items")
      .select(["id", "name", "prices", "duration_minutes"])
      .where("business_id", "=", r.business_id)
      .where("id", "=", r.item_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("staff")
      .select(["id", "name"])
      .where("business_id", "=", r.business_id)
      .where("id", "=", r.staff_id)
      .executeTakeFirstOrThrow(),
  ]);
  const choice = { location, item, staff, minutes: item.duration_minutes ?? 30 };
  return requestView(
    business,
    choice,
    {
      ...r,
      start: toInstant(r.start_at),
      expiresAt: toInstant(r.expires_at),
      language: r.language ?? business.language,
    },
    r.confirmed_at ? "confirmed" : "awaiting_confirmation",
  );
}

/** What the link asks to book; an expired, unconfirmed request answers as expired. */
export async function viewBookingRequest(app: App, token: string): Promise<BookingRequestView> {
  const db = app.database.db;
  const request = await requestByToken(db, token, false);
  if (!request.confirmed_at && request.expires_at.getTime() <= app.clock().epochMilliseconds)
    throw expiredRequest();
  return viewOf(db, request);
}

/** The customer of the business with this e-mail address (the longest known), or a new one. */
async function customerFor(tx: Executor, r: StoredRequest): Promise<string> {
  // Two requests of one new address confirmed at once make one customer, not two.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`${r.business_id}:${r.email}`}))`.execute(tx);
  const known = await tx
    .selectFrom("customers")
    .select("id")
    .where("business_id", "=", r.business_id)
    .where("email", "=", r.email)
    .orderBy("created_at")
    .orderBy("id")
    .executeTakeFirst();
  if (known) return known.id;
  const created = await tx
    .insertInto("customers")
    .values({ business_id: r.business_id, name: r.name, email: r.email, phone: r.phone })
    .returning("id")
    .executeTakeFirstOrThrow();
  return created.id;
}

/** Makes the booking a request asked for, once; opening the link again shows it. */
export async function confirmBookingRequest(app: App, token: string): Promise<BookingRequestView> {
  const now = app.clock();
  return inTransaction(app.database.db, async (tx) => {
    const request = await requestByToken(tx, token, true);
    if (request.confirmed_at) return viewOf(tx, request);
    if (request.expires_at.getTime() <= now.epochMilliseconds) throw expiredRequest();
    const business = await loadBookingBusiness(tx, { id: request.business_id });
    const choice = await offeredChoice(tx, business.id, {
      locationId: request.location_id,
      staffId: request.staff_id,
      itemId: request.item_id,
    });
    const window = bookingWindow(business, choice.location.time_zone, now, toInstant(request.created_at));
    const start = await assertOfferedStart(tx, business.id, choice, request.start_at.toISOString(), window);
    const customerId = await customerFor(tx, request);
    const appointment = await bookOnline(
      onlineCtx(app, business.id, choice.staff.id, choice.location.id),
      {
        customerId,
        staffId: choice.staff.id,
        locationId: choice.location.id,
        startAt: start.toString(),
        services: [{ itemId: choice.item.id }],
        // What the caller gave, for staff: the customer it was attached to may be named otherwise.
        notes: `Booked online as ${request.name}${request.phone ? `, ${request.phone}` : ""}; confirmed by e-mail.`,
      },
      tx,
    );
    const confirmed = await tx
      .updateTable("online_booking_requests")
      .set({ confirmed_at: toDate(now), appointment_id: appointment.id })
      .where("business_id", "=", request.business_id)
      .where("id", "=", request.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return viewOf(tx, confirmed);
  });
}
