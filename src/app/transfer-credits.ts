// G3: a manager moves the free credits of a package (or of one of its lines) to another customer.
// Each line moved is a transfer_out of its free credits and a transfer_in of as many into a new
// package of the recipient, worth what the source lost (its top credits, creditRangeValue), so the
// liability moves between customers and its total stays. The new package keeps the source's
// expiry unless the manager sets another, and remembers where it came from. Undo writes the
// opposite pair, each pointing at the movement it reverses, while the credits are still free.
import { Temporal } from "temporal-polyfill";
import { conflict, invalid, notFound } from "../domain/errors.js";
import {
  fromExpiryDate,
  isExpiredAt,
  localDate,
  parseLocalDate,
  toDate,
  toInstant,
} from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getCustomer, getPackageRow } from "./lookups.js";
import { loadPackage, type PackageView } from "./package-view.js";
import { enqueueWebhookEvent } from "./webhooks/outbox.js";
import { writeMovement } from "./write-movement.js";

export interface TransferInput {
  packageId: string;
  toCustomerId: string;
  /** one line only; absent: every line with free credits */
  lineId?: string | undefined;
  /** the new package's last day; absent: the source's expiry */
  expiresOn?: string | undefined;
  reason: string;
}

export interface TransferResult {
  from: PackageView;
  to: PackageView;
}

export async function transferCredits(
  ctx: Ctx,
  input: TransferInput,
  db: Executor = ctx.database.db,
): Promise<TransferResult> {
  authorize(ctx, "transfer_credits");
  const businessId = ctx.actor.businessId;
  const reason = input.reason.trim();
  if (reason.length === 0) throw invalid("reason_required", "Say why the credits are moved.", "reason");
  const newExpiry = input.expiresOn === undefined ? null : parseLocalDate(input.expiresOn, "expiresOn");
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    // Locked, so that a refund, an extension or a second transfer waits for this one.
    const pkg = await getPackageRow(tx, businessId, input.packageId, "packageId", { forUpdate: true });
    const recipient = await getCustomer(tx, businessId, input.toCustomerId, "toCustomerId");
    if (recipient.id === pkg.customer_id)
      throw conflict("transfer_to_owner", "The credits already belong to this customer.", "toCustomerId");
    if (pkg.refunded_at)
      throw conflict(
        "package_refunded",
        "This package was refunded; its credits cannot be moved.",
        "packageId",
      );
    if (isExpiredAt(pkg.expires_at ? toInstant(pkg.expires_at) : null, now))
      throw conflict("package_expired", "The package has expired; its credits cannot be moved.", "packageId");
    if (newExpiry && Temporal.PlainDate.compare(newExpiry, localDate(now, pkg.time_zone)) < 0)
      throw conflict("expiry_in_past", "The new expiry date has already passed.", "expiresOn");
    let linesQuery = tx
      .selectFrom("package_lines")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("package_id", "=", pkg.id)
      .orderBy("position");
    if (input.lineId !== undefined) linesQuery = linesQuery.where("id", "=", input.lineId);
    const lines = await linesQuery.execute();
    if (input.lineId !== undefined && lines.length === 0) throw notFound("line", "lineId");
    const moving = lines.filter((l) => l.total - l.used - l.booked > 0);
    if (moving.length === 0)
      throw conflict(
        "nothing_to_transfer",
        "There are no free credits to move.",
        input.lineId ? "lineId" : "packageId",
      );

    const expiry = newExpiry
      ? fromExpiryDate(newExpiry, pkg.time_zone)
      : { expiresOn: pkg.expires_on, expiresAt: pkg.expires_at ? toInstant(pkg.expires_at) : null };
    const target = await tx
      .insertInto("customer_packages")
      .values({
        business_id: businessId,
        customer_id: recipient.id,
        template_id: pkg.template_id,
        name: pkg.name,
        kind: pkg.kind,
        location_id: pkg.location_id,
        time_zone: pkg.time_zone,
        currency: pkg.currency,
        // filled in below: what the credits are worth (what a refund of it could give back)
        price_minor: 0,
        commission_basis: pkg.commission_basis,
        online_bookable: pkg.online_bookable,
        redeemable_location_ids: pkg.redeemable_location_ids,
        validity: JSON.stringify(pkg.validity),
        purchased_at: toDate(now),
        expires_on: expiry.expiresOn,
        expires_at: expiry.expiresAt ? toDate(expiry.expiresAt) : null,
        sold_by: ctx.actor.staffId,
        transferred_from_package_id: pkg.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    const moved: Array<{
      lineId: string;
      toLineId: string;
      itemName: string;
      quantity: number;
      valueMinor: number;
    }> = [];
    for (const [position, line] of moving.entries()) {
      const quantity = line.total - line.used - line.booked;
      const common = {
        businessId,
        quantity,
        at: now,
        locationId: ctx.actor.locationId,
        actorStaffId: ctx.actor.staffId,
        reason,
        activity: null,
      };
      const out = await writeMovement(tx, { ...common, lineId: line.id, kind: "transfer_out" });
      const toLine = await tx
        .insertInto("package_lines")
        .values({
          business_id: businessId,
          package_id: target.id,
          customer_id: recipient.id,
          position,
          item_id: line.item_id,
          item_kind: line.item_kind,
          item_name: line.item_name,
          retail_price_minor: line.retail_price_minor,
          granted: quantity,
          value_minor: out.valueMinor,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const arrived = await writeMovement(tx, { ...common, lineId: toLine.id, kind: "transfer_in" });
      await tx
        .insertInto("credit_transfers")
        .values({
          business_id: businessId,
          out_movement_id: out.id,
          in_movement_id: arrived.id,
          from_package_id: pkg.id,
          to_package_id: target.id,
          quantity,
          value_minor: out.valueMinor,
        })
        .execute();
      moved.push({
        lineId: line.id,
        toLineId: toLine.id,
        itemName: line.item_name,
        quantity,
        valueMinor: out.valueMinor,
      });
    }
    const worth = moved.reduce((n, m) => n + m.valueMinor, 0);
    await tx
      .updateTable("customer_packages")
      .set({ price_minor: worth })
      .where("business_id", "=", businessId)
      .where("id", "=", target.id)
      .execute();
    const credits = moved.map((m) => ({ item: m.itemName, quantity: m.quantity }));
    for (const [customerId, packageId, action, other] of [
      [pkg.customer_id, pkg.id, "transfer_out", recipient.id],
      [recipient.id, target.id, "transfer_in", pkg.customer_id],
    ] as const) {
      await logActivity(tx, {
        businessId,
        at: now,
        actorStaffId: ctx.actor.staffId,
        locationId: ctx.actor.locationId,
        action,
        customerId,
        packageId,
        reason,
        details: {
          credits,
          valueMinor: worth,
          currency: pkg.currency,
          ...(action === "transfer_out" ? { toCustomerId: other, toPackageId: target.id } : {}),
          ...(action === "transfer_in" ? { fromCustomerId: other, fromPackageId: pkg.id } : {}),
        },
      });
    }
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.transferred",
      data: {
        fromPackageId: pkg.id,
        fromCustomerId: pkg.customer_id,
        toPackageId: target.id,
        toCustomerId: recipient.id,
        valueMinor: worth,
        currency: pkg.currency,
        lines: moved,
        undone: false,
      },
      at: now,
    });
    return {
      from: await loadPackage(tx, businessId, pkg.id, now),
      to: await loadPackage(tx, businessId, target.id, now),
    };
  });
}

/**
 * Undoes the transfer a movement belongs to (its transfer_out or its transfer_in): every line it
 * moved goes back while the recipient has not used or booked those credits. The original pair stays
 * in history; the database allows one reversal per movement.
 */
export async function undoTransfer(
  ctx: Ctx,
  input: { movementId: string; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<TransferResult> {
  authorize(ctx, "transfer_credits");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    const one = await tx
      .selectFrom("credit_transfers")
      .select(["from_package_id", "to_package_id"])
      .where("business_id", "=", businessId)
      .where((eb) =>
        eb.or([eb("out_movement_id", "=", input.movementId), eb("in_movement_id", "=", input.movementId)]),
      )
      .executeTakeFirst();
    if (!one) throw notFound("transfer", "movementId");
    const to = await getPackageRow(tx, businessId, one.to_package_id, "movementId", { forUpdate: true });
    const from = await getPackageRow(tx, businessId, one.from_package_id, "movementId", { forUpdate: true });
    const pairs = await tx
      .selectFrom("credit_transfers as t")
      .innerJoin("movements as o", (j) =>
        j.onRef("o.business_id", "=", "t.business_id").onRef("o.id", "=", "t.out_movement_id"),
      )
      .innerJoin("movements as i", (j) =>
        j.onRef("i.business_id", "=", "t.business_id").onRef("i.id", "=", "t.in_movement_id"),
      )
      .select([
        "t.out_movement_id",
        "t.in_movement_id",
        "t.quantity",
        "o.line_id as from_line_id",
        "i.line_id as to_line_id",
      ])
      .where("t.business_id", "=", businessId)
      .where("t.to_package_id", "=", to.id)
      .where("t.from_package_id", "=", from.id)
      .execute();
    const undone = await tx
      .selectFrom("movements")
      .select("id")
      .where("business_id", "=", businessId)
      .where(
        "reverses_id",
        "in",
        pairs.map((p) => p.in_movement_id),
      )
      .executeTakeFirst();
    if (undone) throw conflict("already_undone", "This transfer was already undone.", "movementId");
    if (from.refunded_at || to.refunded_at)
      throw conflict("package_refunded", "A refunded package's credits cannot be moved.", "movementId");
    const reason = input.reason?.trim() || null;
    for (const p of pairs) {
      const common = {
        businessId,
        quantity: p.quantity,
        at: now,
        locationId: ctx.actor.locationId,
        actorStaffId: ctx.actor.staffId,
        reason,
        activity: null,
      };
      try {
        await writeMovement(tx, {
          ...common,
          lineId: p.to_line_id,
          kind: "transfer_out",
          reversesId: p.in_movement_id,
        });
      } catch (err) {
        if ((err as { code?: string }).code === "insufficient_credits")
          throw conflict(
            "transfer_credits_used",
            "The recipient has already used or booked some of these credits; the transfer cannot be undone.",
            "movementId",
          );
        throw err;
      }
      await writeMovement(tx, {
        ...common,
        lineId: p.from_line_id,
        kind: "transfer_in",
        reversesId: p.out_movement_id,
      });
    }
    const credits = pairs.reduce((n, p) => n + p.quantity, 0);
    for (const [customerId, packageId] of [
      [to.customer_id, to.id],
      [from.customer_id, from.id],
    ] as const) {
      await logActivity(tx, {
        businessId,
        at: now,
        actorStaffId: ctx.actor.staffId,
        locationId: ctx.actor.locationId,
        action: "transfer_undo",
        customerId,
        packageId,
        reason,
        details: { credits, fromPackageId: from.id, toPackageId: to.id },
      });
    }
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.transferred",
      data: {
        fromPackageId: from.id,
        fromCustomerId: from.customer_id,
        toPackageId: to.id,
        toCustomerId: to.customer_id,
        lines: pairs.map((p) => ({ lineId: p.from_line_id, toLineId: p.to_line_id, quantity: p.quantity })),
        undone: true,
      },
      at: now,
    });
    return {
      from: await loadPackage(tx, businessId, from.id, now),
      to: await loadPackage(tx, businessId, to.id, now),
    };
  });
}
