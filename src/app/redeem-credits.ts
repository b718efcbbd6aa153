// Quick redeem (seed 000): each call takes `quantity` credits (default 1) from one package line, at
// once, with no reservation. Also: redeem an item for a customer, the package chosen by FIFO (L8).
import { conflict } from "../domain/errors.js";
import { chooseLineFifo, pausedRefusal } from "../domain/fifo.js";
import { authorize, type Ctx, type Executor } from "./context.js";
import type { IdempotencyClaim } from "./idempotency.js";
import { candidateLine, getCustomer } from "./lookups.js";
import {
  type MovementInput,
  type WrittenMovement,
  writeMovement,
  writeMovementOnce,
} from "./write-movement.js";

export interface RedeemLineInput {
  lineId: string;
  packageId?: string | undefined;
  quantity: number;
  reason?: string | undefined;
  appointmentId?: string | undefined;
  ticketLineId?: string | undefined;
}

export async function redeemLine(
  ctx: Ctx,
  input: RedeemLineInput,
  db: Executor = ctx.database.db,
): Promise<WrittenMovement> {
  return writeMovement(db, redemptionOf(ctx, input));
}

/**
 * The quick redeem in one statement, with the request's Idempotency-Key stored alongside (L4): the
 * movement as the JSON text that was stored with the key.
 */
export async function redeemLineOnce(
  ctx: Ctx,
  input: RedeemLineInput,
  claim: IdempotencyClaim | null,
): Promise<string> {
  return writeMovementOnce(ctx.database.db, redemptionOf(ctx, input), claim);
}

function redemptionOf(ctx: Ctx, input: RedeemLineInput): MovementInput {
  authorize(ctx, "redeem");
  return {
    businessId: ctx.actor.businessId,
    lineId: input.lineId,
    packageId: input.packageId,
    kind: "redeem",
    quantity: input.quantity,
    at: ctx.clock(),
    locationId: ctx.actor.locationId,
    actorStaffId: ctx.actor.staffId,
    reason: input.reason,
    appointmentId: input.appointmentId,
    ticketLineId: input.ticketLineId,
    activity: { action: "redeem", details: { quantity: input.quantity } },
    webhook: "package.redeemed",
  };
}

export interface RedeemItemInput {
  customerId: string;
  itemId: string;
  quantity: number;
  reason?: string | undefined;
}

export async function redeemItemFifo(
  ctx: Ctx,
  input: RedeemItemInput,
  db: Executor = ctx.database.db,
): Promise<WrittenMovement> {
  authorize(ctx, "redeem");
  const businessId = ctx.actor.businessId;
  await getCustomer(db, businessId, input.customerId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = ctx.clock();
    const rows = await db
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
        "l.refunded",
        "p.purchased_at",
        "p.expires_at",
        "p.redeemable_location_ids",
        "p.pauses",
      ])
      .where("l.business_id", "=", businessId)
      .where("l.customer_id", "=", input.customerId)
      .where("l.item_id", "=", input.itemId)
      .where("l.refunded", "=", false)
      .execute();
    const request = {
      kind: "redeem" as const,
      quantity: input.quantity,
      serviceAt: now,
      locationId: ctx.actor.locationId,
    };
    const candidates = rows.map(candidateLine);
    const chosen = chooseLineFifo(candidates, input.itemId, request);
    if (!chosen) {
      throw (
        pausedRefusal(candidates, input.itemId, request) ??
        conflict(
          "no_eligible_package",
          "The customer has no active package with enough credits for this item.",
          "itemId",
        )
      );
    }
    try {
      return await redeemLine(
        ctx,
        { lineId: chosen.lineId, quantity: input.quantity, reason: input.reason },
        db,
      );
    } catch (error) {
      // Another till took the last credit of that package meanwhile: choose again.
      if ((error as { code?: string }).code !== "insufficient_credits") throw error;
    }
  }
  throw conflict("concurrent_update", "The customer's packages changed meanwhile; try again.");
}
