// How a customer's packages look to the people who use them: counters per line, the derived status,
// dates in the purchase location's zone, and what the remaining credits are worth.
import { type RawBuilder, sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { CustomerPackageRow, PackageLineRow, PauseRecord } from "../db/schema.js";
import { creditRangeValueSql, instantIsoSql } from "../db/sql-credit-value.js";
import { creditRangeValue } from "../domain/credit-value.js";
import { notFound } from "../domain/errors.js";
import {
  isUnlimited,
  type PackageStatus,
  packageStatus,
  remainingOf,
  UNLIMITED_ABOVE,
} from "../domain/package-status.js";
import { toInstant } from "../domain/validity.js";
import type { Executor } from "./context.js";
import { cursorOf, limitOf, type Page, type PageQuery, pageOf } from "./pages.js";

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
  /** G4: its pauses, first first */
  pauses: PauseRecord[];
  /** G2: the customer who gave it, and the message, when it was a gift */
  giftFromCustomerId: string | null;
  giftMessage: string | null;
  lines: LineView[];
}

export function lineView(l: PackageLineRow): LineView {
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

export function packageView(
  p: CustomerPackageRow,
  lines: PackageLineRow[],
  now: Temporal.Instant,
): PackageView {
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
    pauses: p.pauses,
    giftFromCustomerId: p.gift_from_customer_id,
    giftMessage: p.gift_message,
    lines: views,
  };
}

/**
 * lineView and packageView written by the database as JSON text, for the booking panel, which is
 * opened on every booking: its rows are not parsed into JavaScript values only to be formatted
 * again (for 16 receptionists at once, that parsing and formatting was most of the server's work
 * per call). `l` is a package_lines row, `p` a customer_packages row; the counters, the worth of
 * the free credits and the status follow the same rules as the functions above, and a test checks
 * that both give the same view.
 */
const LINE_VIEW_JSON = sql`json_build_object('id', l.id, 'itemId', l.item_id, 'itemKind', l.item_kind,
  'itemName', l.item_name, 'retailPriceMinor', l.retail_price_minor, 'total', l.total, 'used', l.used,
  'booked', l.booked, 'remaining', l.total - l.used - l.booked, 'expired', l.expired,
  'unlimited', l.total - l.used - l.booked > ${sql.lit(UNLIMITED_ABOVE)},
  'remainingValueMinor', ${creditRangeValueSql(sql`l.value_minor`, sql`l.granted`, sql`l.used + l.booked`, sql`l.total`)})`;

/** The JSON array of a package's line views, in order of position, from its lines `l`. */
export const LINE_VIEWS_JSON = sql`coalesce(json_agg(${LINE_VIEW_JSON} ORDER BY l.position, l.id), '[]')`;

/** packageView of `p` as a JSON object, given its status and its lines' views. */
export function packageViewJson(status: RawBuilder<string>, lines: RawBuilder<unknown>) {
  return sql`json_build_object('id', p.id, 'customerId', p.customer_id, 'templateId', p.template_id,
    'name', p.name, 'kind', p.kind, 'status', ${status}, 'locationId', p.location_id, 'timeZone', p.time_zone,
    'currency', p.currency, 'priceMinor', p.price_minor, 'purchasedAt', ${instantIsoSql(sql`p.purchased_at`)},
    'expiresOn', p.expires_on, 'expiresAt', ${instantIsoSql(sql`p.expires_at`)},
    'refundedAt', ${instantIsoSql(sql`p.refunded_at`)}, 'refundKind', p.refund_kind, 'refundMinor', p.refund_minor,
    'onlineBookable', p.online_bookable, 'commissionBasis', p.commission_basis,
    'redeemableLocationIds', p.redeemable_location_ids, 'pauses', p.pauses,
    'giftFromCustomerId', p.gift_from_customer_id, 'giftMessage', p.gift_message, 'lines', ${lines})`;
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
  return withLines(db, businessId, packages, now);
}

/**
 * W2: a page of a customer's packages, oldest purchase first (as loadPackages orders them), the
 * package id breaking ties; the cursor is the last package's purchase instant and id.
 */
export async function customerPackagesPage(
  db: Executor,
  businessId: string,
  customerId: string,
  query: PageQuery,
  now: Temporal.Instant,
): Promise<Page<PackageView>> {
  const limit = limitOf(query);
  const after = cursorOf(query, ["instant", "uuid"] as const);
  let q = db
    .selectFrom("customer_packages as p")
    .selectAll("p")
    .where("p.business_id", "=", businessId)
    .where("p.customer_id", "=", customerId);
  if (after) {
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("p.purchased_at", "p.id"), ">", tuple(after[0], after[1])),
    );
  }
  const rows = await q
    .orderBy("p.purchased_at")
    .orderBy("p.id")
    .limit(limit + 1)
    .execute();
  const page = pageOf(
    rows,
    limit,
    (p) => [p.purchased_at, p.id],
    (p) => p,
  );
  return { ...page, items: await withLines(db, businessId, page.items, now) };
}

/** The views of packages, in the order given, with their lines. */
async function withLines(
  db: Executor,
  businessId: string,
  packages: CustomerPackageRow[],
  now: Temporal.Instant,
): Promise<PackageView[]> {
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
