// How a customer's packages look to the people who use them: counters per line, the derived status,
// dates in the purchase location's zone, and what the remaining credits are worth.
import type { Temporal } from "temporal-polyfill";
import type { CustomerPackageRow, PackageLineRow } from "../db/schema.js";
import { creditRangeValue } from "../domain/credit-value.js";
import { notFound } from "../domain/errors.js";
import { isUnlimited, type PackageStatus, packageStatus, remainingOf } from "../domain/package-status.js";
import { toInstant } from "../domain/validity.js";
import type { Executor } from "./context.js";

export interface LineView {
  id: string;
  itemId: string;
  itemKind: string;
  itemName: string;
  retailPriceMinor: number;
  total: number;
  used: number;
  booked: number;
  remaining: number;
  expired: number;
  unlimited: boolean;
  /** worth of the free credits (refund value, liability) */
  remainingValueMinor: number;
}

export interface PackageView {
  id: string;
  customerId: string;
  templateId: string;
  name: string;
  kind: string;
  status: PackageStatus;
  locationId: string;
  timeZone: string;
  currency: string;
  priceMinor: number;
  purchasedAt: string;
  expiresOn: string | null;
  expiresAt: string | null;
  refundedAt: string | null;
  refundKind: string | null;
  refundMinor: number | null;
  onlineBookable: boolean;
  commissionBasis: string;
  redeemableLocationIds: string[] | null;
  lines: LineView[];
}

/** The columns of a line that its view needs (the booking panel selects these alone). */
export const LINE_VIEW_COLUMNS = [
  "id",
  "position",
  "item_id",
  "item_kind",
  "item_name",
  "retail_price_minor",
  "granted",
  "value_minor",
  "total",
  "used",
  "booked",
  "expired",
] as const satisfies ReadonlyArray<keyof PackageLineRow>;
export type LineViewRow = Pick<PackageLineRow, (typeof LINE_VIEW_COLUMNS)[number]>;

/** The columns of a package that its view needs. */
export const PACKAGE_VIEW_COLUMNS = [
  "id",
  "customer_id",
  "template_id",
  "name",
  "kind",
  "location_id",
  "time_zone",
  "currency",
  "price_minor",
  "purchased_at",
  "expires_on",
  "expires_at",
  "refunded_at",
  "refund_kind",
  "refund_minor",
  "online_bookable",
  "commission_basis",
  "redeemable_location_ids",
] as const satisfies ReadonlyArray<keyof CustomerPackageRow>;
export type PackageViewRow = Pick<CustomerPackageRow, (typeof PACKAGE_VIEW_COLUMNS)[number]>;

export function lineView(l: LineViewRow): LineView {
  return {
    id: l.id,
    itemId: l.item_id,
    itemKind: l.item_kind,
    itemName: l.item_name,
    retailPriceMinor: l.retail_price_minor,
    total: l.total,
    used: l.used,
    booked: l.booked,
    remaining: remainingOf(l),
    expired: l.expired,
    unlimited: isUnlimited(l),
    remainingValueMinor: creditRangeValue(l.value_minor, l.granted, l.used + l.booked, l.total),
  };
}

export function packageView(p: PackageViewRow, lines: LineViewRow[], now: Temporal.Instant): PackageView {
  const views = lines.sort((a, b) => a.position - b.position).map(lineView);
  return {
    id: p.id,
    customerId: p.customer_id,
    templateId: p.template_id,
    name: p.name,
    kind: p.kind,
    status: packageStatus(
      {
        refundedAt: p.refunded_at ? toInstant(p.refunded_at) : null,
        expiresAt: p.expires_at ? toInstant(p.expires_at) : null,
      },
      views,
      now,
    ),
    locationId: p.location_id,
    timeZone: p.time_zone,
    currency: p.currency,
    priceMinor: p.price_minor,
    purchasedAt: p.purchased_at.toISOString(),
    expiresOn: p.expires_on,
    expiresAt: p.expires_at?.toISOString() ?? null,
    refundedAt: p.refunded_at?.toISOString() ?? null,
    refundKind: p.refund_kind,
    refundMinor: p.refund_minor,
    onlineBookable: p.online_bookable,
    commissionBasis: p.commission_basis,
    redeemableLocationIds: p.redeemable_location_ids,
    lines: views,
  };
}

/** Packages with their lines; filtered by customer or by id, always within one business. */
export async function loadPackages(
  db: Executor,
  businessId: string,
  filter: { customerId?: string; packageIds?: string[] },
  now: Temporal.Instant,
): Promise<PackageView[]> {
  let q = db.selectFrom("customer_packages").selectAll().where("business_id", "=", businessId);
  if (filter.customerId) q = q.where("customer_id", "=", filter.customerId);
  if (filter.packageIds) {
    if (filter.packageIds.length === 0) return [];
    q = q.where("id", "in", filter.packageIds);
  }
  const packages = await q.orderBy("purchased_at").orderBy("id").execute();
  if (packages.length === 0) return [];
  const lines = await db
    .selectFrom("package_lines")
    .selectAll()
    .where("business_id", "=", businessId)
    .where(
      "package_id",
      "in",
      packages.map((p) => p.id),
    )
    .execute();
  const byPackage = new Map<string, PackageLineRow[]>();
  for (const l of lines) byPackage.set(l.package_id, [...(byPackage.get(l.package_id) ?? []), l]);
  return packages.map((p) => packageView(p, byPackage.get(p.id) ?? [], now));
}

export async function loadPackage(
  db: Executor,
  businessId: string,
  packageId: string,
  now: Temporal.Instant,
) {
  const [view] = await loadPackages(db, businessId, { packageIds: [packageId] }, now);
  if (!view) throw notFound("package", "packageId");
  return view;
}
