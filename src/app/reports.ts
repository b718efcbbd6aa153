// Reports for managers and owners: package balances and liability (R1), packages expiring soon and
// redemptions by period, staff and location (R2), earned and deferred package revenue (R5).
// Aggregation happens in SQL: these run over every package the business ever sold.
import { type RawBuilder, sql } from "kysely";
import type { Database } from "../db/database.js";
import { inNameOrder } from "../db/name-order.js";
import { creditRangeValueSql, instantIsoSql, packageStatusSql } from "../db/sql-credit-value.js";
import { CELL_START_PATTERN, INNER_CELL_START_PATTERN } from "../domain/csv-cell.js";
import { UNLIMITED_ABOVE } from "../domain/package-status.js";
import { authorize, type Ctx } from "./context.js";
import { getLocation } from "./lookups.js";
import { cursorOf, limitOf, type Page, type PageQuery, pageOf } from "./pages.js";

export type StatusFilter = "active" | "expired" | "fully_used" | "refunded" | "all";

export interface BalanceFilter {
  locationId?: string | undefined;
  templateId?: string | undefined;
  status: StatusFilter;
}

/** What is still owed on a line: credits not yet used (free or booked), and their worth. */
const owedSql = sql<number>`(l.total - l.used)`;
const owedValueSql = creditRangeValueSql(sql`l.value_minor`, sql`l.granted`, sql`l.used`, sql`l.total`);

/**
 * P10: a line with more than 100 credits left is an unlimited pass (isUnlimited). Its credits are not
 * sessions anyone will take, so sessions owed leave it out and count it apart ("+ 1 unlimited pass");
 * its liability is still the worth of its unused credits (R1), as for every line.
 */
const unlimitedLineSql = sql<boolean>`(l.total - l.used - l.booked > ${sql.lit(UNLIMITED_ABOVE)})`;
/** Sessions owed by a line: its owed credits, none for an unlimited pass. */
const owedSessionsSql = sql<number>`(CASE WHEN ${unlimitedLineSql} THEN 0 ELSE ${owedSql} END)`;

/** "2/5" left of a line, or UNLIMITED above 100 credits left (P10), as the package card says. */
const lineLeftSql = sql`CASE WHEN l.total - l.used - l.booked > ${sql.lit(UNLIMITED_ABOVE)} THEN 'UNLIMITED'
  ELSE (l.total - l.used - l.booked) || '/' || l.total END`;

function balanceRowsQuery(ctx: Ctx, f: BalanceFilter, now: Date) {
  const filters = sql`${f.locationId ? sql`AND p.location_id = ${f.locationId}` : sql``}
         ${f.templateId ? sql`AND p.template_id = ${f.templateId}` : sql``}`;
  const free = sql`sum(l.total - l.used - l.booked)`;
  const booked = sql`sum(l.booked)`;
  return sql<BalanceRow>`
    SELECT * FROM (
      SELECT p.id AS package_id, p.name AS package_name, p.template_id, c.id AS customer_id, c.name AS customer_name,
             p.location_id, loc.name AS location_name, p.currency, p.time_zone,
             p.purchased_at, p.expires_on, ${packageStatusSql(now, free, booked)} AS status,
             sum(l.total)::int AS total, sum(l.used)::int AS used, sum(l.booked)::int AS booked,
             sum(l.total - l.used - l.booked)::int AS remaining,
             sum(${owedSessionsSql})::int AS owed,
             count(*) FILTER (WHERE ${unlimitedLineSql})::int AS unlimited_lines,
             sum(${owedValueSql})::bigint AS owed_value_minor,
             string_agg(l.item_name || ' ' || ${lineLeftSql}, '; ' ORDER BY l.position) AS items,
             json_agg(json_build_object('itemName', l.item_name, 'total', l.total, 'used', l.used,
               'booked', l.booked, 'unlimited', ${unlimitedLineSql}) ORDER BY l.position) AS lines
        FROM customer_packages p
        JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
        JOIN customers c ON c.business_id = p.business_id AND c.id = p.customer_id
        JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
       WHERE p.business_id = ${ctx.actor.businessId} ${filters}
       GROUP BY p.business_id, p.id, c.business_id, c.id, loc.business_id, loc.id
    ) balances
    ${f.status === "all" ? sql`` : sql`WHERE status = ${f.status}`}`;
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
  unlimited_lines: number;
  owed_value_minor: number;
  items: string;
  lines: BalanceLine[] | string;
}

/** A line of a package in the balances report: its counters, for the screen to put in words. */
export interface BalanceLine {
  itemName: string;
  total: number;
  used: number;
  booked: number;
  unlimited: boolean;
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
    /** sessions still owed, unlimited passes left out (they are counted in unlimitedLines) */
    sessionsOwed: r.status === "active" ? r.owed : 0,
    unlimitedLines: r.status === "active" ? r.unlimited_lines : 0,
    liabilityMinor: r.status === "active" ? Number(r.owed_value_minor) : 0,
    items: r.items,
    lines: (typeof r.lines === "string" ? JSON.parse(r.lines) : r.lines) as BalanceLine[],
  };
}

export async function packageBalances(ctx: Ctx, f: BalanceFilter & PageQuery) {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  const base = balanceRowsQuery(ctx, f, now);
  // U1: customers in the order the working location reads names (Á with A in Budapest).
  const { locale } = await getLocation(ctx.database.db, ctx.actor.businessId, ctx.actor.locationId);
  const customer = inNameOrder(sql`customer_name`, locale);
  // W2: a page after the last customer, purchase and package of the page before
  const limit = limitOf(f);
  const after = cursorOf(f, ["text", "instant", "uuid"] as const);
  const rows = await sql<BalanceRow>`SELECT * FROM (${base}) b
    ${after ? sql`WHERE (${customer}, purchased_at, package_id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)` : sql``}
    ORDER BY ${customer}, purchased_at, package_id LIMIT ${limit + 1}`.execute(reportDb(ctx).db);
  const totals = await sql<{
    currency: string;
    packages: number;
    sessions_owed: number;
    unlimited_lines: number;
    liability_minor: number;
  }>`
    SELECT currency, count(*)::int AS packages,
           coalesce(sum(owed) FILTER (WHERE status = 'active'), 0)::int AS sessions_owed,
           coalesce(sum(unlimited_lines) FILTER (WHERE status = 'active'), 0)::int AS unlimited_lines,
           coalesce(sum(owed_value_minor) FILTER (WHERE status = 'active'), 0)::bigint AS liability_minor
      FROM (${base}) b GROUP BY currency ORDER BY currency`.execute(reportDb(ctx).db);
  return {
    ...pageOf(rows.rows, limit, (r) => [r.customer_name, r.purchased_at, r.package_id], balanceView),
    totals: totals.rows.map((t) => ({
      currency: t.currency,
      packages: t.packages,
      sessionsOwed: t.sessions_owed,
      unlimitedLines: t.unlimited_lines,
      liabilityMinor: Number(t.liability_minor),
    })),
  };
}

interface ExportPage {
  after: { soldAt: string; packageId: string } | null;
  size: number;
}

/**
 * The ' before a formula at the start of the text (CELL_START_PATTERN). Character tests first, not
 * regular expressions: the CSV's fields of every line of every package go through here. ascii()
 * reads the first character where left() would copy it: = + - @ " tab CR, or a space.
 */
function csvLeadSql(text: RawBuilder<unknown>) {
  return sql`CASE WHEN ascii(${text}) IN (61, 43, 45, 64, 34, 9, 13) THEN '''' || ${text}
    WHEN ascii(${text}) = 32 THEN regexp_replace(${text}, ${CELL_START_PATTERN}, '\\1''') ELSE ${text} END`;
}

/** The ' before a formula after each `;`, tab, CR or LF of the text (INNER_CELL_START_PATTERN). */
function csvInnerSql(text: RawBuilder<unknown>) {
  return sql`regexp_replace(${text}, ${INNER_CELL_START_PATTERN}, '\\1\\2''', 'g')`;
}

/** inertCsvText (src/domain/csv-cell.ts) in SQL: the pattern only for a text with a separator. */
function csvInertSql(text: RawBuilder<unknown>) {
  return sql`CASE WHEN strpos(${text}, ';') > 0 OR strpos(${text}, ${"\t"}) > 0 OR strpos(${text}, ${"\r"}) > 0
    OR strpos(${text}, ${"\n"}) > 0 THEN ${csvInnerSql(csvLeadSql(text))} ELSE ${csvLeadSql(text)} END`;
}

/**
 * The field quoted, as csvField writes it, when the text holds `,` `;` `"` CR or LF: the ' that
 * makes it inert adds none of those, so they are looked for in the text. The items are made inert
 * item by item (their ' go where the joined text would have them), then quoted here.
 */
function csvQuotedSql(text: RawBuilder<unknown>) {
  return sql`CASE WHEN strpos(${text}, ',') > 0 OR strpos(${text}, ';') > 0 OR strpos(${text}, '"') > 0
    OR strpos(${text}, ${"\n"}) > 0 OR strpos(${text}, ${"\r"}) > 0 THEN '"' || replace(${text}, '"', '""') || '"'
    ELSE ${text} END`;
}

/**
 * A CSV field in SQL, as csvField writes it. One CASE over the text: most texts that call for
 * quotes hold a separator too, so the pattern runs there, and the common text pays six character
 * tests and no pattern.
 */
function csvFieldSql(text: RawBuilder<unknown>) {
  const inert = csvInnerSql(csvLeadSql(text));
  return sql`CASE WHEN strpos(${text}, ',') > 0 OR strpos(${text}, ';') > 0 OR strpos(${text}, '"') > 0
    OR strpos(${text}, ${"\n"}) > 0 OR strpos(${text}, ${"\r"}) > 0 THEN '"' || replace(${inert}, '"', '""') || '"'
    WHEN strpos(${text}, ${"\t"}) > 0 THEN ${inert} ELSE ${csvLeadSql(text)} END`;
}

interface ExportRow {
  line: string;
  /** the next three in pages only */
  status: string;
  sold_at: string;
  package_id: string;
}

/**
 * The CSV export, one text line per package in order of sale, written by the database. Its lines
 * are sorted once by sale, package and position, and summed per package by a streaming group over
 * that order: grouping by the package's key instead made PostgreSQL sort everything again by
 * package id, and building a JavaScript row per package (19 columns parsed, then formatted) cost
 * more CPU than the query. Columns, status (P5) and liability (R1) are those of balanceRowsQuery
 * and balanceView; the CSV's columns are CSV_COLUMNS of the route.
 *
 * PostgreSQL's parallel workers scan, join and sort; the grouping and what follows it run in one
 * process. So each line row already carries its package's fields written as CSV (`head`, `place`,
 * `money`, `tail`): the workers write them, and the one process only sums, decides the status once
 * and joins the pieces (300,000 packages: 1.3 s in psql against 1.85 s when it wrote every field).
 * The items are joined in the order the grouping reads the lines, which the sort below puts in
 * position order: `string_agg(… ORDER BY position)` sorted each package's lines again, ≈9 % of the
 * query on PostgreSQL 15.
 */
export function exportQuery(ctx: Ctx, f: BalanceFilter, now: Date, page?: ExportPage) {
  const businessId = ctx.actor.businessId;
  const filters = sql`${f.locationId ? sql`AND p.location_id = ${f.locationId}` : sql``}
         ${f.templateId ? sql`AND p.template_id = ${f.templateId}` : sql``}`;
  const packages = page
    ? sql`(SELECT * FROM customer_packages p WHERE p.business_id = ${businessId} ${filters}
           ${page.after ? sql`AND (p.purchased_at, p.id) > (${page.after.soldAt}::timestamptz, ${page.after.packageId}::uuid)` : sql``}
           ORDER BY p.purchased_at, p.id LIMIT ${page.size}) p`
    : sql`customer_packages p`;
  // The package's fields follow its id in the sort (equal within a package, they cost no
  // comparison) and in the GROUP BY, which the sorted lines then satisfy as they come.
  const packageColumns = sql`x.sold_at, x.package_id, x.head, x.place, x.money, x.tail, x.expires_at, x.refunded_at`;
  // A page also returns its keyset (the sale and the package) and each line's status, to filter by;
  // the COPY, which reads every package in one go and filters in SQL, needs the line alone.
  const columns = page ? sql`g.line, g.status, g.sold_at::text AS sold_at, g.package_id` : sql`g.line`;
  return sql<ExportRow>`
    SELECT ${columns} FROM (
      SELECT s.sold_at, s.package_id, s.status,
             s.head || ',' || s.status || ',' || s.place || ',' || ${csvQuotedSql(sql`s.items`)}
             || ',' || s.free || ',' || s.booked || ',' || s.total
             || ',' || CASE WHEN s.status = 'active' THEN s.owed ELSE 0 END
             || ',' || CASE WHEN s.status = 'active' THEN s.unlimited_lines ELSE 0 END || ',' || s.money
             || ',' || CASE WHEN s.status = 'active' THEN s.owed_value_minor ELSE 0 END || ',' || s.tail AS line
        FROM (SELECT ${packageColumns},
                     ${packageStatusSql(now, sql`sum(x.free)`, sql`sum(x.booked)`, "x")} AS status,
                     string_agg(x.item, '; ') AS items, sum(x.free) AS free, sum(x.booked) AS booked,
                     sum(x.total) AS total, sum(x.owed) AS owed, sum(x.unlimited) AS unlimited_lines,
                     sum(x.owed_value_minor) AS owed_value_minor
                FROM (SELECT p.purchased_at AS sold_at, p.id AS package_id,
                             ${csvFieldSql(sql`c.name`)} || ',' || ${csvFieldSql(sql`p.name`)} AS head,
                             ${csvFieldSql(sql`loc.name`)} AS place, ${csvFieldSql(sql`p.currency::text`)} AS money,
                             ${instantIsoSql(sql`p.purchased_at`)} || ',' || coalesce(p.expires_on::text, '')
                               || ',' || p.id || ${"\r\n"} AS tail,
                             p.expires_at, p.refunded_at, l.position, l.total, l.booked,
                             l.total - l.used - l.booked AS free, ${owedSessionsSql} AS owed,
                             CASE WHEN ${unlimitedLineSql} THEN 1 ELSE 0 END AS unlimited,
                             ${owedValueSql} AS owed_value_minor,
                             ${csvInertSql(sql`l.item_name`)} || ' ' || ${lineLeftSql} AS item
                        FROM ${packages}
                        JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
                        JOIN customers c ON c.business_id = p.business_id AND c.id = p.customer_id
                        JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
                       WHERE p.business_id = ${businessId} ${filters}
                       ORDER BY sold_at, package_id, head, place, money, tail, p.expires_at, p.refunded_at,
                                l.position) x
               GROUP BY ${packageColumns}
               ORDER BY x.sold_at, x.package_id) s) g
    ${f.status === "all" ? sql`` : sql`WHERE g.status = ${f.status}`}`;
}

/**
 * Every row of the balances report as CSV lines in order of sale, in batches, for the export:
 * memory stays flat (a batch at a time, pulled by the download). On PostgreSQL one COPY of the
 * query (src/db/copy-out.ts): one snapshot, each table read once, the query's workers used; on
 * PGlite, which has one session that a COPY or a cursor would hold for the whole download, keyset
 * pages of packages in order of sale (customer_packages_sold).
 */
export async function* packageBalancesCsv(
  ctx: Ctx,
  f: BalanceFilter,
  batchSize = 5_000,
): AsyncGenerator<string | Buffer> {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  const reader = reportDb(ctx);
  const db = reader.db;
  if (reader.copyColumn) {
    // The sort runs in memory (work_mem for this transaction only).
    const batches = reader.copyColumn(exportQuery(ctx, f, now).compile(db), ["SET LOCAL work_mem = '128MB'"]);
    let lines: Buffer[] = [];
    for await (const values of batches) {
      for (const line of values) lines.push(line);
      if (lines.length >= batchSize) {
        yield Buffer.concat(lines);
        lines = [];
      }
    }
    if (lines.length > 0) yield Buffer.concat(lines);
    return;
  }
  let after: ExportPage["after"] = null;
  for (;;) {
    // every package of the page, whatever the status asked for: the last one is the next keyset
    const page: { rows: ExportRow[] } = await exportQuery(ctx, { ...f, status: "all" }, now, {
      after,
      size: batchSize,
    }).execute(db);
    const rows = f.status === "all" ? page.rows : page.rows.filter((r) => r.status === f.status);
    if (rows.length > 0) yield rows.map((r) => r.line).join("");
    const last: ExportRow | undefined = page.rows[page.rows.length - 1];
    if (!last || page.rows.length < batchSize) return;
    after = { soldAt: last.sold_at, packageId: last.package_id };
  }
}

/**
 * Owed sessions and liability of active packages by location and template (R1, business-wide).
 * It does not read every line: the database keeps each group's sums in liability_counters
 * (migration 0026) as lines change, for the lines of packages not yet written off by the expiry
 * sweep; the few lines whose expiry instant has passed and that the sweep has not reached are taken
 * off here (package_lines_expiring). Packages with several lines are counted once each with
 * count(DISTINCT) among the (indexed) lines of such packages; lines of one-line packages are counted
 * by the counters.
 */
export async function liabilitySummary(ctx: Ctx) {
  authorize(ctx, "view_reports");
  const now = new Date(ctx.clock().epochMilliseconds);
  const businessId = ctx.actor.businessId;
  const owing = sql`l.business_id = ${businessId} AND NOT l.refunded AND l.total > l.used
    AND (l.package_expires_at IS NULL OR l.package_expires_at >= ${now})`;
  const rows = await sql<{
    location_id: string;
    location_name: string;
    template_id: string;
    package_name: string;
    currency: string;
    packages: number;
    sessions_owed: number;
    unlimited_lines: number;
    liability_minor: number;
  }>`
    SELECT g.location_id, loc.name AS location_name, g.template_id, n.name AS package_name, g.currency,
           (g.single_line_packages + coalesce(m.packages, 0))::int AS packages,
           g.sessions_owed::int AS sessions_owed, g.unlimited_lines::int AS unlimited_lines,
           g.liability_minor::bigint AS liability_minor
      FROM (SELECT location_id, template_id, currency, sum(single_line_packages) AS single_line_packages,
                   sum(sessions_owed) AS sessions_owed, sum(unlimited_lines) AS unlimited_lines,
                   sum(liability_minor) AS liability_minor
              FROM (SELECT location_id, template_id, currency, single_line_packages, sessions_owed,
                           unlimited_lines, liability_minor
                      FROM liability_counters WHERE business_id = ${businessId}
                    UNION ALL
                    -- expired since the sweep last ran: no longer owed
                    SELECT l.package_location_id, l.package_template_id, l.package_currency,
                           -v.single_line_packages, -v.sessions_owed, -v.unlimited_lines, -v.liability_minor
                      FROM package_lines l,
                           LATERAL carnet_line_liability(l.refunded, l.package_expiry_swept, l.package_multi_line,
                             l.total, l.used, l.booked, l.granted, l.value_minor) v
                     WHERE l.business_id = ${businessId} AND NOT l.package_expiry_swept
                       AND l.package_expires_at IS NOT NULL AND NOT l.refunded
                       AND l.package_expires_at < ${now}) c
             GROUP BY 1, 2, 3) g
      LEFT JOIN (SELECT l.package_location_id AS location_id, l.package_template_id AS template_id,
                        l.package_currency AS currency, count(DISTINCT l.package_id) AS packages
                   FROM package_lines l WHERE ${owing} AND l.package_multi_line
                  GROUP BY 1, 2, 3) m
        ON m.location_id = g.location_id AND m.template_id = g.template_id AND m.currency = g.currency
      JOIN locations loc ON loc.business_id = ${businessId} AND loc.id = g.location_id
      -- the group's name: the first, in name order, of its packages that owe something
     CROSS JOIN LATERAL (
           SELECT p.name FROM customer_packages p
            WHERE p.business_id = ${businessId} AND p.template_id = g.template_id
              AND p.location_id = g.location_id AND p.currency = g.currency AND p.refunded_at IS NULL
              AND (p.expires_at IS NULL OR p.expires_at >= ${now})
              AND EXISTS (SELECT 1 FROM package_lines o
                           WHERE o.business_id = p.business_id AND o.package_id = p.id AND o.total > o.used)
            ORDER BY p.name LIMIT 1) n
     WHERE g.single_line_packages + coalesce(m.packages, 0) > 0
     ORDER BY loc.name, n.name`.execute(reportDb(ctx).db);
  return rows.rows.map((r) => ({
    locationId: r.location_id,
    locationName: r.location_name,
    templateId: r.template_id,
    packageName: r.package_name,
    currency: r.currency,
    packages: r.packages,
    sessionsOwed: r.sessions_owed,
    unlimitedLines: r.unlimited_lines,
    liabilityMinor: Number(r.liability_minor),
  }));
}

/** R2: active packages with credits left that expire within `days` days. */
export async function expiringSoon(
  ctx: Ctx,
  q: { days: number; locationId?: string | undefined } & PageQuery,
): Promise<Page<ReturnType<typeof balanceView>>> {
  authorize(ctx, "view_reports");
  const now = ctx.clock().epochMilliseconds;
  const until = new Date(now + q.days * 86_400_000);
  // W2: a page after the last day, customer and package of the page before
  const limit = limitOf(q);
  const after = cursorOf(q, ["text", "text", "uuid"] as const);
  const rows = await sql<BalanceRow>`
    SELECT * FROM (${balanceRowsQuery(ctx, { status: "active", locationId: q.locationId }, new Date(now))}) b
     WHERE b.remaining > 0 AND b.package_id IN (
       SELECT id FROM customer_packages WHERE business_id = ${ctx.actor.businessId} AND expires_at <= ${until})
       ${after ? sql`AND (b.expires_on::text, b.customer_name, b.package_id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)` : sql``}
     ORDER BY b.expires_on::text, b.customer_name, b.package_id LIMIT ${limit + 1}`.execute(reportDb(ctx).db);
  return pageOf(rows.rows, limit, (r) => [String(r.expires_on), r.customer_name, r.package_id], balanceView);
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
     GROUP BY 1, 2 ORDER BY 1, 2`.execute(reportDb(ctx).db);
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
     ORDER BY loc.name, package_name`.execute(reportDb(ctx).db);
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
      unlimitedLines: d.unlimitedLines,
    })),
  };
}

/**
 * T10, O4: commission for tickets closed in a period, net of refunded lines: per staff member and
 * currency the base, the amount owed and the lines that closed without a rate; and line by line the
 * base, the rate frozen at close and the amount (base × rate, rounded half up per line).
 */
export async function commissionReport(
  ctx: Ctx,
  q: { from: Date; to: Date; staffId?: string | undefined } & PageQuery,
) {
  authorize(ctx, "view_reports");
  // W2: lines a page at a time, after the last staff member, close, ticket and line of the page
  // before; the totals count every matching line, the same on every page.
  const limit = limitOf(q);
  const after = cursorOf(q, ["text", "uuid", "instant", "int", "int", "uuid"] as const);
  const where = sql`tl.business_id = ${ctx.actor.businessId} AND t.closed_at >= ${q.from} AND t.closed_at < ${q.to}
       AND t.status IN ('closed', 'refunded') AND tl.refunded_at IS NULL
       ${q.staffId ? sql`AND tl.staff_id = ${q.staffId}` : sql``}`;
  const from = sql`ticket_lines tl
      JOIN tickets t ON t.business_id = tl.business_id AND t.id = tl.ticket_id
      JOIN staff s ON s.business_id = tl.business_id AND s.id = tl.staff_id`;
  const totals = await sql<{
    staff_id: string;
    staff_name: string;
    currency: string;
    lines: number;
    covered_lines: number;
    unrated_lines: number;
    base_minor: number;
    amount_minor: number;
  }>`
    SELECT tl.staff_id, s.name AS staff_name, t.currency, count(*)::int AS lines,
           count(*) FILTER (WHERE tl.consumed_movement_id IS NOT NULL)::int AS covered_lines,
           count(*) FILTER (WHERE tl.commission_rate_bp IS NULL)::int AS unrated_lines,
           coalesce(sum(tl.commission_minor), 0) AS base_minor,
           coalesce(sum(tl.commission_amount_minor), 0) AS amount_minor
      FROM ${from}
     WHERE ${where}
     GROUP BY tl.staff_id, s.name, t.currency
     ORDER BY s.name, t.currency`.execute(reportDb(ctx).db);
  const lines = await sql<CommissionLineRow>`
    SELECT tl.id AS line_id, t.id AS ticket_id, t.number AS ticket_number, t.receipt_number, t.closed_at,
           tl.staff_id, s.name AS staff_name, t.currency, tl.name, tl.kind, tl.commission_category AS category,
           tl.consumed_movement_id IS NOT NULL AS covered, tl.commission_minor AS base_minor,
           tl.commission_rate_bp AS rate_bp, tl.commission_amount_minor AS amount_minor, tl.position
      FROM ${from}
     WHERE ${where}
       ${
         after
           ? sql`AND (s.name, tl.staff_id, t.closed_at, t.number, tl.position, tl.id) >
                 (${after[0]}::text, ${after[1]}::uuid, ${after[2]}::timestamptz, ${after[3]}::bigint,
                  ${after[4]}::int, ${after[5]}::uuid)`
           : sql``
       }
     ORDER BY s.name, tl.staff_id, t.closed_at, t.number, tl.position, tl.id
     LIMIT ${limit + 1}`.execute(reportDb(ctx).db);
  const page = pageOf(
    lines.rows,
    limit,
    (r) => [r.staff_name, r.staff_id, r.closed_at, Number(r.ticket_number), Number(r.position), r.line_id],
    commissionLineView,
  );
  return {
    ...page,
    totals: totals.rows.map((r) => ({
      staffId: r.staff_id,
      staffName: r.staff_name,
      currency: r.currency,
      lines: r.lines,
      coveredLines: r.covered_lines,
      linesWithoutRate: r.unrated_lines,
      baseMinor: Number(r.base_minor),
      amountMinor: Number(r.amount_minor),
    })),
  };
}

interface CommissionLineRow {
  line_id: string;
  ticket_id: string;
  ticket_number: number;
  receipt_number: number | null;
  closed_at: Date;
  staff_id: string;
  staff_name: string;
  currency: string;
  name: string;
  kind: string;
  category: string | null;
  position: number;
  covered: boolean;
  base_minor: number | null;
  rate_bp: number | null;
  amount_minor: number | null;
}

function commissionLineView(r: CommissionLineRow) {
  return {
    lineId: r.line_id,
    ticketId: r.ticket_id,
    ticketNumber: Number(r.ticket_number),
    receiptNumber: r.receipt_number === null ? null : Number(r.receipt_number),
    closedAt: r.closed_at.toISOString(),
    staffId: r.staff_id,
    staffName: r.staff_name,
    currency: r.currency,
    name: r.name,
    kind: r.kind,
    category: r.category,
    covered: r.covered,
    baseMinor: Number(r.base_minor ?? 0),
    rateBp: r.rate_bp,
    amountMinor: r.amount_minor === null ? null : Number(r.amount_minor),
  };
}

/**
 * X2: where the reports read: the standby of DATABASE_REPLICA_URL when there is one (their scans
 * leave the primary to the front desk), else the primary. What a front desk just changed shows on
 * the standby within its replication lag (reportSource).
 */
export function reportDb(ctx: { database: Database; replica?: Database | undefined }): Database {
  return ctx.replica ?? ctx.database;
}

/** Where the reports are read, and how far behind the primary that is (0 when caught up). */
export async function reportSource(ctx: Ctx): Promise<{ source: "primary" | "replica"; lagSeconds: number }> {
  authorize(ctx, "view_reports");
  if (!ctx.replica) return { source: "primary", lagSeconds: 0 };
  const { rows } = await sql<{ lag: number | null }>`
    SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag`.execute(
    ctx.replica.db,
  );
  return { source: "replica", lagSeconds: Math.max(0, Math.round(Number(rows[0]?.lag ?? 0) * 1000) / 1000) };
}
