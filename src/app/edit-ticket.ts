// T1, T2: open a ticket, put a customer and lines on it, switch a line between packages and paying.
// Every change re-decides the coverage and moves the reservations with it, in one transaction with
// the ticket locked, so two people editing one ticket take turns.
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { localDate, parseLocalDate, toDate } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { settleAppointmentTicket } from "./appointments.js";
import { settleClassTicket } from "./classes.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getCustomer, getLocation } from "./lookups.js";
import { holdsCreditsOf } from "./manage-catalog.js";
import { recomputeCoverage } from "./ticket-coverage.js";
import { insertTicket } from "./ticket-numbers.js";
import { loadTicket, type TicketView } from "./ticket-view.js";
import { writeMovement } from "./write-movement.js";

export async function lockOpenTicket(tx: Transaction<DB>, businessId: string, ticketId: string) {
  const ticket = await tx
    .selectFrom("tickets")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", ticketId)
    .forUpdate()
    .executeTakeFirst();
  if (!ticket) throw notFound("ticket", "ticketId");
  if (ticket.status !== "open")
    throw conflict("ticket_not_open", `This ticket is ${ticket.status}.`, "ticketId");
  return ticket;
}

async function editOpenTicket(
  ctx: Ctx,
  ticketId: string,
  db: Executor,
  change: (tx: Transaction<DB>, ticket: Awaited<ReturnType<typeof lockOpenTicket>>) => Promise<void>,
): Promise<TicketView> {
  authorize(ctx, "sell_package");
  return inTransaction(db, async (tx) => {
    const ticket = await lockOpenTicket(tx, ctx.actor.businessId, ticketId);
    await change(tx, ticket);
    const fresh = await lockOpenTicket(tx, ctx.actor.businessId, ticketId);
    await recomputeCoverage(tx, fresh, ctx.actor.staffId, ctx.clock());
    return loadTicket(tx, ctx.actor.businessId, ticketId);
  });
}

export async function openTicket(
  ctx: Ctx,
  input: {
    customerId?: string | undefined;
    locationId?: string | undefined;
    /** the first line, in the same transaction: a ticket opened from the till is never empty */
    line?: AddLineInput | undefined;
  },
  db: Executor = ctx.database.db,
): Promise<TicketView> {
  authorize(ctx, "sell_package");
  return inTransaction(db, async (tx) => {
    const location = await getLocation(tx, ctx.actor.businessId, input.locationId ?? ctx.actor.locationId);
    if (input.customerId) await getCustomer(tx, ctx.actor.businessId, input.customerId);
    const row = await insertTicket(tx, {
      business_id: ctx.actor.businessId,
      location_id: location.id,
      customer_id: input.customerId ?? null,
      currency: location.currency,
      time_zone: location.time_zone,
      opened_by: ctx.actor.staffId,
      opened_at: toDate(ctx.clock()),
    });
    if (input.line) return addTicketLine(ctx, row.id, input.line, tx);
    return loadTicket(tx, ctx.actor.businessId, row.id);
  });
}

export async function setTicketCustomer(
  ctx: Ctx,
  ticketId: string,
  customerId: string | null,
  db: Executor = ctx.database.db,
) {
  return editOpenTicket(ctx, ticketId, db, async (tx, ticket) => {
    if (customerId) await getCustomer(tx, ctx.actor.businessId, customerId);
    await tx
      .updateTable("tickets")
      .set({ customer_id: customerId })
      .where("business_id", "=", ticket.business_id)
      .where("id", "=", ticket.id)
      .execute();
  });
}

export interface AddLineInput {
  itemId?: string | undefined;
  templateId?: string | undefined;
  /** local date of the service; default today at the ticket's location */
  serviceDate?: string | undefined;
  staffId?: string | undefined;
  /** the agreed price (tax included); default the item's or template's price in the ticket's currency */
  priceMinor?: number | undefined;
  /** G2: a package sale as a gift to this customer (the ticket's customer pays), with a message */
  giftToCustomerId?: string | undefined;
  giftMessage?: string | undefined;
}

export async function addTicketLine(
  ctx: Ctx,
  ticketId: string,
  input: AddLineInput,
  db: Executor = ctx.database.db,
) {
  if ((input.itemId === undefined) === (input.templateId === undefined)) {
    throw invalid("item_or_template", "Give either an item or a package template.", "itemId");
  }
  if (input.giftToCustomerId !== undefined && input.templateId === undefined)
    throw invalid("gift_needs_package", "Only a package sale can be a gift.", "giftToCustomerId");
  if (input.giftMessage !== undefined && input.giftToCustomerId === undefined)
    throw invalid(
      "gift_message_without_recipient",
      "A gift message needs the customer who receives it.",
      "giftMessage",
    );
  return editOpenTicket(ctx, ticketId, db, async (tx, ticket) => {
    const businessId = ticket.business_id;
    const serviceDate = input.serviceDate
      ? parseLocalDate(input.serviceDate, "serviceDate").toString()
      : localDate(ctx.clock(), ticket.time_zone).toString();
    if (input.staffId) {
      const staff = await tx
        .selectFrom("staff")
        .select("id")
        .where("business_id", "=", businessId)
        .where("id", "=", input.staffId)
        .executeTakeFirst();
      if (!staff) throw notFound("staff", "staffId");
    }
    const position =
      Number(
        (
          await tx
            .selectFrom("ticket_lines")
            .select((eb) => eb.fn.max("position").as("p"))
            .where("business_id", "=", businessId)
            .where("ticket_id", "=", ticket.id)
            .executeTakeFirst()
        )?.p ?? -1,
      ) + 1;
    const common = {
      business_id: businessId,
      ticket_id: ticket.id,
      position,
      service_date: serviceDate,
      staff_id: input.staffId ?? ctx.actor.staffId,
    };
    if (input.itemId) {
      const item = await tx
        .selectFrom("items")
        .selectAll()
        .where("business_id", "=", businessId)
        .where("id", "=", input.itemId)
        .executeTakeFirst();
      if (!item) throw notFound("item", "itemId");
      // O3: an archived item is sold no more, but a package holding it keeps working.
      if (
        !item.active &&
        !(await holdsCreditsOf(tx, businessId, ticket.customer_id, item.id, toDate(ctx.clock())))
      )
        throw conflict("item_inactive", "This item is no longer sold.", "itemId");
      const price = input.priceMinor ?? item.prices[ticket.currency];
      if (price === undefined)
        throw invalid(
          "item_not_priced_in_currency",
          `This item has no price in ${ticket.currency}; give a price.`,
          "itemId",
        );
      await tx
        .insertInto("ticket_lines")
        .values({
          ...common,
          kind: item.kind,
          item_id: item.id,
          name: item.name,
          retail_price_minor: price,
          tax_rate_bp: item.tax_rate_bp,
          sell_to_clients: item.sell_to_clients,
          commission_eligible: item.commission_eligible,
        })
        .execute();
    } else {
      if (!ticket.customer_id)
        throw conflict(
          "customer_required",
          "Put a customer on the ticket before selling a package.",
          "customerId",
        );
      const template = await tx
        .selectFrom("package_templates")
        .selectAll()
        .where("business_id", "=", businessId)
        .where("id", "=", input.templateId!)
        .executeTakeFirst();
      if (!template) throw notFound("template", "templateId");
      if (!template.active)
        throw conflict(
          "template_retired",
          "This package template is retired and cannot be sold.",
          "templateId",
        );
      const price = input.priceMinor ?? template.prices[ticket.currency];
      if (price === undefined)
        throw invalid(
          "template_not_priced_in_currency",
          `This template has no price in ${ticket.currency}; give a price.`,
          "priceMinor",
        );
      const recipient = input.giftToCustomerId
        ? await getCustomer(tx, businessId, input.giftToCustomerId, "giftToCustomerId")
        : null;
      if (recipient?.id === ticket.customer_id)
        throw invalid(
          "gift_to_self",
          "A gift goes to another customer than the one who pays.",
          "giftToCustomerId",
        );
      await tx
        .insertInto("ticket_lines")
        .values({
          ...common,
          kind: "package_sale",
          template_id: template.id,
          gift_to_customer_id: recipient?.id ?? null,
          gift_message: recipient ? input.giftMessage?.trim() || null : null,
          name: template.name,
          retail_price_minor: price,
          coverage_mode: "paying",
        })
        .execute();
    }
  });
}

export async function removeTicketLine(
  ctx: Ctx,
  ticketId: string,
  lineId: string,
  db: Executor = ctx.database.db,
) {
  return editOpenTicket(ctx, ticketId, db, async (tx, ticket) => {
    const line = await getTicketLine(tx, ticket.business_id, ticket.id, lineId);
    if (line.reservation_id) await releaseLine(tx, ctx, ticket, line, "line removed from the ticket");
    await tx
      .deleteFrom("ticket_lines")
      .where("business_id", "=", ticket.business_id)
      .where("id", "=", line.id)
      .execute();
  });
}

export async function setLineCoverage(
  ctx: Ctx,
  ticketId: string,
  lineId: string,
  mode: { mode: "auto" } | { mode: "paying" } | { mode: "package"; packageLineId: string },
  db: Executor = ctx.database.db,
) {
  return editOpenTicket(ctx, ticketId, db, async (tx, ticket) => {
    const line = await getTicketLine(tx, ticket.business_id, ticket.id, lineId);
    if (line.kind === "package_sale")
      throw conflict("package_sale_not_coverable", "A package sale is always paid.", "lineId");
    await tx
      .updateTable("ticket_lines")
      .set({
        coverage_mode: mode.mode === "package" ? "pinned" : mode.mode,
        pinned_package_line_id: mode.mode === "package" ? mode.packageLineId : null,
      })
      .where("business_id", "=", ticket.business_id)
      .where("id", "=", line.id)
      .execute();
  });
}

export async function getTicketLine(tx: Executor, businessId: string, ticketId: string, lineId: string) {
  const line = await tx
    .selectFrom("ticket_lines")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticketId)
    .where("id", "=", lineId)
    .executeTakeFirst();
  if (!line) throw notFound("ticket_line", "lineId");
  return line;
}

export async function releaseLine(
  tx: Transaction<DB>,
  ctx: Ctx,
  ticket: { business_id: string; location_id: string },
  line: { id: string; package_line_id: string | null; reservation_id: string | null },
  reason: string,
) {
  await writeMovement(tx, {
    businessId: ticket.business_id,
    lineId: line.package_line_id!,
    kind: "release",
    quantity: 1,
    at: ctx.clock(),
    locationId: ticket.location_id,
    actorStaffId: ctx.actor.staffId,
    reservationId: line.reservation_id,
    ticketLineId: line.id,
    reason,
    activity: null,
  });
  await tx
    .updateTable("ticket_lines")
    .set({ package_line_id: null, reservation_id: null })
    .where("business_id", "=", ticket.business_id)
    .where("id", "=", line.id)
    .execute();
}

/** Void an open ticket: its reservations are released (T1). */
export async function voidTicket(
  ctx: Ctx,
  ticketId: string,
  reason: string | undefined,
  db: Executor = ctx.database.db,
): Promise<TicketView> {
  authorize(ctx, "sell_package");
  return inTransaction(db, async (tx) => {
    const ticket = await lockOpenTicket(tx, ctx.actor.businessId, ticketId);
    await voidLocked(tx, ctx, ticket, reason ?? "voided at the till");
    return loadTicket(tx, ctx.actor.businessId, ticketId);
  });
}

export async function voidLocked(
  tx: Transaction<DB>,
  ctx: Ctx,
  ticket: { business_id: string; id: string; location_id: string; customer_id: string | null },
  reason: string,
) {
  const held = await tx
    .selectFrom("ticket_lines")
    .select(["id", "package_line_id", "reservation_id"])
    .where("business_id", "=", ticket.business_id)
    .where("ticket_id", "=", ticket.id)
    .where("reservation_id", "is not", null)
    // An appointment's or a class booking's credit goes back to it, not to the package.
    .where("appointment_service_id", "is", null)
    .where("class_enrolment_id", "is", null)
    .orderBy("package_line_id")
    .execute();
  for (const line of held) await releaseLine(tx, ctx, ticket, line, reason);
  await settleAppointmentTicket(tx, ticket.business_id, ticket.id, "voided");
  await settleClassTicket(tx, ticket.business_id, ticket.id, "voided");
  await tx
    .updateTable("tickets")
    .set({ status: "voided", voided_at: toDate(ctx.clock()), void_reason: reason })
    .where("business_id", "=", ticket.business_id)
    .where("id", "=", ticket.id)
    .execute();
  await logActivity(tx, {
    businessId: ticket.business_id,
    at: ctx.clock(),
    actorStaffId: ctx.actor.staffId,
    locationId: ticket.location_id,
    action: "void_ticket",
    customerId: ticket.customer_id,
    reason,
    details: { ticketId: ticket.id, creditsReleased: held.length },
  });
}
