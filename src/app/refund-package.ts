// P8: refund a package. Unused: always. Partly used: only with the business setting
// allowRefundUsedPackages. The leftovers of an expired package can go back as store credit (an act
// of grace, a manager's decision). What comes back is the worth of the free credits; a package with
// booked credits waits until they are used or released.
import { conflict } from "../domain/errors.js";
import { type PackageStatus, packageStatus } from "../domain/package-status.js";
import { toDate, toInstant } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getBusiness, getPackageRow } from "./lookups.js";
import { lineView, loadPackage, type PackageView } from "./package-view.js";
import { creditStoreCredit } from "./store-credit.js";
import { enqueueWebhookEvent, packageEventData } from "./webhooks/outbox.js";

export type RefundKind = "money" | "store_credit";

const alreadyRefunded = () => conflict("package_refunded", "This package was already refunded.", "packageId");

export async function refundPackage(
  ctx: Ctx,
  input: { packageId: string; kind: RefundKind; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<PackageView> {
  authorize(ctx, "refund");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    const business = await getBusiness(tx, businessId);
    // The package row first, then its lines in id order, as extending the expiry does: two
    // refunds of one package queue here, and the second sees the first one's refund.
    const pkg = await getPackageRow(tx, businessId, input.packageId, "packageId", { forUpdate: true });
    // Locked lines: no redemption slips in between the check and the refund; a redemption that
    // waited then sees `refunded` on the row it updates.
    const lines = await tx
      .selectFrom("package_lines")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("package_id", "=", pkg.id)
      .orderBy("id")
      .forUpdate()
      .execute();
    const views = lines.map(lineView);
    const status: PackageStatus = packageStatus(
      {
        refundedAt: pkg.refunded_at ? toInstant(pkg.refunded_at) : null,
        expiresAt: pkg.expires_at ? toInstant(pkg.expires_at) : null,
      },
      views,
      now,
    );
    if (status === "refunded") throw alreadyRefunded();
    if (views.some((l) => l.booked > 0)) {
      throw conflict(
        "package_has_bookings",
        "Cancel or complete the bookings on this package first.",
        "packageId",
      );
    }
    const used = views.some((l) => l.used > 0);
    const graceForExpired = input.kind === "store_credit" && status === "expired";
    if (used && !business.allow_refund_used_packages && !graceForExpired) {
      throw conflict(
        "package_used",
        "This package has been used; the business does not refund used packages.",
        "packageId",
      );
    }
    const amount = views.reduce((sum, l) => sum + l.remainingValueMinor, 0);
    // The guard in the statement is the rule, whatever the reads above saw.
    const marked = await tx
      .updateTable("customer_packages")
      .set({ refunded_at: toDate(now), refund_kind: input.kind, refund_minor: amount })
      .where("business_id", "=", businessId)
      .where("id", "=", pkg.id)
      .where("refunded_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!marked) throw alreadyRefunded();
    await tx
      .insertInto("package_refunds")
      .values({
        business_id: businessId,
        package_id: pkg.id,
        customer_id: pkg.customer_id,
        kind: input.kind,
        amount_minor: amount,
        currency: pkg.currency,
        occurred_at: toDate(now),
        actor_staff_id: ctx.actor.staffId,
        reason: input.reason ?? null,
      })
      .execute();
    await tx
      .updateTable("package_lines")
      .set({ refunded: true })
      .where("business_id", "=", businessId)
      .where("package_id", "=", pkg.id)
      .execute();
    if (input.kind === "store_credit" && amount > 0) {
      await creditStoreCredit(tx, {
        businessId,
        customerId: pkg.customer_id,
        currency: pkg.currency,
        amountMinor: amount,
        kind: "package_refund",
        packageId: pkg.id,
        actorStaffId: ctx.actor.staffId,
        at: toDate(now),
        reason: input.reason ?? null,
      });
    }
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: ctx.actor.staffId,
      locationId: ctx.actor.locationId,
      action: "refund",
      customerId: pkg.customer_id,
      packageId: pkg.id,
      reason: input.reason ?? null,
      details: { kind: input.kind, amountMinor: amount, currency: pkg.currency },
    });
    const refunded = await loadPackage(tx, businessId, pkg.id, now);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.refunded",
      data: packageEventData(refunded, {
        refundKind: input.kind,
        amountMinor: amount,
        currency: pkg.currency,
      }),
      at: now,
    });
    return refunded;
  });
}
