// L7: the activity log, append-only. Movements write their entry in the same statement
// (write-movement.ts); other actions (sell, extend, refund) write theirs here, in their transaction.
import type { Temporal } from "temporal-polyfill";
import { toDate } from "../domain/validity.js";
import { actorStaffId, type Ctx, type Executor } from "./context.js";

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

/**
 * An administrative action (staff, tokens, settings, locations, catalog, balance links) in the
 * activity log, in the caller's transaction: who did it, when, and what it changed.
 */
export async function logAdminAction(
  db: Executor,
  ctx: Ctx,
  action: string,
  details: Record<string, unknown>,
  customerId: string | null = null,
): Promise<void> {
  await logActivity(db, {
    businessId: ctx.actor.businessId,
    at: ctx.clock(),
    actorStaffId: actorStaffId(ctx),
    locationId: ctx.actor.locationId,
    action,
    customerId,
    details,
  });
}

/** The fields whose value differs between two views of a record, each as { from, to }. */
export function changedFields<T extends object>(
  before: T,
  after: T,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof T & string>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}
