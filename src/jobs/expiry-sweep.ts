// At expiry the credits still free are written off with `expire` movements, for the liability
// reports (the counters a person sees do not change). Set-based, one statement per batch, through
// the same ledger tables: packages are claimed FOR UPDATE SKIP LOCKED and marked swept in the same
// statement, so running it twice, or on two servers at once, writes each package's movements once;
// after downtime it catches up on everything that expired meanwhile.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { Executor } from "../app/context.js";
import { webhookOutboxCtes } from "../app/webhooks/outbox.js";
import { toDate } from "../domain/validity.js";

export async function sweepExpiredPackages(
  db: Executor,
  now: Temporal.Instant,
  batchSize = 500,
  /** after each batch: the businesses whose packages it swept (U4 tells their browsers) */
  swept: (businessIds: string[]) => void = () => {},
): Promise<number> {
  let packages = 0;
  for (;;) {
    const result = await sql<{ packages: number; businesses: string[] }>`
      WITH due AS (
        SELECT business_id, id FROM customer_packages
         WHERE expires_at < ${toDate(now)} AND expiry_swept_at IS NULL AND refunded_at IS NULL
         ORDER BY expires_at
         LIMIT ${batchSize}
           FOR UPDATE SKIP LOCKED
      ), marked AS (
        UPDATE customer_packages p SET expiry_swept_at = ${toDate(now)}
          FROM due WHERE p.business_id = due.business_id AND p.id = due.id
        RETURNING p.business_id, p.id, p.customer_id
      ), line AS (
        UPDATE package_lines l SET expired = l.expired + (l.total - l.used - l.booked)
          FROM marked
         WHERE l.business_id = marked.business_id AND l.package_id = marked.id
           AND l.total - l.used - l.booked > 0
        RETURNING l.*, l.total - l.used - l.booked AS quantity
      ), mv AS (
        INSERT INTO movements (business_id, package_id, line_id, customer_id, kind, quantity, occurred_at,
               reason, total_after, used_after, booked_after)
        SELECT business_id, package_id, id, customer_id, 'expire', quantity, ${toDate(now)}::timestamptz,
               'package expired', total, used, booked
          FROM line
        RETURNING business_id, id, package_id, line_id, quantity, total_after, used_after, booked_after
      ), act AS (
        INSERT INTO activity_log (business_id, occurred_at, action, customer_id, package_id, details)
        SELECT marked.business_id, ${toDate(now)}::timestamptz, 'expire', marked.customer_id, marked.id,
               jsonb_build_object('creditsWrittenOff',
                 (SELECT coalesce(sum(quantity), 0) FROM mv WHERE mv.business_id = marked.business_id
                   AND mv.package_id = marked.id))
          FROM marked
      ), webhook_source AS (
        -- W3: one event per package, with each line's write-off (none when nothing was left)
        SELECT marked.business_id, 'package.expired'::text AS type, ${toDate(now)}::timestamptz AS occurred_at,
               jsonb_build_object('packageId', marked.id, 'customerId', marked.customer_id,
                 'lines', coalesce((SELECT jsonb_agg(jsonb_build_object('lineId', mv.line_id, 'movementId', mv.id,
                   'quantity', mv.quantity, 'counters', jsonb_build_object('total', mv.total_after,
                   'used', mv.used_after, 'booked', mv.booked_after,
                   'remaining', mv.total_after - mv.used_after - mv.booked_after)) ORDER BY mv.line_id)
                   FROM mv WHERE mv.business_id = marked.business_id AND mv.package_id = marked.id), '[]'::jsonb)) AS data
          FROM marked
      ), ${webhookOutboxCtes("webhook_source")}
      SELECT count(*)::int AS packages,
             coalesce(array_agg(DISTINCT business_id::text), '{}') AS businesses
        FROM marked`.execute(db);
    const n = result.rows[0]?.packages ?? 0;
    if (n > 0) swept(result.rows[0]?.businesses ?? []);
    packages += n;
    if (n < batchSize) return packages;
  }
}
