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

export type RefundKind = "money" | "store_credit";

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
    const pkg = await getPackageRow(tx, businessId, input.packageId);
    // Lock the lines (in id order, like every writer) so no redemption slips in between the check
    // and the refund; a redemption that waited then sees `refunded` on the row it updates.
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
    if (status === "refunded")
      throw conflict("package_refunded", "This package was already refunded.", "packageId");
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
    await tx
      .updateTable("package_lines")
      .set({ refunded: true })
      .where("business_id", "=", businessId)
      .where("package_id", "=", pkg.id)
      .execute();
    await tx
      .updateTable("customer_packages")
      .set({ refunded_at: toDate(now), refund_kind: input.kind, refund_minor: amount })
      .where("business_id", "=", businessId)
      .where("id", "=", pkg.id)
      .execute();
    if (input.kind === "store_credit" && amount > 0) {
      await creditStoreCredit(tx, {
        businessId,
        customerId: pkg.customer_id,
        currency: pkg.currency,
        amountMinor: amount,
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
    return loadPackage(tx, businessId, pkg.id, now);
  });
}

async function creditStoreCredit(
  tx: Executor,
  e: {
    businessId: string;
    customerId: string;
    currency: string;
    amountMinor: number;
    packageId: string;
    actorStaffId: string;
    at: Date;
    reason: string | null;
  },
) {
  await tx
    .insertInto("store_credit_accounts")
    .values({
      business_id: e.businessId,
      customer_id: e.customerId,
      currency: e.currency,
      balance_minor: e.amountMinor,
    })
    .onConflict((oc) =>
      oc.columns(["business_id", "customer_id", "currency"]).doUpdateSet((eb) => ({
        balance_minor: eb("store_credit_accounts.balance_minor", "+", e.amountMinor),
      })),
    )
    .execute();
  await tx
    .insertInto("store_credit_movements")
    .values({
      business_id: e.businessId,
      customer_id: e.customerId,
      currency: e.currency,
      amount_minor: e.amountMinor,
      kind: "package_refund",
      package_id: e.packageId,
      actor_staff_id: e.actorStaffId,
      occurred_at: e.at,
      reason: e.reason,
    })
    .execute();
}
