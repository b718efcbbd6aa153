// How a ticket looks at the till and on the receipt: each line's price ("Package" when covered),
// which package and counter it draws from, why it was or was not covered, the tax it contains.
import type { Ticket, TicketLine } from "../db/schema.js";
import { COVERAGE_EXPLANATION, type CoverageReason } from "../domain/coverage.js";
import { notFound } from "../domain/errors.js";
import { UNLIMITED_ABOVE } from "../domain/package-status.js";
import type { Executor } from "./context.js";

/** Tax contained in a tax-inclusive price (T1). */
export function taxContained(priceMinor: number, rateBp: number): number {
  return Math.round((priceMinor * rateBp) / (10_000 + rateBp));
}

export interface TicketLineView {
  id: string;
  position: number;
  kind: TicketLine["kind"];
  itemId: string | null;
  templateId: string | null;
  name: string;
  retailPriceMinor: number;
  taxRateBp: number;
  serviceDate: string;
  staffId: string | null;
  staffName: string | null;
  coverageMode: "auto" | "paying" | "pinned";
  covered: boolean;
  coverage: {
    packageLineId: string | null;
    packageId: string | null;
    packageName: string | null;
    bySaleLineId: string | null;
    reason: string | null;
    explanation: string | null;
    /** "from 5x Manicure, 3 of 5 used" or "PACKAGE USED (#4/UNLIMITED)" */
    label: string | null;
    /** the label's parts, for screens that say it in another language (U2): the k-th credit of n */
    count: number | null;
    total: number | null;
    unlimited: boolean;
    /** covered by a package sold on this ticket: that sale line's name */
    saleName: string | null;
  };
  /** what the line costs: 0 when covered; the retail price again once a covered line is refunded (T8) */
  priceMinor: number;
  taxMinor: number;
  commissionMinor: number | null;
  soldPackageId: string | null;
  /** G2: a package sold as a gift: to whom, and the message the receipt prints */
  gift: { toCustomerId: string; toName: string; message: string | null } | null;
  refundedAt: string | null;
  refundedMinor: number | null;
}

export interface TicketView {
  id: string;
  /** T1: the ticket's number in its business */
  number: number;
  /** T7: the receipt's number in its business, consecutive; null until closed, and when voided */
  receiptNumber: number | null;
  status: Ticket["status"];
  locationId: string;
  locationName: string;
  currency: string;
  timeZone: string;
  customer: { id: string; name: string } | null;
  openedAt: string;
  closedAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  lines: TicketLineView[];
  totals: { dueMinor: number; taxMinor: number; paidMinor: number; refundedMinor: number };
  /** tenderedMinor: the cash handed over when it was more than the amount (U5) */
  payments: Array<{ tender: string; amountMinor: number; tenderedMinor: number | null; occurredAt: string }>;
}

export function coverageLabel(
  packageName: string,
  m: { total_after: number; used_after: number; booked_after: number },
) {
  const count = m.used_after + m.booked_after;
  if (m.total_after - count > UNLIMITED_ABOVE) return `PACKAGE USED (#${count}/UNLIMITED)`;
  return `from ${packageName}, ${count} of ${m.total_after} used`;
}

export async function loadTicket(db: Executor, businessId: string, ticketId: string): Promise<TicketView> {
  const ticket = await db
    .selectFrom("tickets as t")
    .innerJoin("locations as loc", (j) =>
      j.onRef("loc.business_id", "=", "t.business_id").onRef("loc.id", "=", "t.location_id"),
    )
    .leftJoin("customers as c", (j) =>
      j.onRef("c.business_id", "=", "t.business_id").onRef("c.id", "=", "t.customer_id"),
    )
    .selectAll("t")
    .select(["loc.name as location_name", "c.name as customer_name"])
    .where("t.business_id", "=", businessId)
    .where("t.id", "=", ticketId)
    .executeTakeFirst();
  if (!ticket) throw notFound("ticket", "ticketId");
  const lines = await db
    .selectFrom("ticket_lines as tl")
    .leftJoin("package_lines as pl", (j) =>
      j.onRef("pl.business_id", "=", "tl.business_id").onRef("pl.id", "=", "tl.package_line_id"),
    )
    .leftJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "pl.business_id").onRef("p.id", "=", "pl.package_id"),
    )
    .leftJoin("movements as m", (j) =>
      j
        .onRef("m.business_id", "=", "tl.business_id")
        .on((eb) => eb("m.id", "=", eb.fn.coalesce("tl.consumed_movement_id", "tl.reservation_id"))),
    )
    .leftJoin("staff as s", (j) =>
      j.onRef("s.business_id", "=", "tl.business_id").onRef("s.id", "=", "tl.staff_id"),
    )
    .leftJoin("customers as g", (j) =>
      j.onRef("g.business_id", "=", "tl.business_id").onRef("g.id", "=", "tl.gift_to_customer_id"),
    )
    .selectAll("tl")
    .select([
      "g.name as gift_to_name",
      "p.id as package_id",
      "p.name as package_name",
      "m.total_after",
      "m.used_after",
      "m.booked_after",
      "s.name as staff_name",
    ])
    .where("tl.business_id", "=", businessId)
    .where("tl.ticket_id", "=", ticket.id)
    .orderBy("tl.position")
    .execute();
  const saleNames = new Map(lines.filter((l) => l.kind === "package_sale").map((l) => [l.id, l.name]));
  const views: TicketLineView[] = lines.map((l) => {
    const count = l.total_after !== null ? l.used_after! + l.booked_after! : null;
    const saleName = l.covered_by_sale_line_id ? (saleNames.get(l.covered_by_sale_line_id) ?? null) : null;
    const covered =
      (l.package_line_id !== null || l.covered_by_sale_line_id !== null) && l.refunded_at === null;
    const closed = l.charged_minor !== null;
    const price = l.refunded_at
      ? l.retail_price_minor
      : closed
        ? l.charged_minor!
        : covered
          ? 0
          : l.retail_price_minor;
    const label =
      l.package_name && l.total_after !== null
        ? coverageLabel(l.package_name, {
            total_after: l.total_after,
            used_after: l.used_after!,
            booked_after: l.booked_after!,
          })
        : l.covered_by_sale_line_id
          ? `from ${saleName ?? "the package sold on this ticket"}, sold on this ticket`
          : null;
    return {
      id: l.id,
      position: l.position,
      kind: l.kind,
      itemId: l.item_id,
      templateId: l.template_id,
      name: l.name,
      retailPriceMinor: l.retail_price_minor,
      taxRateBp: l.tax_rate_bp,
      serviceDate: l.service_date,
      staffId: l.staff_id,
      staffName: l.staff_name,
      coverageMode: l.coverage_mode,
      covered,
      coverage: {
        packageLineId: l.package_line_id,
        packageId: l.package_id,
        packageName: l.package_name,
        bySaleLineId: l.covered_by_sale_line_id,
        reason: l.coverage_reason,
        explanation: l.coverage_reason
          ? (COVERAGE_EXPLANATION[l.coverage_reason as CoverageReason] ?? null)
          : null,
        label,
        count: l.package_name ? count : null,
        total: l.package_name ? l.total_after : null,
        unlimited: l.package_name !== null && count !== null && l.total_after! - count > UNLIMITED_ABOVE,
        saleName,
      },
      priceMinor: price,
      taxMinor: closed ? (l.tax_minor ?? 0) : covered ? 0 : taxContained(price, l.tax_rate_bp),
      commissionMinor: l.commission_minor,
      soldPackageId: l.sold_package_id,
      gift: l.gift_to_customer_id
        ? { toCustomerId: l.gift_to_customer_id, toName: l.gift_to_name ?? "", message: l.gift_message }
        : null,
      refundedAt: l.refunded_at?.toISOString() ?? null,
      refundedMinor: l.refunded_minor,
    };
  });
  const payments = await db
    .selectFrom("ticket_payments")
    .select(["tender", "amount_minor", "tendered_minor", "occurred_at"])
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticket.id)
    .orderBy("occurred_at")
    .execute();
  const isClosed = ticket.total_minor !== null;
  return {
    id: ticket.id,
    number: ticket.number,
    receiptNumber: ticket.receipt_number,
    status: ticket.status,
    locationId: ticket.location_id,
    locationName: ticket.location_name,
    currency: ticket.currency,
    timeZone: ticket.time_zone,
    customer: ticket.customer_id ? { id: ticket.customer_id, name: ticket.customer_name ?? "" } : null,
    openedAt: ticket.opened_at.toISOString(),
    closedAt: ticket.closed_at?.toISOString() ?? null,
    voidedAt: ticket.voided_at?.toISOString() ?? null,
    voidReason: ticket.void_reason,
    lines: views,
    totals: {
      dueMinor: isClosed ? ticket.total_minor! : views.reduce((a, l) => a + l.priceMinor, 0),
      taxMinor: isClosed ? ticket.tax_minor! : views.reduce((a, l) => a + l.taxMinor, 0),
      paidMinor: payments.filter((p) => p.amount_minor > 0).reduce((a, p) => a + p.amount_minor, 0),
      refundedMinor: -payments.filter((p) => p.amount_minor < 0).reduce((a, p) => a + p.amount_minor, 0),
    },
    payments: payments.map((p) => ({
      tender: p.tender,
      amountMinor: p.amount_minor,
      tenderedMinor: p.tendered_minor,
      occurredAt: p.occurred_at.toISOString(),
    })),
  };
}
