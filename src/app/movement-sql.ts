// SQL pieces of the ledger's write path, shared by the one-movement statement (write-movement.ts)
// and the set-based end-of-class sweep (src/jobs/class-sweep.ts), so that both write the same
// columns and judge a package's validity, and a credit's worth, the same way.
import { type RawBuilder, sql } from "kysely";
import { creditRangeValueSql } from "../db/sql-credit-value.js";

/** The columns of a movement, in the order the INSERT … SELECT of both write paths gives them. */
export const movementColumns = sql`(business_id, package_id, line_id, customer_id, kind, quantity, value_minor,
  occurred_at, actor_staff_id, location_id, reason, reservation_id, reverses_id, appointment_id,
  ticket_line_id, class_enrolment_id, total_after, used_after, booked_after)`;

/** The columns of an activity-log entry, in the order both write paths give them. */
export const activityColumns = sql`(business_id, occurred_at, actor_staff_id, location_id, action, customer_id,
  package_id, movement_id, reason, details)`;

/**
 * Package `p` can give a credit for a service at `serviceAt` at `locationId` (src/domain/ledger.ts
 * refuseTakingCredits, for the kinds in NEEDS_VALID_PACKAGE): bought by then, not expired then,
 * not paused then (G4: the pauses are read only when the package has any), redeemable there. A null
 * location is not checked.
 */
export function packageValidForServiceSql(
  serviceAt: RawBuilder<unknown>,
  locationId: RawBuilder<unknown> | null,
): RawBuilder<boolean>[] {
  const guards = [
    sql<boolean>`p.purchased_at <= ${serviceAt}`,
    sql<boolean>`(p.expires_at IS NULL OR p.expires_at >= ${serviceAt})`,
    sql<boolean>`(p.pauses = '[]'::jsonb OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p.pauses) pause
      WHERE ${serviceAt} >= (pause->>'startsAt')::timestamptz AND ${serviceAt} < (pause->>'endsAt')::timestamptz))`,
  ];
  if (locationId) {
    guards.push(
      sql<boolean>`(p.redeemable_location_ids IS NULL OR ${locationId} = ANY (p.redeemable_location_ids))`,
    );
  }
  return guards;
}

/** The worth of the credits a line `line` (with value_minor, granted) used going from usedBefore to usedAfter. */
export function usedCreditsValueSql(
  line: string,
  usedBefore: RawBuilder<unknown>,
  usedAfter: RawBuilder<unknown>,
): RawBuilder<number> {
  return creditRangeValueSql(
    sql.ref(`${line}.value_minor`),
    sql.ref(`${line}.granted`),
    usedBefore,
    usedAfter,
  );
}
