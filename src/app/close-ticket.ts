// T6: closing a ticket. Packages sold on it are created first (they may cover its other lines),
// coverage is decided once more, one-day packages are re-validated against each line's service date
// (T9: an expired one voids the ticket and releases its credits), the reserved credits are consumed,
// and the rest is paid with the tenders given; a walk-in covered by a package closes at 0.
import type { Transaction } from "kysely";
import { Temporal } from "temporal-polyfill";
import type { DB } from "../db/schema.js";
import { commissionAmount, commissionBase, rateFor } from "../domain/commission.js";
import { conflict, invalid } from "../domain/errors.js";
import { toDate } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { settleAppointmentTicket } from "./appointments.js";
import { settleClassTicket } from "./classes.js";
import { ratesOf } from "./commission-rates.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { lockOpenTicket, voidLocked } from "./edit-ticket.js";
import { sellPackage } from "./sell-package.js";
import { spendStoreCredit } from "./store-credit.js";
import { recomputeCoverage } from "./ticket-coverage.js";
import { closeWithReceiptNumber } from "./ticket-numbers.js";
import { loadTicket, type TicketView, taxContained } from "./ticket-view.js";
import { enqueueWebhookEvent, ticketEventData } from "./webhooks/outbox.js";
import { writeMovement } from "./write-movement.js";

export type Tender = "cash" | "card" | "store_credit";

/** One way the ticket is paid; a split payment is several (U5). */
export interface Payment {
  tender: Tender;
  amountMinor: number;
  /** cash only: what the customer handed over, at least the amount; the rest went back as change */
  tenderedMinor?: number | undefined;
}

export async function closeTicket(
  ctx: Ctx,
  ticketId: string,
  input: { payments: Payment[] },
  db: Executor = ctx.database.db,
): Promise<TicketView> {
  authorize(ctx, "sell_package");
  checkTendered(input.payments);
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    let ticket = await lockOpenTicket(tx, businessId, ticketId);
    const saleLines = await tx
      .selectFrom("ticket_lines")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("ticket_id", "=", ticket.id)
      .where("kind", "=", "package_sale")
      .orderBy("position")
      .execute();
    const allLines = await tx
      .selectFrom("ticket_lines")
      .select("id")
      .where("business_id", "=", businessId)
      .where("ticket_id", "=", ticket.id)
      .execute();
    if (allLines.length === 0)
      throw conflict("ticket_empty", "Add something to the ticket before closing it.", "ticketId");

    // T9: a one-day package reserved for a later service date has expired before it: void.
    const stale = await staleOneDayCoverage(tx, businessId, ticket.id);
    if (stale) {
      await voidLocked(tx, ctx, ticket, `one-day package "${stale}" expired before the service date`);
      return loadTicket(tx, businessId, ticketId);
    }

    for (const sale of saleLines) {
      const pkg = await sellPackage(
        ctx,
        {
          customerId: sale.gift_to_customer_id ?? ticket.customer_id!,
          templateId: sale.template_id!,
          locationId: ticket.location_id,
          priceMinor: sale.retail_price_minor,
          ticketLineId: sale.id,
          ...(sale.gift_to_customer_id
            ? { giftFromCustomerId: ticket.customer_id!, giftMessage: sale.gift_message ?? undefined }
            : {}),
        },
        tx,
      );
      await tx
        .updateTable("ticket_lines")
        .set({ sold_package_id: pkg.id })
        .where("business_id", "=", businessId)
        .where("id", "=", sale.id)
        .execute();
    }
    ticket = await lockOpenTicket(tx, businessId, ticketId);
    await recomputeCoverage(tx, ticket, ctx.actor.staffId, now);

    const lines = await tx
      .selectFrom("ticket_lines as tl")
      .leftJoin("package_lines as pl", (j) =>
        j.onRef("pl.business_id", "=", "tl.business_id").onRef("pl.id", "=", "tl.package_line_id"),
      )
      .leftJoin("customer_packages as p", (j) =>
        j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
      )
      .selectAll("tl")
      .select([
        "p.id as package_id",
        "p.commission_basis",
        "p.price_minor as package_price_minor",
        "p.expires_on",
        "p.validity",
      ])
      .where("tl.business_id", "=", businessId)
      .where("tl.ticket_id", "=", ticket.id)
      .orderBy("tl.position")
      .execute();
    for (const l of lines) {
      if (
        l.package_line_id &&
        l.expires_on &&
        Temporal.PlainDate.compare(
          Temporal.PlainDate.from(l.service_date),
          Temporal.PlainDate.from(l.expires_on),
        ) > 0
      ) {
        throw conflict(
          "package_expires_before_service",
          `${l.name}: the package expires before ${l.service_date}; charge the line or choose another package.`,
          "lineId",
        );
      }
    }
    const due = lines.reduce(
      (sum, l) => sum + (l.reservation_id || l.consumed_movement_id ? 0 : l.retail_price_minor),
      0,
    );
    const paid = input.payments.reduce((sum, p) => sum + p.amountMinor, 0);
    if (paid !== due) {
      throw invalid(
        "payment_mismatch",
        `The payments add up to ${paid} but ${due} is due (minor units).`,
        "payments",
      );
    }
    for (const p of input.payments.filter((x) => x.amountMinor > 0)) {
      if (p.tender === "store_credit") {
        if (!ticket.customer_id)
          throw invalid("customer_required", "Store credit needs a customer on the ticket.", "payments");
        await spendStoreCredit(tx, {
          businessId,
          customerId: ticket.customer_id,
          currency: ticket.currency,
          amountMinor: p.amountMinor,
          ticketId: ticket.id,
          actorStaffId: ctx.actor.staffId,
          at: toDate(now),
        });
      }
      await tx
        .insertInto("ticket_payments")
        .values({
          business_id: businessId,
          ticket_id: ticket.id,
          tender: p.tender,
          amount_minor: p.amountMinor,
          occurred_at: toDate(now),
          actor_staff_id: ctx.actor.staffId,
          tendered_minor: p.tenderedMinor ?? null,
        })
        .execute();
    }

    // O4: the rates and categories of now, frozen on each line below.
    const rates = await ratesOf(tx, businessId, [
      ...new Set(lines.flatMap((l) => (l.staff_id ? [l.staff_id] : []))),
    ]);
    const itemIds = [...new Set(lines.flatMap((l) => (l.item_id ? [l.item_id] : [])))];
    const categories =
      itemIds.length === 0
        ? []
        : await tx
            .selectFrom("items")
            .select(["id", "category"])
            .where("business_id", "=", businessId)
            .where("id", "in", itemIds)
            .execute();
    let taxTotal = 0;
    for (const l of lines) {
      let covered = null;
      let consumedId: string | null = l.consumed_movement_id;
      if (l.reservation_id && l.package_line_id && !l.consumed_movement_id) {
        const consumed = await writeMovement(tx, {
          businessId,
          lineId: l.package_line_id,
          kind: "consume",
          quantity: 1,
          at: now,
          locationId: ticket.location_id,
          actorStaffId: ctx.actor.staffId,
          reservationId: l.reservation_id,
          ticketLineId: l.id,
          activity: { action: "redeem", details: { quantity: 1, ticketId: ticket.id, item: l.name } },
        });
        consumedId = consumed.id;
        // Counted after this consume: the k-th credit of the package used.
        const credits = await packageCredits(tx, businessId, l.package_id!);
        covered = {
          basis: l.commission_basis as "item_retail_price" | "package_price_per_credit",
          packagePriceMinor: l.package_price_minor!,
          packageCredits: credits.granted,
          creditIndex: credits.used,
        };
      }
      const charged = l.reservation_id || l.consumed_movement_id ? 0 : l.retail_price_minor;
      const tax = taxContained(charged, l.tax_rate_bp);
      taxTotal += tax;
      const commission = l.staff_id
        ? commissionBase({
            kind: l.kind,
            commissionEligible: l.commission_eligible,
            chargedMinor: charged,
            retailPriceMinor: l.retail_price_minor,
            covered,
          })
        : null;
      const category = categories.find((c) => c.id === l.item_id)?.category ?? null;
      const rate = l.staff_id ? rateFor(rates, l.staff_id, category) : null;
      await tx
        .updateTable("ticket_lines")
        .set({
          charged_minor: charged,
          tax_minor: tax,
          consumed_movement_id: consumedId,
          commission_minor: commission,
          commission_category: category,
          commission_rate_bp: rate && commission !== null ? rate.rateBp : null,
          commission_amount_minor:
            rate && commission !== null ? commissionAmount(commission, rate.rateBp) : null,
        })
        .where("business_id", "=", businessId)
        .where("id", "=", l.id)
        .execute();
    }
    await settleAppointmentTicket(tx, businessId, ticket.id, "closed");
    await settleClassTicket(tx, businessId, ticket.id, "closed");
    // T7: the receipt number last, so that other closes of the business wait for it the least.
    const receiptNumber = await closeWithReceiptNumber(tx, businessId, ticket.id, {
      closed_at: toDate(now),
      closed_by: ctx.actor.staffId,
      total_minor: due,
      tax_minor: taxTotal,
    });
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: ctx.actor.staffId,
      locationId: ticket.location_id,
      action: "close_ticket",
      customerId: ticket.customer_id,
      details: {
        ticketId: ticket.id,
        number: ticket.number,
        receiptNumber,
        dueMinor: due,
        currency: ticket.currency,
      },
    });
    const closed = await loadTicket(tx, businessId, ticketId);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "ticket.closed",
      data: ticketEventData(closed),
      at: now,
    });
    return closed;
  });
}

/** U5: cash handed over is at least what it pays; only cash is handed over. */
function checkTendered(payments: Payment[]): void {
  for (const [i, p] of payments.entries()) {
    if (p.tenderedMinor === undefined) continue;
    if (p.tender !== "cash")
      throw invalid(
        "tendered_not_cash",
        "Only cash is handed over with change.",
        `payments.${i}.tenderedMinor`,
      );
    if (p.tenderedMinor < p.amountMinor)
      throw invalid(
        "tendered_below_amount",
        `The cash given (${p.tenderedMinor}) is less than the amount it pays (${p.amountMinor}, minor units).`,
        `payments.${i}.tenderedMinor`,
      );
  }
}

/** The name of a one-day package covering a line dated after its only day, if any. */
async function staleOneDayCoverage(
  tx: Transaction<DB>,
  businessId: string,
  ticketId: string,
): Promise<string | null> {
  const rows = await tx
    .selectFrom("ticket_lines as tl")
    .innerJoin("package_lines as pl", (j) =>
      j.onRef("pl.business_id", "=", "tl.business_id").onRef("pl.id", "=", "tl.package_line_id"),
    )
    .innerJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
    )
    .select(["p.name", "p.expires_on", "p.validity", "tl.service_date"])
    .where("tl.business_id", "=", businessId)
    .where("tl.ticket_id", "=", ticketId)
    .execute();
  const stale = rows.find(
    (r) =>
      r.validity.kind === "one_day" &&
      r.expires_on !== null &&
      Temporal.PlainDate.compare(
        Temporal.PlainDate.from(r.service_date),
        Temporal.PlainDate.from(r.expires_on),
      ) > 0,
  );
  return stale?.name ?? null;
}

async function packageCredits(tx: Transaction<DB>, businessId: string, packageId: string) {
  const row = await tx
    .selectFrom("package_lines")
    .select((eb) => [eb.fn.sum<number>("granted").as("granted"), eb.fn.sum<number>("used").as("used")])
    .where("business_id", "=", businessId)
    .where("package_id", "=", packageId)
    .executeTakeFirstOrThrow();
  return { granted: Number(row.granted), used: Number(row.used) };
}
