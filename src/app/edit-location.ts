// O3: the owner edits a location: name, address, time zone, currency, and (U1) the locale its dates
// and clocks read in, which a change of time zone leaves as it is.
//
// Currency: prices are per currency, and tickets, packages and appointments at the location were
// priced and paid in the old one. Once any exists, the currency cannot change (open a location for
// the new currency instead); before, it can, to put right a mistake made while setting up.
//
// Time zone: a sold package keeps the zone and expiry it was sold with (customer_packages.time_zone
// and expires_at), and a ticket the zone it was opened in, so history reads as it did. Bookings to
// come are instants: in another zone their wall-clock time would move (10:00 would become 09:00),
// so the zone cannot change while the location has appointments or classes from now on; after they
// are moved, cancelled or past, it can.
import { conflict, invalid, notFound } from "../domain/errors.js";
import { assertTimeZone, toDate } from "../domain/validity.js";
import { changedFields, logAdminAction } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { assertLocale } from "./languages.js";
import { locationView } from "./manage-business.js";

export interface LocationChanges {
  name?: string | undefined;
  timeZone?: string | undefined;
  currency?: string | undefined;
  /** null clears it */
  address?: string | null | undefined;
  /** U1: how dates and clocks read there */
  locale?: string | undefined;
}

export async function updateLocation(
  ctx: Ctx,
  locationId: string,
  input: LocationChanges,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_settings");
  const businessId = ctx.actor.businessId;
  const timeZone = input.timeZone !== undefined ? assertTimeZone(input.timeZone, "timeZone") : undefined;
  if (input.currency !== undefined && !Intl.supportedValuesOf("currency").includes(input.currency))
    throw invalid("invalid_currency", "currency must be an ISO 4217 code such as HUF or USD.", "currency");
  const locale = input.locale !== undefined ? assertLocale(input.locale, "locale") : undefined;
  return inTransaction(db, async (tx) => {
    // FOR UPDATE, not FOR NO KEY UPDATE: a sale, ticket or booking at the location checks its
    // foreign key with a key-share lock, so none can slip in between the checks below and the change.
    const current = await tx
      .selectFrom("locations")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("id", "=", locationId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound("location", "locationId");
    const set = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.address !== undefined ? { address: input.address?.trim() || null } : {}),
      ...(locale !== undefined ? { locale } : {}),
      ...(timeZone !== undefined && timeZone !== current.time_zone ? { time_zone: timeZone } : {}),
      ...(input.currency !== undefined && input.currency !== current.currency
        ? { currency: input.currency }
        : {}),
    };
    if (set.currency !== undefined) await refuseIfPricedThere(tx, businessId, current);
    if (set.time_zone !== undefined) await refuseIfBookingsAhead(tx, ctx, current);
    const before = locationView(current);
    if (Object.keys(set).length === 0) return before;
    const row = await tx
      .updateTable("locations")
      .set(set)
      .where("business_id", "=", businessId)
      .where("id", "=", locationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = locationView(row);
    const changes = changedFields(before, view);
    if (Object.keys(changes).length > 0)
      await logAdminAction(tx, ctx, "update_location", { locationId, name: view.name, changes });
    return view;
  });
}

async function refuseIfPricedThere(
  tx: Executor,
  businessId: string,
  location: { id: string; name: string; currency: string },
) {
  const used = async (table: "customer_packages" | "tickets" | "appointments") =>
    (await tx
      .selectFrom(table)
      .select("id")
      .where("business_id", "=", businessId)
      .where("location_id", "=", location.id)
      .limit(1)
      .executeTakeFirst()) !== undefined;
  if ((await used("customer_packages")) || (await used("tickets")) || (await used("appointments")))
    throw conflict(
      "location_currency_in_use",
      `${location.name} already has packages, tickets or appointments in ${location.currency}, so its currency cannot change. Add a new location for the other currency.`,
      "currency",
    );
}

async function refuseIfBookingsAhead(tx: Executor, ctx: Ctx, location: { id: string; name: string }) {
  const now = toDate(ctx.clock());
  const businessId = ctx.actor.businessId;
  const appointments = await tx
    .selectFrom("appointments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("business_id", "=", businessId)
    .where("location_id", "=", location.id)
    .where("status", "in", ["booked", "checked_in"])
    .where("end_at", ">", now)
    .executeTakeFirstOrThrow();
  const classes = await tx
    .selectFrom("class_sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("business_id", "=", businessId)
    .where("location_id", "=", location.id)
    .where("status", "=", "scheduled")
    .where("end_at", ">", now)
    .executeTakeFirstOrThrow();
  const ahead = Number(appointments.n) + Number(classes.n);
  if (ahead > 0)
    throw conflict(
      "location_has_future_bookings",
      `${location.name} has ${ahead} appointment(s) or class(es) from now on; in another time zone they would move on the clock. Move or cancel them first.`,
      "timeZone",
    );
}
