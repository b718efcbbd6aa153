// Reports for managers and owners: package balances and liability (R1), packages expiring soon and
// redemptions by period, staff and location (R2), earned and deferred package revenue (R5).
// Aggregation happens in SQL: these run over every package the business ever sold.
import { sql } from "kysely";
import { creditRangeValueSql, packageStatusSql } from "../db/sql-credit-value.js";
import { UNLIMITED_ABOVE } from "../domain/package-status.js";
import { authorize, type Ctx } from "./context.js";

export type StatusFilter = "active" | "expired" | "fully_used" | "refunded" | "all";

export interface BalanceFilter {
  locationId?: string | undefined;
  templateId?: string | undefined;
  status: StatusFilter;
}

/** What is still owed on a line: credits not yet used (free or booked), and their worth. */
const owedSql = sql<number>`(l.total - l.used)`;
const owedValueSql = creditRangeValueSql(sql`l.value_minor`, sql`l.granted`, sql`l.used`, sql`l.total`);

/** "2/5" left of a line, or UNLIMITED above 100 credits left (P10), as the package card says. */
const lineLeftSql = sql`CASE WHEN l.total - l.used - l.booked > ${sql.lit(UNLIMITED_ABOVE)} THEN 'UNLIMITED'
  ELSE (l.total - l.used - l.booked) || '/' || l.total END`;

/** One page of packages in order of sale, after the last one of the previous page (the CSV export). */
interface PackagePage {
  after: { purchasedAt: Date; packageId: string } | null;
  size: number;
}

function balanceRowsQuery(ctx: Ctx, f: BalanceFilter, now: Date, page?: PackagePage) {
  const filters = sql`${f.locationId ? sql`AND p.location_id = ${f.locationId}` : sql``}
         ${f.templateId ? sql`AND p.template_id = ${f.templateId}` : sql``}`;
  // A page is cut from customer_packages first (an index range scan) and only its lines are summed.
  const packages = page
    ? sql`(SELECT * FROM customer_packages p WHERE p.business_id = ${ctx.actor.businessId} ${filters}
           ${page.after ? sql`AND (p.purchased_at, p.id) > (${page.after.purchasedAt}, ${page.after.packageId}::uuid)` : sql``}
           ORDER BY p.purchased_at, p.id LIMIT ${page.size}) p`
    : sql`customer_packages p`;
  const free = sql`sum(l.total - l.used - l.booked)`;
  const booked = sql`sum(l.booked)`;
  return sql<BalanceRow>`
    SELECT * FROM (
      SELECT p.id AS package_id, p.name AS package_name, p.template_id, c.id AS customer_id, c.name AS customer_name,
             p.location_id, loc.name AS location_name, p.currency, p.time_zone,
             p.purchased_at, p.expires_on, ${packageStatusSql(now, free, booked)} AS status,
             sum(l.total)::int AS total, sum(l.used)::int AS used, sum(l.booked)::int AS booked,
             sum(l.total - l.used - l.booked)::int AS remaining,
             sum(${owedSql})::int AS owed,
             sum(${owedValueSql})::bigint AS owed_value_minor,
             string_agg(l.item_name || ' ' || ${lineLeftSql}, '; ' ORDER BY l.position) AS items
        FROM ${packages}
        JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
        JOIN customers c ON c.business_id = p.business_id AND c.id = p.customer_id
        JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
       WHERE p.business_id = ${ctx.actor.businessId} ${filters}
       -- p may be a page (a subquery), which has no primary key to group by: name its columns
       GROUP BY p.business_id, p.id, p.name, p.template_id, p.location_id, p.currency, p.time_zone, p.purchased_at,
                p.expires_on, p.expires_at, p.refunded_at, c.business_id, c.id, loc.business_id, loc.id
    ) balances
    ${f.status === "all" || page ? sql`` : sql`WHERE status = ${f.status}`}`;
}

export interface BalanceRow {
  package_id: string;
  package_name: string;
  template_id: string;
  customer_id: string;
  customer_name: string;
  location_id: string;
  location_name: string;
  currency: string;
  time_zone: string;
  purchased_at: Date;
  expires_on: string | null;
  status: string;
  total: number;
  used: number;
  booked: number;
  remaining: number;
  owed: number;
  owed_value_minor: number;
  items: string;
}

export function balanceView(r: BalanceRow) {
  return {
    packageId: r.package_id,
    packageName: r.package_name,
    templateId: r.template_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    locationId: r.location_id,
    locationName: r.location_name,
    currency: r.currency,
    timeZone: r.time_zone,
    purchasedAt: r.purchased_at.toISOString(),
    expiresOn: r.expires_on,
    status: r.status,
    total: r.total,
    used: r.used,
    booked: r.booked,
    remaining: r.remaining,
    sessionsOwed: r.status === "active" ? r.owed : 0,
    liabilityMinor: r.status === "active" ? Number(r.owed_value_minor) : 0,
    items: r.items,
  };
}

export async function packageBalances(ctx: Ctx, f: BalanceFilter & { limit: number; offset: number }) {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  const base = balanceRowsQuery(ctx, f, now);
  const rows =
    await sql<BalanceRow>`${base} ORDER BY customer_name, purchased_at, package_id LIMIT ${f.limit} OFFSET ${f.offset}`.execute(
      ctx.database.db,
    );
  const totals = await sql<{
    currency: string;
    packages: number;
    sessions_owed: number;
    liability_minor: number;
  }>`
    SELECT currency, count(*)::int AS packages,
           coalesce(sum(owed) FILTER (WHERE status = 'active'), 0)::int AS sessions_owed,
           coalesce(sum(owed_value_minor) FILTER (WHERE status = 'active'), 0)::bigint AS liability_minor
      FROM (${base}) b GROUP BY currency ORDER BY currency`.execute(ctx.database.db);
  return {
    rows: rows.rows.map(balanceView),
    totals: totals.rows.map((t) => ({
      currency: t.currency,
      packages: t.packages,
      sessionsOwed: t.sessions_owed,
      liabilityMinor: Number(t.liability_minor),
    })),
  };
}

/**
 * Every row of the balances report in order of sale, in pages, for the CSV export: memory stays
 * flat, and each page is an index range scan of the next packages (keyset on purchased_at, id)
 * rather than the whole report sorted again, which made the export quadratic in the packages.
 */
export async function* packageBalancesAll(ctx: Ctx, f: BalanceFilter, pageSize = 5000) {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  let after: PackagePage["after"] = null;
  for (;;) {
    const page: { rows: BalanceRow[] } =
      await sql<BalanceRow>`${balanceRowsQuery(ctx, f, now, { after, size: pageSize })}
       ORDER BY purchased_at, package_id`.execute(ctx.database.db);
    for (const r of page.rows) if (f.status === "all" || r.status === f.status) yield balanceView(r);
    const last: BalanceRow | undefined = page.rows[page.rows.length - 1];
    if (!last || page.rows.length < pageSize) return;
    after = { purchasedAt: last.purchased_at, packageId: last.package_id };
  }
}

/** Owed sessions and liability of active packages by location and template (R1, business-wide). */
export async function liabilitySummary(ctx: Ctx) {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  const rows = await sql<{
    location_id: string;
    location_name: string;
    template_id: string;
    package_name: string;
    currency: string;
    packages: number;
    sessions_owed: number;
    liability_minor: number;
  }>`
    SELECT p.location_id, loc.name AS location_name, p.template_id, min(p.name) AS package_name, p.currency,
           count(DISTINCT p.id)::int AS packages, sum(${owedSql})::int AS sessions_owed,
           sum(${owedValueSql})::bigint AS liability_minor
      FROM customer_packages p
      JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
      JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
     WHERE p.business_id = ${ctx.actor.businessId} AND p.refunded_at IS NULL
       AND (p.expires_at IS NULL OR p.expires_at >= ${now}) AND l.total > l.used
     GROUP BY p.location_id, loc.name, p.template_id, p.currency
     ORDER BY loc.name, package_name`.execute(ctx.database.db);
  return rows.rows.map((r) => ({
    locationId: r.location_id,
    locationName: r.location_name,
    templateId: r.template_id,
    packageName: r.package_name,
    currency: r.currency,
    packages: r.packages,
    sessionsOwed: r.sessions_owed,
    liabilityMinor: Number(r.liability_minor),
  }));
}

/** R2: active packages with credits left that expire within `days` days. */
export async function expiringSoon(ctx: Ctx, days: number, locationId?: string) {
  authorize(ctx, "view_reports");
  const now = ctx.clock().epochMilliseconds;
  const until = new Date(now + days * 86_400_000);
  const rows = await sql<BalanceRow>`
    SELECT * FROM (${balanceRowsQuery(ctx, { status: "active", locationId }, new Date(now))}) b
     WHERE b.remaining > 0 AND b.package_id IN (
       SELECT id FROM customer_packages WHERE business_id = ${ctx.actor.businessId} AND expires_at <= ${until})
     ORDER BY expires_on, customer_name LIMIT 500`.execute(ctx.database.db);
  return rows.rows.map(balanceView);
}

export type RedemptionGrouping = "day" | "staff" | "location";

/** R2: credits used (redeemed or consumed) in a period, less those undone, by day, staff or location. */
export async function redemptionsReport(
  ctx: Ctx,
  q: { from: Date; to: Date; groupBy: RedemptionGrouping; locationId?: string | undefined },
) {
  authorize(ctx, "view_reports");
  const key = {
    day: sql`to_char(m.occurred_at AT TIME ZONE p.time_zone, 'YYYY-MM-DD')`,
    staff: sql`coalesce(s.name, 'System')`,
    location: sql`coalesce(loc.name, '—')`,
  }[q.groupBy];
  const rows = await sql<{
    key: string;
    currency: string;
    redeemed: number;
    undone: number;
    value_minor: number;
  }>`
    SELECT ${key} AS key, p.currency,
           coalesce(sum(m.quantity) FILTER (WHERE m.kind IN ('redeem', 'consume')), 0)::int AS redeemed,
           coalesce(sum(m.quantity) FILTER (WHERE m.kind = 'restore' AND r.kind IN ('redeem', 'consume')), 0)::int AS undone,
           coalesce(sum(m.value_minor) FILTER (WHERE m.kind IN ('redeem', 'consume')), 0)
             - coalesce(sum(m.value_minor) FILTER (WHERE m.kind = 'restore' AND r.kind IN ('redeem', 'consume')), 0) AS value_minor
      FROM movements m
      JOIN customer_packages p ON p.business_id = m.business_id AND p.id = m.package_id
      LEFT JOIN movements r ON r.business_id = m.business_id AND r.id = m.reverses_id
      LEFT JOIN staff s ON s.business_id = m.business_id AND s.id = m.actor_staff_id
      LEFT JOIN locations loc ON loc.business_id = m.business_id AND loc.id = m.location_id
     WHERE m.business_id = ${ctx.actor.businessId} AND m.occurred_at >= ${q.from} AND m.occurred_at < ${q.to}
       AND m.kind IN ('redeem', 'consume', 'restore')
       ${q.locationId ? sql`AND m.location_id = ${q.locationId}` : sql``}
     GROUP BY 1, 2 ORDER BY 1, 2`.execute(ctx.database.db);
  return rows.rows
    .map((r) => ({
      key: r.key,
      currency: r.currency,
      redeemed: r.redeemed,
      undone: r.undone,
      net: r.redeemed - r.undone,
      valueMinor: Number(r.value_minor),
    }))
    .filter((r) => r.redeemed > 0 || r.undone > 0);
}

/** R5: revenue earned by used credits in a period, and what is still deferred, by location and template. */
export async function revenueReport(ctx: Ctx, q: { from: Date; to: Date }) {
  authorize(ctx, "view_reports");
  const earned = await sql<{
    location_name: string;
    package_name: string;
    template_id: string;
    currency: string;
    earned_minor: number;
    credits: number;
  }>`
    SELECT loc.name AS location_name, min(p.name) AS package_name, p.template_id, p.currency,
           sum(CASE WHEN m.kind = 'restore' THEN -m.value_minor ELSE m.value_minor END) AS earned_minor,
           sum(CASE WHEN m.kind = 'restore' THEN -m.quantity ELSE m.quantity END)::int AS credits
      FROM movements m
      JOIN customer_packages p ON p.business_id = m.business_id AND p.id = m.package_id
      JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
     WHERE m.business_id = ${ctx.actor.businessId} AND m.occurred_at >= ${q.from} AND m.occurred_at < ${q.to}
       AND m.kind IN ('redeem', 'consume', 'deduct', 'restore')
     GROUP BY loc.name, p.template_id, p.currency
     ORDER BY loc.name, package_name`.execute(ctx.database.db);
  const deferred = await liabilitySummary(ctx);
  return {
    earned: earned.rows.map((r) => ({
      locationName: r.location_name,
      packageName: r.package_name,
      templateId: r.template_id,
      currency: r.currency,
      earnedMinor: Number(r.earned_minor),
      credits: r.credits,
    })),
    deferred: deferred.map((d) => ({
      locationName: d.locationName,
      packageName: d.packageName,
      templateId: d.templateId,
      currency: d.currency,
      deferredMinor: d.liabilityMinor,
      credits: d.sessionsOwed,
    })),
  };
}

/** T10: commissions by staff for tickets closed in a period, net of refunded lines. */
export async function commissionReport(ctx: Ctx, q: { from: Date; to: Date }) {
  authorize(ctx, "view_reports");
  const rows = await sql<{
    staff_id: string;
    staff_name: string;
    currency: string;
    lines: number;
    covered_lines: number;
    commission_minor: number;
  }>`
    SELECT tl.staff_id, s.name AS staff_name, t.currency, count(*)::int AS lines,
           count(*) FILTER (WHERE tl.consumed_movement_id IS NOT NULL)::int AS covered_lines,
           coalesce(sum(tl.commission_minor), 0) AS commission_minor
      FROM ticket_lines tl
      JOIN tickets t ON t.business_id = tl.business_id AND t.id = tl.ticket_id
      JOIN staff s ON s.business_id = tl.business_id AND s.id = tl.staff_id
     WHERE tl.business_id = ${ctx.actor.businessId} AND t.closed_at >= ${q.from} AND t.closed_at < ${q.to}
       AND t.status IN ('closed', 'refunded') AND tl.refunded_at IS NULL
     GROUP BY tl.staff_id, s.name, t.currency
     ORDER BY s.name, t.currency`.execute(ctx.database.db);
  return rows.rows.map((r) => ({
    staffId: r.staff_id,
    staffName: r.staff_name,
    currency: r.currency,
    lines: r.lines,
    coveredLines: r.covered_lines,
    commissionMinor: Number(r.commission_minor),
  }));
}
