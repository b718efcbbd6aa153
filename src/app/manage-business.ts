// The business (tenant), its settings, locations and staff.
import type { Business, NoShowPolicy, RedemptionPoint, Role } from "../db/schema.js";
import { invalid } from "../domain/errors.js";
import { assertTimeZone } from "../domain/validity.js";
import { changedFields, logAdminAction } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { assertLanguage, assertLocale } from "./languages.js";
import { getBusiness } from "./lookups.js";

export function businessView(b: Business) {
  return {
    id: b.id,
    name: b.name,
    slug: b.slug,
    /** U2: the language of staff and customers who have not chosen their own */
    language: b.language,
    settings: {
      allowRefundUsedPackages: b.allow_refund_used_packages,
      coverZeroPriceItems: b.cover_zero_price_items,
      redemptionPoint: b.redemption_point,
      appointmentNoShowPolicy: b.appointment_no_show_policy,
      classNoShowPolicy: b.class_no_show_policy,
      reminderDaysBeforeExpiry: b.reminder_days_before_expiry,
      onlineBookingDaysAhead: b.online_booking_days_ahead,
      onlineBookingMinNoticeMinutes: b.online_booking_min_notice_minutes,
    },
  };
}

export type SettingsInput = Partial<{
  allowRefundUsedPackages: boolean;
  coverZeroPriceItems: boolean;
  redemptionPoint: RedemptionPoint;
  appointmentNoShowPolicy: NoShowPolicy;
  classNoShowPolicy: NoShowPolicy;
  reminderDaysBeforeExpiry: number | null;
  onlineBookingDaysAhead: number;
  onlineBookingMinNoticeMinutes: number;
  language: string;
}>;

export async function getBusinessView(ctx: Ctx) {
  authorize(ctx, "read");
  return businessView(await getBusiness(ctx.database.db, ctx.actor.businessId));
}

export async function updateSettings(ctx: Ctx, s: SettingsInput, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_settings");
  const set = {
    ...(s.allowRefundUsedPackages !== undefined
      ? { allow_refund_used_packages: s.allowRefundUsedPackages }
      : {}),
    ...(s.coverZeroPriceItems !== undefined ? { cover_zero_price_items: s.coverZeroPriceItems } : {}),
    ...(s.redemptionPoint !== undefined ? { redemption_point: s.redemptionPoint } : {}),
    ...(s.appointmentNoShowPolicy !== undefined
      ? { appointment_no_show_policy: s.appointmentNoShowPolicy }
      : {}),
    ...(s.classNoShowPolicy !== undefined ? { class_no_show_policy: s.classNoShowPolicy } : {}),
    ...(s.reminderDaysBeforeExpiry !== undefined
      ? { reminder_days_before_expiry: s.reminderDaysBeforeExpiry }
      : {}),
    ...(s.onlineBookingDaysAhead !== undefined
      ? { online_booking_days_ahead: s.onlineBookingDaysAhead }
      : {}),
    ...(s.onlineBookingMinNoticeMinutes !== undefined
      ? { online_booking_min_notice_minutes: s.onlineBookingMinNoticeMinutes }
      : {}),
    ...(s.language !== undefined ? { language: assertLanguage(s.language, "language") } : {}),
  };
  return inTransaction(db, async (tx) => {
    // Two owners saving at once: the second waits, so each entry says what it changed from.
    const locked = await tx
      .selectFrom("businesses")
      .selectAll()
      .where("id", "=", ctx.actor.businessId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const before = businessView(locked);
    if (Object.keys(set).length === 0) return before;
    await tx.updateTable("businesses").set(set).where("id", "=", ctx.actor.businessId).execute();
    const after = businessView(await getBusiness(tx, ctx.actor.businessId));
    // The owner's settings decide what staff may do with money (refunds of used packages):
    // every change is in the activity log, with what it was before.
    const changes = changedFields(
      { ...before.settings, language: before.language },
      { ...after.settings, language: after.language },
    );
    if (Object.keys(changes).length > 0) await logAdminAction(tx, ctx, "change_settings", { changes });
    return after;
  });
}

export function locationView(l: {
  id: string;
  name: string;
  time_zone: string;
  currency: string;
  address: string | null;
  locale: string;
}) {
  return {
    id: l.id,
    name: l.name,
    timeZone: l.time_zone,
    currency: l.currency,
    address: l.address,
    locale: l.locale,
  };
}

export async function listLocations(db: Executor, businessId: string) {
  const rows = await db
    .selectFrom("locations")
    .selectAll()
    .where("business_id", "=", businessId)
    .orderBy("name")
    .execute();
  return rows.map(locationView);
}

export async function createLocation(
  ctx: Ctx,
  input: {
    name: string;
    timeZone: string;
    currency: string;
    address?: string | null | undefined;
    /** U1: when not given, the time zone's (migration 0018) */
    locale?: string | undefined;
  },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_settings");
  const timeZone = assertTimeZone(input.timeZone, "timeZone");
  if (!Intl.supportedValuesOf("currency").includes(input.currency)) {
    throw invalid("invalid_currency", "currency must be an ISO 4217 code such as HUF or USD.", "currency");
  }
  const locale = input.locale !== undefined ? assertLocale(input.locale, "locale") : undefined;
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("locations")
      .values({
        business_id: ctx.actor.businessId,
        name: input.name.trim(),
        time_zone: timeZone,
        currency: input.currency,
        address: input.address?.trim() || null,
        ...(locale !== undefined ? { locale } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = locationView(row);
    await logAdminAction(tx, ctx, "create_location", { location: view });
    return view;
  });
}

export function staffView(s: {
  id: string;
  name: string;
  email: string;
  role: Role;
  home_location_id: string;
  active: boolean;
}) {
  return {
    id: s.id,
    name: s.name,
    email: s.email,
    role: s.role,
    homeLocationId: s.home_location_id,
    active: s.active,
  };
}

export async function listStaff(ctx: Ctx) {
  authorize(ctx, "read");
  const rows = await ctx.database.db
    .selectFrom("staff")
    .select(["id", "name", "email", "role", "home_location_id", "active"])
    .where("business_id", "=", ctx.actor.businessId)
    .orderBy("name")
    .execute();
  return rows.map(staffView);
}
