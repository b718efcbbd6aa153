// T8, P8 at the till: refunding a line of a closed ticket. A covered line gives its credit back to
// the package (a restore pointing at the consume) and then shows its full retail price; a paid line
// is paid back; a package sale refunds the package under the P8 rules. Manager/owner.
import { sql, type Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { toDate } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import type { Tender } from "./close-ticket.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getTicketLine } from "./edit-ticket.js";
import { refundPackage } from "./refund-package.js";
import { creditStoreCredit } from "./store-credit.js";
import { loadTicket, type TicketView } from "./ticket-view.js";
import { enqueueWebhookEvent, ticketEventData } from "./webhooks/outbox.js";
import { writeMovement } from "./write-movement.js";

export async function refundTicketLine(
  ctx: Ctx,
  input: { ticketId: string; lineId: string; tender?: Tender | undefined; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<TicketView> {
  authorize(ctx, "refund");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    const ticket = await tx
      .selectFrom("tickets")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("id", "=", input.ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!ticket) throw notFound("ticket", "ticketId");
    if (ticket.status !== "closed" && ticket.status !== "refunded")
      throw conflict("ticket_not_closed", "Only lines of a closed ticket can be refunded.", "ticketId");
    const line = await getTicketLine(tx, businessId, ticket.id, input.lineId);
    if (line.refunded_at)
      throw conflict("line_already_refunded", "This line was already refunded.", "lineId");
    let paidBack = 0;
    if (line.consumed_movement_id && line.package_line_id) {
      await writeMovement(tx, {
        businessId,
        lineId: line.package_line_id,
        kind: "restore",
        quantity: 1,
        at: now,
        locationId: ticket.location_id,
        actorStaffId: ctx.actor.staffId,
        reversesId: line.consumed_movement_id,
        ticketLineId: line.id,
        reason: input.reason ?? "ticket line refunded",
        activity: { action: "refund_line", details: { ticketId: ticket.id, item: line.name } },
      });
    } else if (line.kind === "package_sale" && line.sold_package_id) {
      const pkg = await refundPackage(
        ctx,
        { packageId: line.sold_package_id, kind: "money", reason: input.reason },
        tx,
      );
      paidBack = pkg.refundMinor ?? 0;
    } else {
      paidBack = line.charged_minor ?? 0;
    }
    if (paidBack > 0) {
      const net = await netPaidByTender(tx, businessId, ticket.id);
      const tender = input.tender ?? defaultRefundTender(net, paidBack);
      // U5: a card is paid back at most what it paid on this ticket; cash and store credit have no
      // such bound (a split ticket's card share is all the card terminal can refund).
      if (tender === "card" && paidBack > (net.get("card") ?? 0))
        throw invalid(
          "refund_above_card",
          `At most ${net.get("card") ?? 0} can go back to the card on this ticket (minor units); pay the rest in cash or store credit.`,
          "tender",
        );
      await tx
        .insertInto("ticket_payments")
        .values({
          business_id: businessId,
          ticket_id: ticket.id,
          tender,
          amount_minor: -paidBack,
          occurred_at: toDate(now),
          actor_staff_id: ctx.actor.staffId,
        })
        .execute();
      // Paid back as store credit: the customer's balance grows by it, in its own ledger.
      if (tender === "store_credit") {
        if (!ticket.customer_id)
          throw invalid("customer_required", "Store credit needs a customer on the ticket.", "tender");
        await creditStoreCredit(tx, {
          businessId,
          customerId: ticket.customer_id,
          currency: ticket.currency,
          amountMinor: paidBack,
          kind: "tender_refund",
          ticketId: ticket.id,
          actorStaffId: ctx.actor.staffId,
          at: toDate(now),
          reason: input.reason ?? null,
        });
      }
    }
    await tx
      .updateTable("ticket_lines")
      .set({
        refunded_at: toDate(now),
        refunded_minor: paidBack,
        commission_minor: 0,
        // O4: nothing is owed on a refunded line; a line closed without a rate stays without one.
        commission_amount_minor: sql<
          number | null
        >`CASE WHEN commission_amount_minor IS NULL THEN NULL ELSE 0 END`,
      })
      .where("business_id", "=", businessId)
      .where("id", "=", line.id)
      .execute();
    const left = await tx
      .selectFrom("ticket_lines")
      .select("id")
      .where("business_id", "=", businessId)
      .where("ticket_id", "=", ticket.id)
      .where("refunded_at", "is", null)
      .executeTakeFirst();
    if (!left)
      await tx
        .updateTable("tickets")
        .set({ status: "refunded" })
        .where("business_id", "=", businessId)
        .where("id", "=", ticket.id)
        .execute();
    if (!line.consumed_movement_id) {
      await logActivity(tx, {
        businessId,
        at: now,
        actorStaffId: ctx.actor.staffId,
        locationId: ticket.location_id,
        action: "refund_line",
        customerId: ticket.customer_id,
        packageId: line.sold_package_id,
        reason: input.reason ?? null,
        details: { ticketId: ticket.id, item: line.name, paidBackMinor: paidBack },
      });
    }
    const refunded = await loadTicket(tx, businessId, ticket.id);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "ticket.refunded",
      data: ticketEventData(refunded, { refundedLineId: line.id, paidBackMinor: paidBack }),
      at: now,
    });
    return refunded;
  });
}

/** What each tender paid on the ticket, less what it already paid back, in the order first used. */
async function netPaidByTender(tx: Transaction<DB>, businessId: string, ticketId: string) {
  const rows = await tx
    .selectFrom("ticket_payments")
    .select(["tender", "amount_minor"])
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticketId)
    .orderBy("occurred_at")
    .orderBy("id")
    .execute();
  const net = new Map<Tender, number>();
  for (const r of rows) net.set(r.tender, (net.get(r.tender) ?? 0) + r.amount_minor);
  return net;
}

/** Paid back the way it was paid: the first tender that paid at least as much, else cash. */
function defaultRefundTender(net: Map<Tender, number>, amountMinor: number): Tender {
  for (const [tender, paid] of net) if (paid >= amountMinor) return tender;
  return "cash";
}
