// A10: online booking. The anonymous public page books paid services into the free slots it
// offers: a slot of the staff member's working hours at the location, within the location's opening
// hours (O2, src/domain/working-hours.ts), inside the business's booking window (a minimum notice, a
// number of days ahead), with a staff member who performs services, for an active service, that
// nobody else holds. A request does not book: it e-mails a link to the address given, and the
// booking is made when that link is opened (confirm-online-booking.ts), so an e-mail address
// neither reveals nor takes over a customer. Requests are rate-limited per client address and per
// e-mail address. Booking from a package online happens only through the customer's own balance
// link (R4), only when the package's template allows it, and into the same free slots. An online
// single booking can still be redeemed from a package at checkout (the till covers it).
import { Temporal } from "temporal-polyfill";
import type { Business } from "../db/schema.js";
import { AppError, conflict, invalid, notFound } from "../domain/errors.js";
import { parseInstant, parseLocalDate, toDate } from "../domain/validity.js";
import { bookableIntervals, slotStarts } from "../domain/working-hours.js";
import { type AppointmentView, bookAppointment } from "./appointments.js";
import { type App, type Ctx, type Executor, inTransaction } from "./context.js";
import { balanceLinkHolder } from "./customer-balance.js";
import { bookingConfirmationMail } from "./customer-mails.js";
import { mailWords } from "./mail-words.js";
import { enqueueMail } from "./outbox.js";
import {
  BOOKING_REQUESTS_PER_ADDRESS,
  BOOKING_REQUESTS_PER_EMAIL,
  countPublicRequest,
  forgetOldCounts,
} from "./public-rate-limits.js";
import { newSecret, sha256 } from "./sign-in.js";
import { loadBookingHours } from "./staff/working-hours.js";

/** Roles that perform services: the public page offers these staff members and no one else. */
export const BOOKABLE_ROLES = ["practitioner", "manager", "owner"] as const;
const SLOT_MINUTES = 30;
const DEFAULT_SERVICE_MINUTES = 30;
/** how long the e-mailed link books; the slot is not held meanwhile */
export const CONFIRMATION_LINK_MINUTES = 60;
/** requests (confirmed or not) are forgotten this long after their link ended */
const REQUEST_MEMORY_DAYS = 7;

type BookingBusiness = Pick<
  Business,
  "id" | "name" | "slug" | "online_booking_days_ahead" | "online_booking_min_notice_minutes" | "language"
>;

export async function loadBookingBusiness(db: Executor, where: { slug: string } | { id: string }) {
  let q = db
    .selectFrom("businesses")
    .select([
      "id",
      "name",
      "slug",
      "online_booking_days_ahead",
      "online_booking_min_notice_minutes",
      "language",
    ]);
  q = "slug" in where ? q.where("slug", "=", where.slug) : q.where("id", "=", where.id);
  const business = await q.executeTakeFirst();
  if (!business) throw notFound("business", "slug");
  return business;
}

/** What the public page offers: locations, bookable services with prices, staff, the window. */
export async function publicCatalog(app: App, slug: string) {
  const db = app.database.db;
  const business = await loadBookingBusiness(db, { slug });
  const [locations, services, staff] = await Promise.all([
    db
      .selectFrom("locations")
      .select(["id", "name", "time_zone", "currency"])
      .where("business_id", "=", business.id)
      .orderBy("name")
      .execute(),
    db
      .selectFrom("items")
      .select(["id", "name", "prices", "duration_minutes"])
      .where("business_id", "=", business.id)
      .where("kind", "=", "service")
      .where("active", "=", true)
      .orderBy("name")
      .execute(),
    db
      .selectFrom("staff")
      .select(["id", "name"])
      .where("business_id", "=", business.id)
      .where("active", "=", true)
      .where("role", "in", BOOKABLE_ROLES)
      .orderBy("name")
      .execute(),
  ]);
  return {
    name: business.name,
    bookingWindow: {
      daysAhead: business.online_booking_days_ahead,
      minNoticeMinutes: business.online_booking_min_notice_minutes,
    },
    locations: locations.map((l) => ({
      id: l.id,
      name: l.name,
      timeZone: l.time_zone,
      currency: l.currency,
    })),
    services: services.map((s) => ({
      id: s.id,
      name: s.name,
      prices: s.prices,
      durationMinutes: s.duration_minutes ?? DEFAULT_SERVICE_MINUTES,
    })),
    staff: staff.map((s) => ({ id: s.id, name: s.name })),
  };
}

export interface SlotChoice {
  locationId: string;
  staffId: string;
  itemId: string;
}

/**
 * The location, service and staff member of a choice, as the public catalog offers them, with the
 * hours in which the staff member may be booked there.
 */
export async function offeredChoice(db: Executor, businessId: string, q: SlotChoice, itemField = "itemId") {
  const [location, item, staff] = await Promise.all([
    db
      .selectFrom("locations")
      .select(["id", "name", "time_zone", "currency", "locale"])
      .where("business_id", "=", businessId)
      .where("id", "=", q.locationId)
      .executeTakeFirst(),
    db
      .selectFrom("items")
      .select(["id", "name", "prices", "duration_minutes"])
      .where("business_id", "=", businessId)
      .where("id", "=", q.itemId)
      .where("kind", "=", "service")
      .where("active", "=", true)
      .executeTakeFirst(),
    db
      .selectFrom("staff")
      .select(["id", "name"])
      .where("business_id", "=", businessId)
      .where("id", "=", q.staffId)
      .where("active", "=", true)
      .where("role", "in", BOOKABLE_ROLES)
      .executeTakeFirst(),
  ]);
  if (!location) throw notFound("location", "locationId");
  if (!item) throw notFound("item", itemField);
  if (!staff) throw notFound("staff", "staffId");
  const hours = await loadBookingHours(db, businessId, staff.id, location.id);
  return { location, item, staff, hours, minutes: item.duration_minutes ?? DEFAULT_SERVICE_MINUTES };
}

export type Choice = Awaited<ReturnType<typeof offeredChoice>>;

/**
 * The business's online booking window for a request asked at `askedAt`, judged at `now`: a start
 * must be after now and at least the minimum notice after the request, on a local date no later
 * than the window's last. A request confirmed later is judged by when it was asked.
 */
export interface BookingWindow {
  now: Temporal.Instant;
  noticeEnd: Temporal.Instant;
  lastDate: Temporal.PlainDate;
}

export function bookingWindow(
  business: BookingBusiness,
  zone: string,
  now: Temporal.Instant,
  askedAt: Temporal.Instant = now,
): BookingWindow {
  return {
    now,
    noticeEnd: askedAt.add({ minutes: business.online_booking_min_notice_minutes }),
    lastDate: askedAt
      .toZonedDateTimeISO(zone)
      .toPlainDate()
      .add({ days: business.online_booking_days_ahead }),
  };
}

/**
 * The staff member's bookable hours at the location on a local date, cut into slot steps that fit
 * the service: nothing outside their working hours, nor outside the location's opening hours.
 */
function slotGrid(date: Temporal.PlainDate, choice: Choice): Temporal.Instant[] {
  const intervals = bookableIntervals(choice.hours, date.dayOfWeek);
  return slotStarts(date, choice.location.time_zone, intervals, choice.minutes, SLOT_MINUTES);
}

/** The free starts of a local date: the grid, inside the window, clear of the staff member's bookings. */
async function freeStarts(
  db: Executor,
  businessId: string,
  choice: Choice,
  date: Temporal.PlainDate,
  window: BookingWindow,
): Promise<Temporal.Instant[]> {
  if (Temporal.PlainDate.compare(date, window.lastDate) > 0) return [];
  const grid = slotGrid(date, choice).filter(
    (t) => Temporal.Instant.compare(t, window.now) > 0 && Temporal.Instant.compare(t, window.noticeEnd) >= 0,
  );
  if (grid.length === 0) return [];
  const first = grid[0]!;
  const last = grid[grid.length - 1]!.add({ minutes: choice.minutes });
  const busy = await db
    .selectFrom("appointments")
    .select(["start_at", "end_at"])
    .where("business_id", "=", businessId)
    .where("staff_id", "=", choice.staff.id)
    .where("status", "in", ["booked", "checked_in"])
    .where("start_at", "<", toDate(last))
    .where("end_at", ">", toDate(first))
    .execute();
  return grid.filter((t) => {
    const start = t.epochMilliseconds;
    const end = start + choice.minutes * 60_000;
    return !busy.some((b) => b.start_at.getTime() < end && b.end_at.getTime() > start);
  });
}

/** Free start times of one staff member on a local date, for a service of the given length. */
export async function freeSlots(app: App, slug: string, q: SlotChoice & { date: string }) {
  const db = app.database.db;
  const business = await loadBookingBusiness(db, { slug });
  const choice = await offeredChoice(db, business.id, q);
  const date = parseLocalDate(q.date, "date");
  const window = bookingWindow(business, choice.location.time_zone, app.clock());
  return (await freeStarts(db, business.id, choice, date, window)).map((t) => t.toString());
}

/**
 * The start, if it is one that freeSlots offers for this choice; otherwise the refusal says why,
 * checked in this order: in the past, inside the minimum notice, beyond the window, not a slot of
 * the opening hours, taken. The last word is freeSlots' own list: a start it does not offer is
 * never accepted, whatever the reason.
 */
export async function assertOfferedStart(
  db: Executor,
  businessId: string,
  choice: Choice,
  startAt: string,
  window: BookingWindow,
): Promise<Temporal.Instant> {
  const start = parseInstant(startAt, "startAt");
  const zone = choice.location.time_zone;
  if (Temporal.Instant.compare(start, window.now) <= 0)
    throw invalid("start_in_past", "This time has already passed; choose a later one.", "startAt");
  if (Temporal.Instant.compare(start, window.noticeEnd) < 0)
    throw invalid("start_too_soon", "This time is too soon to book online; choose a later one.", "startAt");
  const date = start.toZonedDateTimeISO(zone).toPlainDate();
  if (Temporal.PlainDate.compare(date, window.lastDate) > 0)
    throw invalid(
      "start_beyond_booking_window",
      `Online bookings are open up to ${window.lastDate.toString()}; choose an earlier day.`,
      "startAt",
    );
  const same = (t: Temporal.Instant) => t.equals(start);
  if (!slotGrid(date, choice).some(same))
    throw invalid("slot_not_offered", "This is not one of the times offered; choose one of them.", "startAt");
  if (!(await freeStarts(db, businessId, choice, date, window)).some(same)) throw slotTaken();
  return start;
}

export const slotTaken = () =>
  conflict("slot_taken", "This time has just been booked; choose another one.", "startAt");

export function onlineCtx(app: App, businessId: string, staffId: string, locationId: string): Ctx {
  return { ...app, actor: { businessId, staffId, role: "front_desk", locationId, online: true } };
}

/** Books as the customer acting online; the staff member's calendar decides, under its lock. */
export async function bookOnline(
  ctx: Ctx,
  input: Parameters<typeof bookAppointment>[1],
  db: Executor,
): Promise<AppointmentView> {
  try {
    return await bookAppointment(ctx, { ...input, channel: "online" }, db);
  } catch (error) {
    // Between the check and the staff member's lock another booking took the time.
    if (error instanceof AppError && error.code === "staff_overlap") throw slotTaken();
    throw error;
  }
}

export interface BookingRequestInput extends SlotChoice {
  startAt: string;
  name: string;
  email: string;
  phone?: string | undefined;
}

/** What the caller sent, and the booking's own facts: nothing from a stored customer. */
export interface BookingRequestView {
  status: "awaiting_confirmation" | "confirmed";
  businessName: string;
  name: string;
  email: string;
  phone: string | null;
  service: { id: string; name: string; durationMinutes: number; priceMinor: number; currency: string };
  staff: { id: string; name: string };
  location: { id: string; name: string; timeZone: string; locale: string };
  startAt: string;
  endAt: string;
  confirmBy: string;
  /** U2: the language the page speaks: the e-mail's */
  language: string;
}

export function requestView(
  business: { name: string },
  choice: Omit<Choice, "hours">,
  r: {
    name: string;
    email: string;
    phone: string | null;
    start: Temporal.Instant;
    expiresAt: Temporal.Instant;
    language: string;
  },
  status: BookingRequestView["status"],
): BookingRequestView {
  return {
    status,
    businessName: business.name,
    name: r.name,
    email: r.email,
    phone: r.phone,
    service: {
      id: choice.item.id,
      name: choice.item.name,
      durationMinutes: choice.minutes,
      priceMinor: choice.item.prices[choice.location.currency] ?? 0,
      currency: choice.location.currency,
    },
    staff: { id: choice.staff.id, name: choice.staff.name },
    location: {
      id: choice.location.id,
      name: choice.location.name,
      timeZone: choice.location.time_zone,
      locale: choice.location.locale,
    },
    startAt: toDate(r.start).toISOString(),
    endAt: toDate(r.start.add({ minutes: choice.minutes })).toISOString(),
    confirmBy: toDate(r.expiresAt).toISOString(),
    language: r.language,
  };
}

export const confirmationPath = (token: string) => `/confirm-booking/${token}`;

/**
 * U2: the e-mail reaches the address's owner, so it may speak their language: that of the customer
 * the booking will be attached to (confirm-online-booking.ts), or the business's.
 */
async function languageOfAddress(db: Executor, business: BookingBusiness, email: string): Promise<string> {
  const customer = await db
    .selectFrom("customers")
    .select("language")
    .where("business_id", "=", business.id)
    .where("email", "=", email)
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return customer?.language ?? business.language;
}

/**
 * A10: a booking asked for on the public page. Checked like freeSlots, counted per client address
 * (every attempt) and per e-mail address (every e-mail sent), then stored with a SHA-256 of a new
 * token, and a link with the token is e-mailed to the address given through the outbox. Answers
 * with what the caller sent and the booking's facts; nothing is booked and no customer is touched.
 */
export async function requestOnlineBooking(
  app: App,
  slug: string,
  input: BookingRequestInput,
  client: { address: string; linkBase: string },
): Promise<BookingRequestView> {
  const db = app.database.db;
  const now = app.clock();
  const business = await loadBookingBusiness(db, { slug });
  await countPublicRequest(db, business.id, BOOKING_REQUESTS_PER_ADDRESS, client.address, now);
  const choice = await offeredChoice(db, business.id, input);
  const window = bookingWindow(business, choice.location.time_zone, now);
  const start = await assertOfferedStart(db, business.id, choice, input.startAt, window);
  const request = {
    name: input.name.trim(),
    email: input.email.trim().toLowerCase(),
    phone: input.phone?.trim() || null,
    start,
    expiresAt: now.add({ minutes: CONFIRMATION_LINK_MINUTES }),
  };
  const language = await languageOfAddress(db, business, request.email);
  const token = newSecret();
  await inTransaction(db, async (tx) => {
    await countPublicRequest(tx, business.id, BOOKING_REQUESTS_PER_EMAIL, request.email, now);
    const row = await tx
      .insertInto("online_booking_requests")
      .values({
        business_id: business.id,
        token_hash: sha256(token),
        location_id: choice.location.id,
        staff_id: choice.staff.id,
        item_id: choice.item.id,
        start_at: toDate(start),
        name: request.name,
        email: request.email,
        phone: request.phone,
        created_at: toDate(now),
        expires_at: toDate(request.expiresAt),
        language,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await enqueueMail(tx, {
      businessId: business.id,
      dedupeKey: `booking-request:${row.id}`,
      to: request.email,
      ...bookingConfirmationMail(mailWords(language, choice.location.locale), {
        businessName: business.name,
        service: choice.item.name,
        staff: choice.staff.name,
        location: choice.location.name,
        timeZone: choice.location.time_zone,
        start: toDate(start),
        minutes: choice.minutes,
        priceMinor: choice.item.prices[choice.location.currency] ?? 0,
        currency: choice.location.currency,
        linkMinutes: CONFIRMATION_LINK_MINUTES,
        link: `${client.linkBase}${confirmationPath(token)}`,
      }),
      at: now,
      secret: true,
    });
    await forgetOldRequests(tx, business.id, now);
  });
  // The caller may not be the address's owner: the answer speaks the business's language, not theirs.
  return requestView(business, choice, { ...request, language: business.language }, "awaiting_confirmation");
}

/**
 * Forgets booking requests and request counts long past: of one business as it takes a request,
 * or (null) of every business, on the scheduler's round, so a flood of refused requests is
 * forgotten too.
 */
export async function forgetOldRequests(db: Executor, businessId: string | null, now: Temporal.Instant) {
  let q = db
    .deleteFrom("online_booking_requests")
    .where("expires_at", "<", toDate(now.subtract({ hours: REQUEST_MEMORY_DAYS * 24 })));
  if (businessId) q = q.where("business_id", "=", businessId);
  await q.execute();
  await forgetOldCounts(db, businessId, now);
}

/** Booking from a package online: only by the customer's own link, only if the template allows. */
export async function bookFromBalanceLink(
  app: App,
  token: string,
  input: { packageLineId: string; locationId: string; staffId: string; startAt: string },
): Promise<AppointmentView> {
  const db = app.database.db;
  const customer = await balanceLinkHolder(db, token);
  const line = await db
    .selectFrom("package_lines as l")
    .innerJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "l.business_id").onRef("p.id", "=", "l.package_id"),
    )
    .select(["l.item_id", "p.online_bookable", "p.name"])
    .where("l.business_id", "=", customer.business_id)
    .where("l.customer_id", "=", customer.id)
    .where("l.id", "=", input.packageLineId)
    .executeTakeFirst();
  if (!line) throw notFound("package_line", "packageLineId");
  if (!line.online_bookable) {
    throw conflict(
      "package_not_bookable_online",
      `${line.name} cannot be booked online; call or visit us to book it.`,
      "packageLineId",
    );
  }
  const business = await loadBookingBusiness(db, { id: customer.business_id });
  const choice = await offeredChoice(db, business.id, { ...input, itemId: line.item_id }, "packageLineId");
  const window = bookingWindow(business, choice.location.time_zone, app.clock());
  await assertOfferedStart(db, business.id, choice, input.startAt, window);
  return bookOnline(
    onlineCtx(app, business.id, choice.staff.id, choice.location.id),
    {
      customerId: customer.id,
      staffId: choice.staff.id,
      locationId: choice.location.id,
      startAt: input.startAt,
      services: [{ itemId: line.item_id, packageLineId: input.packageLineId }],
    },
    db,
  );
}
