// P9: a manager adds credits (the whole bucket grows: 10/10 → 15/15) or deducts them (remaining
// shrinks, the total stays: 10 → 7/10), always with a reason.
import { invalid } from "../domain/errors.js";
import { authorize, type Ctx, type Executor } from "./context.js";
import { type WrittenMovement, writeMovement } from "./write-movement.js";

export interface AdjustInput {
  lineId: string;
  packageId?: string | undefined;
  direction: "add" | "deduct";
  quantity: number;
  reason: string;
}

export async function adjustCredits(
  ctx: Ctx,
  input: AdjustInput,
  db: Executor = ctx.database.db,
): Promise<WrittenMovement> {
  authorize(ctx, "adjust");
  if (input.reason.trim().length === 0)
    throw invalid("reason_required", "Say why the credits are adjusted.", "reason");
  return writeMovement(db, {
    businessId: ctx.actor.businessId,
    lineId: input.lineId,
    packageId: input.packageId,
    kind: input.direction,
    quantity: input.quantity,
    at: ctx.clock(),
    locationId: ctx.actor.locationId,
    actorStaffId: ctx.actor.staffId,
    reason: input.reason.trim(),
    activity: { action: "adjust", details: { direction: input.direction, quantity: input.quantity } },
    webhook: "package.adjusted",
  });
}
