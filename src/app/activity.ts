// L7: the activity log, append-only. Movements write their entry in the same statement
// (write-movement.ts); other actions (sell, extend, refund) write theirs here, in their transaction.
import type { Temporal } from "temporal-polyfill";
import { toDate } from "../domain/validity.js";
import type { Executor } from "./context.js";

export interface ActivityEntry {
  businessId: string;
  at: Temporal.Instant;
  actorStaffId: string | null;
  locationId: string | null;
  action: string;
  customerId?: string | null;
  packageId?: string | null;
  movementId?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export async function logActivity(db: Executor, e: ActivityEntry): Promise<void> {
  await db
    .insertInto("activity_log")
    .values({
      business_id: e.businessId,
      occurred_at: toDate(e.at),
      actor_staff_id: e.actorStaffId,
      location_id: e.locationId,
      action: e.action,
      customer_id: e.customerId ?? null,
      package_id: e.packageId ?? null,
      movement_id: e.movementId ?? null,
      reason: e.reason ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}
