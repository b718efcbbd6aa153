// L6: undo a redemption (or a consume, a no-show included, or a deduct) with a restore movement that
// points at the original. The original stays in history; the database allows one undo per movement.
import { conflict } from "../domain/errors.js";
import { UNDOABLE } from "../domain/ledger.js";
import { authorize, type Ctx, type Executor } from "./context.js";
import { getMovement } from "./lookups.js";
import { type WrittenMovement, writeMovement } from "./write-movement.js";

export async function undoMovement(
  ctx: Ctx,
  input: { movementId: string; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<WrittenMovement> {
  authorize(ctx, "undo");
  const original = await getMovement(db, ctx.actor.businessId, input.movementId);
  if (!UNDOABLE.has(original.kind)) {
    throw conflict("movement_not_undoable", `A ${original.kind} movement cannot be undone.`, "movementId");
  }
  if (original.ticket_line_id && original.kind === "consume") {
    throw conflict(
      "undo_ticket_refund_instead",
      "Credits used on a closed ticket come back by refunding the line.",
      "movementId",
    );
  }
  const reversal = await db
    .selectFrom("movements")
    .select("id")
    .where("business_id", "=", ctx.actor.businessId)
    .where("reverses_id", "=", original.id)
    .executeTakeFirst();
  // The unique index on reverses_id refuses a second undo in a race; this answers the common case.
  if (reversal) throw conflict("already_undone", "This movement was already undone.", "movementId");
  return writeMovement(db, {
    businessId: ctx.actor.businessId,
    lineId: original.line_id,
    kind: "restore",
    quantity: original.quantity,
    at: ctx.clock(),
    locationId: ctx.actor.locationId,
    actorStaffId: ctx.actor.staffId,
    reason: input.reason ?? null,
    reversesId: original.id,
    appointmentId: original.appointment_id,
    classEnrolmentId: original.class_enrolment_id,
    activity: { action: "undo", details: { undoneKind: original.kind, quantity: original.quantity } },
    webhook: "package.redemption_reversed",
  });
}
