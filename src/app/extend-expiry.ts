// P7: a manager moves a package's expiry date later, also for a package that has already expired;
// the credits the expiry sweep wrote off come back with `unexpire` movements that point at them.
import { Temporal } from "temporal-polyfill";
import { conflict } from "../domain/errors.js";
import { fromExpiryDate, localDate, parseLocalDate, toDate } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getPackageRow } from "./lookups.js";
import { loadPackage, type PackageView } from "./package-view.js";
import { enqueueWebhookEvent, packageEventData } from "./webhooks/outbox.js";
import { writeMovement } from "./write-movement.js";

export async function extendExpiry(
  ctx: Ctx,
  input: { packageId: string; expiresOn: string; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<PackageView> {
  authorize(ctx, "extend_expiry");
  const businessId = ctx.actor.businessId;
  const newDate = parseLocalDate(input.expiresOn, "expiresOn");
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    // Locked, so that the expiry sweep skips it and a second extension waits for this one.
    const pkg = await getPackageRow(tx, businessId, input.packageId, "packageId", { forUpdate: true });
    if (pkg.refunded_at)
      throw conflict("package_refunded", "A refunded package cannot be extended.", "packageId");
    if (pkg.expires_on === null)
      throw conflict("package_never_expires", "This package never expires.", "packageId");
    if (Temporal.PlainDate.compare(newDate, Temporal.PlainDate.from(pkg.expires_on)) <= 0) {
      throw conflict("expiry_not_later", `The new expiry must be after ${pkg.expires_on}.`, "expiresOn");
    }
    if (Temporal.PlainDate.compare(newDate, localDate(now, pkg.time_zone)) < 0) {
      throw conflict("expiry_in_past", "The new expiry date has already passed.", "expiresOn");
    }
    const expiry = fromExpiryDate(newDate, pkg.time_zone);
    await tx
      .updateTable("customer_packages")
      .set({ expires_on: expiry.expiresOn, expires_at: toDate(expiry.expiresAt!), expiry_swept_at: null })
      .where("business_id", "=", businessId)
      .where("id", "=", pkg.id)
      .execute();
    const writtenOff = await tx
      .selectFrom("movements as m")
      .select(["m.id", "m.line_id", "m.quantity"])
      .where("m.business_id", "=", businessId)
      .where("m.package_id", "=", pkg.id)
      .where("m.kind", "=", "expire")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("movements as r")
              .select("r.id")
              .whereRef("r.business_id", "=", "m.business_id")
              .whereRef("r.reverses_id", "=", "m.id"),
          ),
        ),
      )
      .orderBy("m.seq")
      .execute();
    for (const m of writtenOff) {
      await writeMovement(tx, {
        businessId,
        lineId: m.line_id,
        kind: "unexpire",
        quantity: m.quantity,
        at: now,
        locationId: ctx.actor.locationId,
        actorStaffId: ctx.actor.staffId,
        reversesId: m.id,
        reason: input.reason,
        activity: null,
      });
    }
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: ctx.actor.staffId,
      locationId: ctx.actor.locationId,
      action: "extend",
      customerId: pkg.customer_id,
      packageId: pkg.id,
      reason: input.reason ?? null,
      details: { from: pkg.expires_on, to: expiry.expiresOn },
    });
    const extended = await loadPackage(tx, businessId, pkg.id, now);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.extended",
      data: packageEventData(extended, { previousExpiresOn: pkg.expires_on }),
      at: now,
    });
    return extended;
  });
}
