// O1: a business from nothing, with its first location and its owner. One use case for the first
// run ("Create your business" on an empty installation), `carnet create-business` and open sign-up.
import type { Temporal } from "temporal-polyfill";
import { AppError, invalid } from "../../domain/errors.js";
import { assertTimeZone } from "../../domain/validity.js";
import { logActivity } from "../activity.js";
import type { Executor } from "../context.js";
import { addMember, type MemberRow } from "./members.js";

export interface BusinessInput {
  businessName: string;
  location: { name: string; timeZone: string; currency: string; address?: string | null | undefined };
  owner: { name: string; email: string };
}

export type CreatedVia = "first_run" | "command_line" | "sign_up";

export interface CreatedBusiness {
  businessId: string;
  businessName: string;
  slug: string;
  location: { id: string; name: string; timeZone: string; currency: string; address: string | null };
  owner: MemberRow;
  /** the owner's e-mail had an account already: they sign in with its password */
  accountExisted: boolean;
}

export const firstRunOver = () =>
  new AppError("not_found", "first_run_over", "This Carnet already has a business: sign in instead.");

/** A slug for the business's public pages from its name: "Szépség Stúdió" → "szepseg-studio". */
export function slugOf(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 56)
    .replace(/-+$/, "");
  return base.length >= 2 ? base : `business${base ? `-${base}` : ""}`;
}

export function checkCurrency(currency: string, field = "currency"): string {
  if (!Intl.supportedValuesOf("currency").includes(currency))
    throw invalid("invalid_currency", "currency must be an ISO 4217 code such as HUF or USD.", field);
  return currency;
}

/** Inserts the business under its slug, or the first free "slug-2", "slug-3" … */
async function insertBusiness(tx: Executor, name: string): Promise<{ id: string; slug: string }> {
  const base = slugOf(name);
  for (let n = 1; n <= 100; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const row = await tx
      .insertInto("businesses")
      .values({ name, slug })
      .onConflict((oc) => oc.column("slug").doNothing())
      .returning(["id", "slug"])
      .executeTakeFirst();
    if (row) return row;
  }
  const slug = `${base}-${Math.random().toString(36).slice(2, 8)}`;
  return tx
    .insertInto("businesses")
    .values({ name, slug })
    .returning(["id", "slug"])
    .executeTakeFirstOrThrow();
}

/**
 * Creates the business, its first location, and its owner's membership (and account, unless the
 * e-mail has one: an existing account keeps its password). Runs in the caller's transaction.
 * The first run also claims the installation's one first-run row: two first runs racing create
 * one business, and none is created once any business exists.
 */
export async function createBusiness(
  tx: Executor,
  now: Temporal.Instant,
  input: BusinessInput,
  options: { via: CreatedVia; ownerPasswordHash: string | null },
): Promise<CreatedBusiness> {
  const timeZone = assertTimeZone(input.location.timeZone, "location.timeZone");
  const currency = checkCurrency(input.location.currency, "location.currency");
  const claimed = await tx
    .insertInto("first_run_claims")
    .values({ only_one: true })
    .onConflict((oc) => oc.column("only_one").doNothing())
    .returning("only_one")
    .executeTakeFirst();
  if (options.via === "first_run") {
    if (!claimed) throw firstRunOver();
    const any = await tx.selectFrom("businesses").select("id").limit(1).executeTakeFirst();
    if (any) throw firstRunOver();
  }
  const businessName = input.businessName.trim();
  const business = await insertBusiness(tx, businessName);
  const address = input.location.address?.trim() || null;
  const location = await tx
    .insertInto("locations")
    .values({
      business_id: business.id,
      name: input.location.name.trim(),
      time_zone: timeZone,
      currency,
      address,
    })
    .returning(["id", "name", "time_zone", "currency", "address"])
    .executeTakeFirstOrThrow();
  const { member, accountExisted } = await addMember(tx, {
    businessId: business.id,
    name: input.owner.name,
    email: input.owner.email,
    role: "owner",
    homeLocationId: location.id,
    passwordHash: options.ownerPasswordHash,
  });
  // An empty installation has no accounts: one there means data the first run must not touch.
  if (options.via === "first_run" && accountExisted) throw firstRunOver();
  await logActivity(tx, {
    businessId: business.id,
    at: now,
    actorStaffId: member.id,
    locationId: location.id,
    action: "create_business",
    details: {
      business: { name: businessName, slug: business.slug },
      location: { id: location.id, name: location.name, timeZone, currency },
      owner: { staffId: member.id, name: member.name, email: member.email },
      via: options.via,
    },
  });
  return {
    businessId: business.id,
    businessName,
    slug: business.slug,
    location: {
      id: location.id,
      name: location.name,
      timeZone: location.time_zone,
      currency: location.currency,
      address: location.address,
    },
    owner: member,
    accountExisted,
  };
}
