// A5: with the default redemption point, a booked credit is used when the appointment's end has
// passed (unless checkout came first). Each due service is claimed FOR UPDATE SKIP LOCKED, and the
// ledger allows one resolution per reservation, so two servers sweeping at once consume it once.
// Appointments already on a ticket are left to the ticket: their credit is used when it closes.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import { consumeService } from "../app/appointments.js";
import type { App } from "../app/context.js";
import { announceChanges } from "../app/live/hub.js";
import { toDate } from "../domain/validity.js";

export async function sweepEndedAppointments(
  app: App,
  now: Temporal.Instant,
  batchSize = 200,
): Promise<number> {
  let consumed = 0;
  for (;;) {
    const swept = await app.database.db.transaction().execute(async (tx) => {
      const due = await sql<{
        id: string;
        business_id: string;
        appointment_id: string;
        location_id: string;
        package_line_id: string;
        reservation_id: string;
      }>`
        SELECT sv.id, sv.business_id, sv.appointment_id, a.location_id, sv.package_line_id, sv.reservation_id
          FROM appointment_services sv
          JOIN appointments a ON a.business_id = sv.business_id AND a.id = sv.appointment_id
          JOIN businesses b ON b.id = a.business_id
         WHERE a.end_at < ${toDate(now)} AND a.status IN ('booked', 'checked_in') AND a.ticket_id IS NULL
           AND b.redemption_point = 'checkout_or_end'
           AND sv.reservation_id IS NOT NULL AND sv.consumed_movement_id IS NULL
         ORDER BY a.end_at
         LIMIT ${batchSize}
           FOR UPDATE OF sv SKIP LOCKED`.execute(tx);
      for (const sv of due.rows) {
        await consumeService(
          tx,
          { clock: () => now, actorStaffId: null },
          { business_id: sv.business_id, id: sv.appointment_id, location_id: sv.location_id },
          sv,
          "appointment ended",
        );
      }
      return due.rows.map((sv) => sv.business_id);
    });
    // U4: committed; the front desks of these businesses see the credits used
    announceChanges(app, swept, ["appointments", "packages", "customers", "activity", "reports"]);
    const n = swept.length;
    consumed += n;
    if (n < batchSize) return consumed;
  }
}
