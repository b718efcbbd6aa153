// C3–C5: when a class session ends, one eligible credit is used for every enrolled attendee, once.
// Skipped: no-shows (they wait for staff review), cancelled enrolments, and attendees checked out on
// a ticket, open or closed (C4), unless that open ticket holds the credit they booked with. An
// attendee with no reservation and no ticket whose package was bought after enrolling still pays
// with it (C5), eligibility judged at the session's end. Enrolments are claimed FOR UPDATE SKIP
// LOCKED and marked swept in the same transaction, so two servers sweeping at once, or a sweep
// catching up after downtime, use each credit once.
//
// Set-based: a batch is three statements whatever its size. (1) claim the due enrolments; (2) lock
// every package line the batch may touch, in sorted id order (two sweepers never deadlock), and
// read the retroactive attendees' candidate lines, so that src/domain (chooseLineFifo) decides on
// counters nobody can move any more; (3) one statement writes every movement through the ledger's
// SQL pieces (src/app/movement-sql.ts): a conditional UPDATE per line, refused by the database when
// the line cannot give what the batch asks of it, feeding the movements, the activity entries, the
// ticket lines and the enrolments. A line refused leaves only its own enrolments unswept: they are
// skipped for the rest of this run and decided afresh at the next one.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { App, Executor } from "../app/context.js";
import { announceChanges } from "../app/live/hub.js";
import { candidateLine } from "../app/lookups.js";
import {
  activityColumns,
  movementColumns,
  packageValidForServiceSql,
  usedCreditsValueSql,
} from "../app/movement-sql.js";
import { webhookOutboxCtes } from "../app/webhooks/outbox.js";
import type { PauseRecord } from "../db/schema.js";
import { type CandidateLine, chooseLineFifo } from "../domain/fifo.js";
import { toDate, toInstant } from "../domain/validity.js";

const CONSUME_REASON = "class ended";
const RETROACTIVE_REASON = "class ended (package bought after enrolling)";

interface DueEnrolment {
  id: string;
  business_id: string;
  customer_id: string;
  package_line_id: string | null;
  reservation_id: string | null;
  item_id: string;
  location_id: string;
  end_at: Date;
}

/** One credit the batch takes: a consume of the enrolment's reservation, or a retroactive redeem. */
interface Take {
  enrolment: DueEnrolment;
  lineId: string;
  kind: "consume" | "redeem";
}

export async function sweepEndedClasses(app: App, now: Temporal.Instant, batchSize = 500): Promise<number> {
  let used = 0;
  // Enrolments whose line the database refused in this run: left for the next run, not re-claimed now.
  const refused: string[] = [];
  for (;;) {
    const n = await app.database.db.transaction().execute(async (tx) => {
      const due = await claimDue(tx, now, batchSize, refused);
      if (due.length === 0) return { claimed: 0, paid: 0, businesses: [] };
      const { takes, nothingToPay } = await decide(tx, due);
      const done = await writeTakes(tx, now, takes, nothingToPay);
      for (const t of takes) if (!done.has(t.enrolment.id)) refused.push(t.enrolment.id);
      const paid = takes.filter((t) => done.get(t.enrolment.id)).length;
      return { claimed: due.length, paid, businesses: due.map((e) => e.business_id) };
    });
    // U4: committed; the front desks of these businesses see their rosters and packages change
    announceChanges(app, n.businesses, [
      "classes",
      "packages",
      "customers",
      "activity",
      "reports",
      "tickets",
    ]);
    used += n.paid;
    if (n.claimed < batchSize) return used;
  }
}

async function claimDue(
  tx: Executor,
  now: Temporal.Instant,
  batchSize: number,
  skip: readonly string[],
): Promise<DueEnrolment[]> {
  const due = await sql<DueEnrolment>`
    SELECT e.id, e.business_id, e.customer_id, e.package_line_id, e.reservation_id, s.item_id, s.location_id, s.end_at
      FROM class_enrolments e
      JOIN class_sessions s ON s.business_id = e.business_id AND s.id = e.session_id
      LEFT JOIN tickets t ON t.business_id = e.business_id AND t.id = e.ticket_id
     WHERE s.end_at < ${toDate(now)} AND s.status = 'scheduled'
       AND e.status = 'enrolled' AND e.swept_at IS NULL AND e.consumed_movement_id IS NULL
       -- Checked out on a ticket, open or closed: the ticket pays, and the sweep takes nothing (C4).
       -- The one exception is a credit the attendee booked with, held on a still open ticket: it
       -- counts as used when the session ends (C6, online bookings).
       AND (e.ticket_id IS NULL OR (t.status = 'open' AND e.reservation_id IS NOT NULL))
       AND NOT (e.id = ANY (${skip}::uuid[]))
     ORDER BY s.end_at, e.id
     LIMIT ${batchSize}
       FOR UPDATE OF e SKIP LOCKED`.execute(tx);
  return due.rows;
}

/**
 * Locks the lines the batch may use and decides which one each enrolment pays with: its reserved
 * line, or (C5) the FIFO choice among the customer's lines for the class, valid at the session's
 * end. Choices see the credits taken by earlier enrolments of the same batch, in claim order, as
 * one-by-one writes would.
 */
async function decide(tx: Executor, due: DueEnrolment[]) {
  const reserved = due.filter((e) => e.reservation_id && e.package_line_id);
  const retroactive = due.filter((e) => !(e.reservation_id && e.package_line_id));
  const lines = await sql<{
    id: string;
    business_id: string;
    package_id: string;
    customer_id: string;
    item_id: string;
    total: number;
    used: number;
    booked: number;
    refunded: boolean;
    purchased_at: Date;
    expires_at: Date | null;
    redeemable_location_ids: string[] | null;
    pauses: PauseRecord[];
  }>`
    WITH wanted AS (
      SELECT * FROM unnest(${reserved.map((e) => e.business_id)}::uuid[],
                           ${reserved.map((e) => e.package_line_id)}::uuid[]) AS r (business_id, id)
      UNION
      SELECT l.business_id, l.id
        FROM unnest(${retroactive.map((e) => e.business_id)}::uuid[], ${retroactive.map((e) => e.customer_id)}::uuid[],
                    ${retroactive.map((e) => e.item_id)}::uuid[]) AS k (business_id, customer_id, item_id)
        JOIN package_lines l ON l.business_id = k.business_id AND l.customer_id = k.customer_id AND l.item_id = k.item_id
       WHERE NOT l.refunded
    )
    SELECT l.id, l.business_id, l.package_id, l.customer_id, l.item_id, l.total, l.used, l.booked, l.refunded,
           p.purchased_at, p.expires_at, p.redeemable_location_ids, p.pauses
      FROM wanted w
      JOIN package_lines l ON l.business_id = w.business_id AND l.id = w.id
      JOIN customer_packages p ON p.business_id = l.business_id AND p.id = l.package_id
     ORDER BY l.business_id, l.id
       FOR UPDATE OF l`.execute(tx);
  const candidates = new Map<string, CandidateLine[]>();
  for (const r of lines.rows) {
    if (r.refunded) continue;
    const key = `${r.business_id}:${r.customer_id}:${r.item_id}`;
    const list = candidates.get(key) ?? [];
    list.push(candidateLine(r));
    candidates.set(key, list);
  }
  const takes: Take[] = [];
  const nothingToPay: DueEnrolment[] = [];
  for (const e of due) {
    if (e.reservation_id && e.package_line_id) {
      takes.push({ enrolment: e, lineId: e.package_line_id, kind: "consume" });
      continue;
    }
    const chosen = chooseLineFifo(
      candidates.get(`${e.business_id}:${e.customer_id}:${e.item_id}`) ?? [],
      e.item_id,
      {
        kind: "redeem",
        quantity: 1,
        serviceAt: toInstant(e.end_at),
        locationId: e.location_id,
      },
    );
    if (!chosen) {
      nothingToPay.push(e);
      continue;
    }
    chosen.used += 1; // the next choice in this batch sees this credit taken
    takes.push({ enrolment: e, lineId: chosen.lineId, kind: "redeem" });
  }
  return { takes, nothingToPay };
}

/**
 * One statement for the whole batch. Each line is updated once, by what all its takes add up to,
 * under the guards write-movement.ts puts on one movement (consume: that many booked; redeem: not
 * refused, that many remaining, the package valid for each service); the database's CHECKs and the
 * "one resolution per reservation" index stay the last word. The movements carry the running
 * counters and the worth of the credit each used, in claim order within the line. An enrolment
 * whose reservation was already resolved (released or used elsewhere) has nothing left to pay: it
 * is marked swept without a movement. Returns, per enrolment done, whether it paid.
 */
async function writeTakes(
  tx: Executor,
  now: Temporal.Instant,
  takes: Take[],
  nothingToPay: DueEnrolment[],
): Promise<Map<string, boolean>> {
  const at = toDate(now);
  const col = <T>(f: (t: Take) => T) => takes.map(f);
  const result = await sql<{ enrolment_id: string; paid: boolean }>`
    WITH take AS (
      SELECT x.*, x.kind = 'consume' AND EXISTS (
               SELECT 1 FROM movements r
                WHERE r.business_id = x.business_id AND r.reservation_id = x.reservation_id AND r.reservation_id IS NOT NULL
             ) AS resolved
        FROM unnest(${takes.map((_, i) => i)}::int[], ${col((t) => t.enrolment.business_id)}::uuid[],
                    ${col((t) => t.enrolment.id)}::uuid[], ${col((t) => t.lineId)}::uuid[],
                    ${col((t) => t.kind)}::text[], ${col((t) => t.enrolment.reservation_id)}::uuid[],
                    ${col((t) => t.enrolment.end_at.toISOString())}::timestamptz[],
                    ${col((t) => t.enrolment.location_id)}::uuid[])
             AS x(ord, business_id, enrolment_id, line_id, kind, reservation_id, service_at, location_id)
    ), paying AS (
      SELECT t.*,
             row_number() OVER w AS nth,
             count(*) FILTER (WHERE t.kind = 'consume') OVER w AS consumed_nth
        FROM take t WHERE NOT t.resolved
      WINDOW w AS (PARTITION BY t.business_id, t.line_id ORDER BY t.ord)
    ), per_line AS (
      SELECT x.business_id, x.line_id,
             count(*) FILTER (WHERE x.kind = 'consume')::int AS consumes,
             count(*) FILTER (WHERE x.kind = 'redeem')::int AS redeems,
             bool_and(x.kind <> 'redeem' OR (${sql.join(
               packageValidForServiceSql(sql`x.service_at`, sql`x.location_id`),
               sql` AND `,
             )})) AS valid_for_services
        FROM paying x
        JOIN package_lines pl ON pl.business_id = x.business_id AND pl.id = x.line_id
        JOIN customer_packages p ON p.business_id = pl.business_id AND p.id = pl.package_id
       GROUP BY x.business_id, x.line_id
    ), line AS (
      UPDATE package_lines l
         SET used = l.used + n.consumes + n.redeems, booked = l.booked - n.consumes
        FROM per_line n
       WHERE l.business_id = n.business_id AND l.id = n.line_id
         AND l.booked >= n.consumes
         AND (n.redeems = 0 OR (NOT l.refunded AND l.total - l.used - l.booked >= n.redeems AND n.valid_for_services))
   RETURNING l.business_id, l.id, l.package_id, l.customer_id, l.total, l.value_minor, l.granted,
             l.used - n.consumes - n.redeems AS used_before, l.booked + n.consumes AS booked_before
    ), mv AS (
      INSERT INTO movements ${movementColumns}
      SELECT line.business_id, line.package_id, line.id, line.customer_id, x.kind, 1,
             ${usedCreditsValueSql("line", sql`line.used_before + x.nth - 1`, sql`line.used_before + x.nth`)},
             ${at}::timestamptz, NULL::uuid, x.location_id,
             CASE x.kind WHEN 'consume' THEN ${CONSUME_REASON}::text ELSE ${RETROACTIVE_REASON}::text END,
             CASE x.kind WHEN 'consume' THEN x.reservation_id END, NULL::uuid, NULL::uuid, NULL::uuid,
             x.enrolment_id, line.total, line.used_before + x.nth, line.booked_before - x.consumed_nth
        FROM paying x JOIN line ON line.business_id = x.business_id AND line.id = x.line_id
       ORDER BY x.ord
   RETURNING business_id, id, kind, line_id, package_id, customer_id, location_id, reason, class_enrolment_id,
             total_after, used_after, booked_after
    ), act AS (
      INSERT INTO activity_log ${activityColumns}
      SELECT mv.business_id, ${at}::timestamptz, NULL::uuid, mv.location_id, 'redeem', mv.customer_id,
             mv.package_id, mv.id, mv.reason,
             jsonb_build_object('quantity', 1, 'enrolmentId', mv.class_enrolment_id, 'retroactive', true)
        FROM mv WHERE mv.kind = 'redeem'
    ), paid AS (
      SELECT mv.business_id, mv.class_enrolment_id AS enrolment_id, mv.id AS movement_id, mv.line_id, t.reservation_id
        FROM mv JOIN take t ON t.business_id = mv.business_id AND t.enrolment_id = mv.class_enrolment_id
    ), webhook_source AS (
      -- W3: the same event, and the same data, as a consume written one at a time (write-movement.ts)
      SELECT mv.business_id, 'class.enrolment.consumed'::text AS type, ${at}::timestamptz AS occurred_at,
             jsonb_build_object('movementId', mv.id, 'kind', mv.kind, 'quantity', 1, 'packageId', mv.package_id,
             'lineId', mv.line_id, 'customerId', mv.customer_id, 'itemId', pl.item_id, 'reversesId', NULL,
             'appointmentId', NULL, 'ticketLineId', NULL, 'classEnrolmentId', mv.class_enrolment_id,
             'counters', jsonb_build_object('total', mv.total_after, 'used', mv.used_after,
             'booked', mv.booked_after, 'remaining', mv.total_after - mv.used_after - mv.booked_after)) AS data
        FROM mv JOIN package_lines pl ON pl.business_id = mv.business_id AND pl.id = mv.line_id
    ), ${webhookOutboxCtes("webhook_source")}, ticket AS (
      -- an open ticket holding this credit: its line is now paid by the used credit
      UPDATE ticket_lines tl SET consumed_movement_id = paid.movement_id
        FROM paid
       WHERE paid.reservation_id IS NOT NULL AND tl.business_id = paid.business_id
         AND tl.class_enrolment_id = paid.enrolment_id AND tl.reservation_id = paid.reservation_id
    ), swept AS (
      UPDATE class_enrolments e
         SET swept_at = ${at}::timestamptz, consumed_movement_id = paid.movement_id, package_line_id = paid.line_id
        FROM paid
       WHERE e.business_id = paid.business_id AND e.id = paid.enrolment_id
   RETURNING e.id, true AS paid
    ), unpaid AS (
      UPDATE class_enrolments e SET swept_at = ${at}::timestamptz
        FROM (SELECT business_id, enrolment_id FROM take WHERE resolved
              UNION ALL
              SELECT * FROM unnest(${nothingToPay.map((e) => e.business_id)}::uuid[],
                                   ${nothingToPay.map((e) => e.id)}::uuid[])) u (business_id, enrolment_id)
       WHERE e.business_id = u.business_id AND e.id = u.enrolment_id
   RETURNING e.id, false AS paid
    )
    SELECT id AS enrolment_id, paid FROM swept UNION ALL SELECT id, paid FROM unpaid`.execute(tx);
  return new Map(result.rows.map((r) => [r.enrolment_id, r.paid]));
}
