// A10: online booking. The anonymous public page books paid services into free slots; booking from
// a package online happens only through the customer's own balance link (R4), and only when the
// package's template allows online booking. An online single booking can still be redeemed from a
// package at checkout (the till covers it).
import { Temporal } from "temporal-polyfill";
import { conflict, notFound } from "../domain/errors.js";
import { parseLocalDate, toDate } from "../domain/validity.js";
import { type AppointmentView, bookAppointment } from "./appointments.js";
import type { App, Ctx } from "./context.js";
import { newSecret } from "./sign-in.js";

async function businessBySlug(app: App, slug: string) {
  const business = await app.database.db
    .selectFrom("businesses")
    .select(["id", "name", "slug"])
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (!business) throw notFound("business", "slug");
  return business;
}

/** What the public page offers: locations, bookable services with prices, and staff. */
export async function publicCatalog(app: App, slug: string) {
  const business = await businessBySlug(app, slug);
  const db = app.database.db;
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
      .where("role", "in", ["practitioner", "manager", "owner"])
      .orderBy("name")
      .execute(),
  ]);
  return {
    name: business.name,
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
      durationMinutes: s.duration_minutes ?? 30,
    })),
    staff: staff.map((s) => ({ id: s.id, name: s.name })),
  };
}

const OPENING_HOUR = 9;
const CLOSING_HOUR = 18;
const SLOT_MINUTES = 30;

/** Free start times of one staff member on a local date, for a service of the given length. */
export async function freeSlots(
  app: App,
  slug: string,
  q: { locationId: string; staffId: string; itemId: string; date: string },
) {
  const business = await businessBySlug(app, slug);
  const db = app.database.db;
  const location = await db
    .selectFrom("locations")
    .select(["time_zone"])
    .where("business_id", "=", business.id)
    .where("id", "=", q.locationId)
    .executeTakeFirst();
  if (!location) throw notFound("location", "locationId");
  const item = await db
    .selectFrom("items")
    .select(["duration_minutes"])
    .where("business_id", "=", business.id)
    .where("id", "=", q.itemId)
    .where("kind", "=", "service")
    .executeTakeFirst();
  if (!item) throw notFound("item", "itemId");
  const date = parseLocalDate(q.date, "date");
  const minutes = item.duration_minutes ?? 30;
  const dayStart = date.toZonedDateTime({ timeZone: location.time_zone, plainTime: { hour: OPENING_HOUR } });
  const dayEnd = date.toZonedDateTime({ timeZone: location.time_zone, plainTime: { hour: CLOSING_HOUR } });
  const busy = await db
    .selectFrom("appointments")
    .select(["start_at", "end_at"])
    .where("business_id", "=", business.id)
    .where("staff_id", "=", q.staffId)
    .where("status", "in", ["booked", "checked_in"])
    .where("start_at", "<", toDate(dayEnd.toInstant()))
    .where("end_at", ">", toDate(dayStart.toInstant()))
    .execute();
  const now = app.clock();
  const slots: string[] = [];
  for (
    let t = dayStart;
    Temporal.ZonedDateTime.compare(t.add({ minutes }), dayEnd) <= 0;
    t = t.add({ minutes: SLOT_MINUTES })
  ) {
    const start = t.toInstant().epochMilliseconds;
    const end = start + minutes * 60_000;
    if (start <= now.epochMilliseconds) continue;
    if (busy.some((b) => b.start_at.getTime() < end && b.end_at.getTime() > start)) continue;
    slots.push(t.toInstant().toString());
  }
  return slots;
}

function onlineCtx(app: App, businessId: string, staffId: string, locationId: string): Ctx {
  return { ...app, actor: { businessId, staffId, role: "front_desk", locationId, online: true } };
}

export async function bookOnline(
  app: App,
  slug: string,
  input: {
    locationId: string;
    staffId: string;
    itemId: string;
    startAt: string;
    name: string;
    email: string;
    phone?: string | undefined;
  },
): Promise<AppointmentView> {
  const business = await businessBySlug(app, slug);
  const db = app.database.db;
  const email = input.email.trim().toLowerCase();
  let customer = await db
    .selectFrom("customers")
    .select("id")
    .where("business_id", "=", business.id)
    .where("email", "=", email)
    .executeTakeFirst();
  customer ??= await db
    .insertInto("customers")
    .values({
      business_id: business.id,
      name: input.name.trim(),
      email,
      phone: input.phone?.trim() || null,
      balance_token: newSecret(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return bookAppointment(onlineCtx(app, business.id, input.staffId, input.locationId), {
    customerId: customer.id,
    staffId: input.staffId,
    locationId: input.locationId,
    startAt: input.startAt,
    services: [{ itemId: input.itemId }],
    channel: "online",
  });
}

/** Booking from a package online: only by the customer's own link, only if the template allows. */
export async function bookFromBalanceLink(
  app: App,
  token: string,
  input: { packageLineId: string; locationId: string; staffId: string; startAt: string },
): Promise<AppointmentView> {
  const db = app.database.db;
  const customer = await db
    .selectFrom("customers")
    .select(["id", "business_id"])
    .where("balance_token", "=", token)
    .executeTakeFirst();
  if (!customer) throw notFound("balance");
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
  return bookAppointment(onlineCtx(app, customer.business_id, input.staffId, input.locationId), {
    customerId: customer.id,
    staffId: input.staffId,
    locationId: input.locationId,
    startAt: input.startAt,
    services: [{ itemId: line.item_id, packageLineId: input.packageLineId }],
    channel: "online",
  });
}
