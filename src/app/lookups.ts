// Loading the things a use case acts on, always within the caller's business: another business's
// ids are simply not found (S2).
import { Temporal } from "temporal-polyfill";
import type { PauseRecord } from "../db/schema.js";
import { notFound } from "../domain/errors.js";
import type { CandidateLine } from "../domain/fifo.js";
import type { PauseSpan } from "../domain/ledger.js";
import { toInstant } from "../domain/validity.js";
import type { Executor } from "./context.js";

export async function getLocation(db: Executor, businessId: string, id: string, field = "locationId") {
  const row = await db
    .selectFrom("locations")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("location", field);
  return row;
}

export async function getCustomer(db: Executor, businessId: string, id: string, field = "customerId") {
  const row = await db
    .selectFrom("customers")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("customer", field);
  return row;
}

export async function getBusiness(db: Executor, businessId: string) {
  const row = await db.selectFrom("businesses").selectAll().where("id", "=", businessId).executeTakeFirst();
  if (!row) throw notFound("business");
  return row;
}

export async function getMovement(db: Executor, businessId: string, id: string, field = "movementId") {
  const row = await db
    .selectFrom("movements")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("movement", field);
  return row;
}

export async function getPackageRow(
  db: Executor,
  businessId: string,
  id: string,
  field = "packageId",
  options: { forUpdate?: boolean } = {},
) {
  let query = db
    .selectFrom("customer_packages")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("package", field);
  return row;
}

/** A line and its package, as the FIFO queries read them (never refunded: they filter those out). */
export interface CandidateLineRow {
  id: string;
  package_id: string;
  item_id: string;
  total: number;
  used: number;
  booked: number;
  purchased_at: Date;
  expires_at: Date | null;
  redeemable_location_ids: string[] | null;
  pauses: PauseRecord[];
}

/** G4: a package's pauses as the domain checks them. */
export function pauseSpans(pauses: readonly PauseRecord[]): PauseSpan[] {
  return pauses.map((x) => ({
    startsOn: x.startsOn,
    endsOn: x.endsOn,
    startsAt: Temporal.Instant.from(x.startsAt),
    endsAt: Temporal.Instant.from(x.endsAt),
  }));
}

/** The domain's view of such a row, for chooseLineFifo (L8). */
export function candidateLine(r: CandidateLineRow): CandidateLine {
  return {
    lineId: r.id,
    packageId: r.package_id,
    itemId: r.item_id,
    total: r.total,
    used: r.used,
    booked: r.booked,
    package: {
      refundedAt: null,
      purchasedAt: toInstant(r.purchased_at),
      expiresAt: r.expires_at ? toInstant(r.expires_at) : null,
      redeemableLocationIds: r.redeemable_location_ids,
      pauses: pauseSpans(r.pauses),
    },
  };
}
