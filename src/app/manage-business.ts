// The business (tenant), its settings, locations and staff.
import type { Business, NoShowPolicy, RedemptionPoint, Role } from "../db/schema.js";
import { invalid } from "../domain/errors.js";
import { assertTimeZone } from "../domain/validity.js";
import { authorize, type Ctx, type Executor } from "./context.js";
import { getBusiness } from "./lookups.js";
import { hashPassword } from "./passwords.js";

export function businessView(b: Business) {
  return {
    id: b.id,
    name: b.name,
    slug: b.slug,
    settings: {
      allowRefundUsedPackages: b.allow_refund_used_packages,
      coverZeroPriceItems: b.cover_zero_price_items,
      redemptionPoint: b.redemption_point,
      appointmentNoShowPolicy: b.appointment_no_show_policy,
      classNoShowPolicy: b.class_no_show_policy,
      reminderDaysBeforeExpiry: b.reminder_days_before_expiry,
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
  };
  if (Object.keys(set).length > 0) {
    await db.updateTable("businesses").set(set).where("id", "=", ctx.actor.businessId).execute();
  }
  return businessView(await getBusiness(db, ctx.actor.businessId));
}

export function locationView(l: { id: string; name: string; time_zone: string; currency: string }) {
  return { id: l.id, name: l.name, timeZone: l.time_zone, currency: l.currency };
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
  input: { name: string; timeZone: string; currency: string },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_settings");
  const timeZone = assertTimeZone(input.timeZone, "timeZone");
  if (!Intl.supportedValuesOf("currency").includes(input.currency)) {
    throw invalid("invalid_currency", "currency must be an ISO 4217 code such as HUF or USD.", "currency");
  }
  const row = await db
    .insertInto("locations")
    .values({
      business_id: ctx.actor.businessId,
      name: input.name.trim(),
      time_zone: timeZone,
      currency: input.currency,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return locationView(row);
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

export async function createStaff(
  ctx: Ctx,
  input: { name: string; email: string; role: Role; homeLocationId: string; password: string },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_staff");
  const row = await db
    .insertInto("staff")
    .values({
      business_id: ctx.actor.businessId,
      name: input.name.trim(),
      email: input.email.trim().toLowerCase(),
      role: input.role,
      home_location_id: input.homeLocationId,
      password_hash: await hashPassword(input.password),
    })
    .returning(["id", "name", "email", "role", "home_location_id", "active"])
    .executeTakeFirstOrThrow();
  return staffView(row);
}
