// C3–C5: when a class session ends, one eligible credit is used for every enrolled attendee, once.
// Skipped: no-shows (they wait for staff review), cancelled enrolments, and attendees already on a
// ticket (C4). An attendee with no reservation whose package was bought after enrolling still pays
// with it (C5), eligibility judged at the session's end. Enrolments are claimed FOR UPDATE SKIP
// LOCKED and marked swept in the same transaction, so two servers sweeping at once, or a sweep
// catching up after downtime, use each credit once.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { App } from "../app/context.js";
import { writeMovement } from "../app/write-movement.js";
import { chooseLineFifo } from "../domain/fifo.js";
import { toDate, toInstant } from "../domain/validity.js";

export async function sweepEndedClasses(app: App, now: Temporal.Instant, batchSize = 500): Promise<number> {
  let used = 0;
  for (;;) {
    const n = await app.database.db.transaction().execute(async (tx) => {
      const due = await sql<{
        id: string;
        business_id: string;
        customer_id: string;
        package_line_id: string | null;
        reservation_id: string | null;
        item_id: string;
        location_id: string;
        end_at: Date;
      }>`
        SELECT e.id, e.business_id, e.customer_id, e.package_line_id, e.reservation_id, s.item_id, s.location_id, s.end_at
          FROM class_enrolments e
          JOIN class_sessions s ON s.business_id = e.business_id AND s.id = e.session_id
          LEFT JOIN tickets t ON t.business_id = e.business_id AND t.id = e.ticket_id
         WHERE s.end_at < ${toDate(now)} AND s.status = 'scheduled'
           AND e.status = 'enrolled' AND e.swept_at IS NULL AND e.consumed_movement_id IS NULL
           -- checked out on a closed (or voided, refunded) ticket: exempt (C4); an open ticket still counts (C6)
           AND (e.ticket_id IS NULL OR t.status = 'open')
         ORDER BY s.end_at, e.id
         LIMIT ${batchSize}
           FOR UPDATE OF e SKIP LOCKED`.execute(tx);
      let consumedHere = 0;
      for (const e of due.rows) {
        const endAt = toInstant(e.end_at);
        let movementId: string | null = null;
        let lineId = e.package_line_id;
        if (e.reservation_id && e.package_line_id) {
          const m = await writeMovement(tx, {
            businessId: e.business_id,
            lineId: e.package_line_id,
            kind: "consume",
            quantity: 1,
            at: now,
            locationId: e.location_id,
            actorStaffId: null,
            reservationId: e.reservation_id,
            classEnrolmentId: e.id,
            reason: "class ended",
            activity: null,
          });
          movementId = m.id;
        } else {
          // C5: a package bought after enrolling, valid at the session's end.
          const candidates = await tx
            .selectFrom("package_lines as l")
            .innerJoin("customer_packages as p", (j) =>
              j.onRef("p.business_id", "=", "l.business_id").onRef("p.id", "=", "l.package_id"),
            )
            .select([
              "l.id",
              "l.package_id",
              "l.item_id",
              "l.total",
              "l.used",
              "l.booked",
              "p.purchased_at",
              "p.expires_at",
              "p.redeemable_location_ids",
            ])
            .where("l.business_id", "=", e.business_id)
            .where("l.customer_id", "=", e.customer_id)
            .where("l.item_id", "=", e.item_id)
            .where("l.refunded", "=", false)
            .execute();
          const chosen = chooseLineFifo(
            candidates.map((r) => ({
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
              },
            })),
            e.item_id,
            { kind: "redeem", quantity: 1, serviceAt: endAt, locationId: e.location_id },
          );
          if (chosen) {
            const m = await writeMovement(tx, {
              businessId: e.business_id,
              lineId: chosen.lineId,
              kind: "redeem",
              quantity: 1,
              at: now,
              serviceAt: endAt,
              locationId: e.location_id,
              actorStaffId: null,
              classEnrolmentId: e.id,
              reason: "class ended (package bought after enrolling)",
              activity: { action: "redeem", details: { quantity: 1, enrolmentId: e.id, retroactive: true } },
            });
            movementId = m.id;
            lineId = chosen.lineId;
          }
        }
        if (movementId && e.reservation_id) {
          // An open ticket holding this credit: its line is now paid by the used credit.
          await tx
            .updateTable("ticket_lines")
            .set({ consumed_movement_id: movementId })
            .where("business_id", "=", e.business_id)
            .where("class_enrolment_id", "=", e.id)
            .where("reservation_id", "=", e.reservation_id)
            .execute();
        }
        await tx
          .updateTable("class_enrolments")
          .set({
            swept_at: toDate(now),
            ...(movementId ? { consumed_movement_id: movementId, package_line_id: lineId } : {}),
          })
          .where("business_id", "=", e.business_id)
          .where("id", "=", e.id)
          .execute();
        if (movementId) consumedHere++;
      }
      return { claimed: due.rows.length, consumedHere };
    });
    used += n.consumedHere;
    if (n.claimed < batchSize) return used;
  }
}
