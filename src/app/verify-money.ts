// L2 for money: every store-credit balance equals its movements, every refunded package has exactly
// one refund, no refund exceeds what was paid, and the liability summary's running sums (migration
// 0026) equal what the lines owe. `carnet verify` runs this beside the credit
// ledger's check and exits non-zero naming each record that disagrees.
import { sql } from "kysely";
import type { Executor } from "./context.js";

export type MoneyProblemKind =
  /** a store-credit account's cached balance is not the sum of its movements */
  | "store_credit_balance"
  /** a package marked refunded has no refund record, or a refund record's package is not marked */
  | "refund_unrecorded"
  /** the package and its refund record disagree on the kind or the amount */
  | "refund_differs"
  /** more went back than the package was sold for */
  | "refund_exceeds_price"
  /** a store-credit refund was credited other than exactly once, with its amount */
  | "refund_credit_count"
  /** a line's refunded flag disagrees with its package */
  | "refund_lines"
  /** the liability summary's running sums of a group (location, template, currency) are not its lines' */
  | "liability_counters";

export interface MoneyProblem {
  kind: MoneyProblemKind;
  businessId: string;
  /** the package, or for a balance the customer */
  subjectId: string;
  detail: string;
}

export async function verifyMoney(db: Executor): Promise<MoneyProblem[]> {
  const { rows } = await sql<{
    kind: MoneyProblemKind;
    business_id: string;
    subject_id: string;
    detail: string;
  }>`
    WITH balances AS (
      SELECT a.business_id, a.customer_id, a.currency, a.balance_minor,
             coalesce((SELECT sum(m.amount_minor) FROM store_credit_movements m
                        WHERE m.business_id = a.business_id AND m.customer_id = a.customer_id
                          AND m.currency = a.currency), 0)::bigint AS ledger_minor
        FROM store_credit_accounts a
    ), refunded AS (
      SELECT p.business_id, p.id, p.refunded_at, p.refund_kind, p.refund_minor, p.price_minor,
             r.package_id AS recorded, r.kind AS r_kind, r.amount_minor AS r_amount
        FROM customer_packages p
        LEFT JOIN package_refunds r ON r.business_id = p.business_id AND r.package_id = p.id
       WHERE p.refunded_at IS NOT NULL OR r.package_id IS NOT NULL
    ), credits AS (
      SELECT m.business_id, m.package_id, count(*)::int AS n, sum(m.amount_minor)::bigint AS credited_minor
        FROM store_credit_movements m
       WHERE m.kind = 'package_refund'
       GROUP BY m.business_id, m.package_id
    )
    SELECT 'store_credit_balance' AS kind, business_id, customer_id AS subject_id,
           currency || ': cached ' || balance_minor || ', movements ' || ledger_minor AS detail
      FROM balances WHERE balance_minor <> ledger_minor
    UNION ALL
    SELECT 'refund_unrecorded', business_id, id,
           CASE WHEN recorded IS NULL THEN 'marked refunded without a refund record'
                ELSE 'a refund record for a package not marked refunded' END
      FROM refunded WHERE recorded IS NULL OR refunded_at IS NULL
    UNION ALL
    SELECT 'refund_differs', business_id, id,
           'package: ' || refund_kind || ' ' || refund_minor || ', record: ' || r_kind || ' ' || r_amount
      FROM refunded
     WHERE recorded IS NOT NULL AND refunded_at IS NOT NULL
       AND (refund_kind IS DISTINCT FROM r_kind OR refund_minor IS DISTINCT FROM r_amount)
    UNION ALL
    SELECT 'refund_exceeds_price', business_id, id,
           'refunded ' || greatest(coalesce(refund_minor, 0), coalesce(r_amount, 0)) || ' of a price of ' || price_minor
      FROM refunded WHERE greatest(coalesce(refund_minor, 0), coalesce(r_amount, 0)) > price_minor
    UNION ALL
    SELECT 'refund_credit_count', coalesce(f.business_id, c.business_id), coalesce(f.id, c.package_id),
           coalesce(c.n, 0) || ' store-credit movement(s) of ' || coalesce(c.credited_minor, 0) ||
           ' for a ' || coalesce(f.r_kind, 'missing') || ' refund of ' || coalesce(f.r_amount, 0)
      FROM (SELECT * FROM refunded WHERE recorded IS NOT NULL) f
      FULL JOIN credits c ON c.business_id = f.business_id AND c.package_id = f.id
     WHERE CASE WHEN f.r_kind = 'store_credit' AND f.r_amount > 0
                THEN coalesce(c.n, 0) <> 1 OR c.credited_minor <> f.r_amount
                ELSE c.n IS NOT NULL END
    UNION ALL
    SELECT 'refund_lines', p.business_id, p.id,
           count(*) || ' line(s) marked ' || CASE WHEN p.refunded_at IS NULL THEN 'refunded' ELSE 'not refunded' END
      FROM customer_packages p
      JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
     WHERE l.refunded <> (p.refunded_at IS NOT NULL)
     GROUP BY p.business_id, p.id, p.refunded_at
    UNION ALL
    SELECT 'liability_counters', coalesce(c.business_id, o.business_id),
           coalesce(c.template_id, o.template_id),
           'location ' || coalesce(c.location_id, o.location_id) || ' ' || coalesce(c.currency, o.currency) ||
           ': counted ' || coalesce(c.sums, '(none)') || ', lines ' || coalesce(o.sums, '(none)')
      FROM (SELECT business_id, location_id, template_id, currency,
                   concat_ws('/', sum(single_line_packages), sum(sessions_owed), sum(unlimited_lines),
                             sum(liability_minor)) AS sums
              FROM liability_counters GROUP BY 1, 2, 3, 4
            HAVING sum(single_line_packages) <> 0 OR sum(sessions_owed) <> 0 OR sum(unlimited_lines) <> 0
                OR sum(liability_minor) <> 0) c
      FULL JOIN (
            SELECT l.business_id, l.package_location_id AS location_id, l.package_template_id AS template_id,
                   l.package_currency AS currency,
                   concat_ws('/', sum(v.single_line_packages), sum(v.sessions_owed), sum(v.unlimited_lines),
                             sum(v.liability_minor)) AS sums
              FROM package_lines l,
                   LATERAL carnet_line_liability(l.refunded, l.package_expiry_swept, l.package_multi_line,
                     l.total, l.used, l.booked, l.granted, l.value_minor) v
             WHERE NOT l.refunded AND NOT l.package_expiry_swept AND l.total > l.used
             GROUP BY 1, 2, 3, 4) o
        ON o.business_id = c.business_id AND o.location_id = c.location_id AND o.template_id = c.template_id
       AND o.currency = c.currency
     WHERE c.sums IS DISTINCT FROM o.sums
    ORDER BY 2, 1, 3`.execute(db);
  return rows.map((r) => ({
    kind: r.kind,
    businessId: r.business_id,
    subjectId: r.subject_id,
    detail: r.detail,
  }));
}
