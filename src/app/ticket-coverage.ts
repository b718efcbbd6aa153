// Keeps an open ticket's coverage true: asks src/domain/coverage.ts which lines the customer's
// packages cover, then moves the reservations to match. A covered line holds a reserved credit, so
// the credit counts as booked everywhere and two tills cannot sell the same last one (L3). When
// another till took a credit meanwhile, the rules run again without it.
import type { Transaction } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { DB, Ticket } from "../db/schema.js";
import { type CoverableLine, type CreditSource, decideCoverage } from "../domain/coverage.js";
import { toInstant } from "../domain/validity.js";
import { getBusiness, pauseSpans } from "./lookups.js";
import { writeMovement } from "./write-movement.js";

const SALE_PREFIX = "sale:";

export async function recomputeCoverage(
  tx: Transaction<DB>,
  ticket: Ticket,
  actorStaffId: string,
  now: Temporal.Instant,
) {
  const businessId = ticket.business_id;
  const business = await getBusiness(tx, businessId);
  const lines = await tx
    .selectFrom("ticket_lines")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("ticket_id", "=", ticket.id)
    .orderBy("position")
    .execute();
  // Lines whose credit is already used (an appointment whose end passed before checkout) stay as they are.
  const coverable = lines.filter(
    (l) => l.kind !== "package_sale" && l.refunded_at === null && l.consumed_movement_id === null,
  );
  const sources = ticket.customer_id ? await creditSources(tx, businessId, ticket, lines, now) : [];
  const exhausted = new Set<string>();

  for (let round = 0; round < 4; round++) {
    const decided = decideCoverage(
      coverable.map(
        (l): CoverableLine => ({
          id: l.id,
          position: l.position,
          itemId: l.item_id!,
          itemKind: l.kind as CoverableLine["itemKind"],
          priceMinor: l.retail_price_minor,
          sellToClients: l.sell_to_clients,
          mode:
            l.coverage_mode === "pinned" && l.pinned_package_line_id
              ? { packageLineId: l.pinned_package_line_id }
              : l.coverage_mode === "paying"
                ? "paying"
                : "auto",
        }),
      ),
      sources.map((s) => (exhausted.has(s.packageLineId) ? { ...s, booked: s.total - s.used } : s)),
      {
        now,
        locationId: ticket.location_id,
        coverZeroPriceItems: business.cover_zero_price_items,
        hasCustomer: ticket.customer_id !== null,
      },
    );
    let retry = false;
    for (const d of decided) {
      const line = coverable.find((l) => l.id === d.lineId)!;
      const bySale = d.packageLineId?.startsWith(SALE_PREFIX)
        ? d.packageLineId.slice(SALE_PREFIX.length).split("/")[0]!
        : null;
      const packageLineId = bySale ? null : d.packageLineId;
      if (line.package_line_id === packageLineId && line.covered_by_sale_line_id === bySale) {
        if (line.coverage_reason !== d.reason)
          await setCoverage(tx, line.id, businessId, { coverage_reason: d.reason });
        continue;
      }
      if (line.reservation_id) {
        await writeMovement(tx, {
          businessId,
          lineId: line.package_line_id!,
          kind: "release",
          quantity: 1,
          at: now,
          locationId: ticket.location_id,
          actorStaffId,
          reservationId: line.reservation_id,
          ticketLineId: line.id,
          reason: "ticket line no longer covered",
          activity: null,
        });
        line.reservation_id = null;
        line.package_line_id = null;
      }
      let reservationId: string | null = null;
      if (packageLineId) {
        try {
          const reserved = await writeMovement(tx, {
            businessId,
            lineId: packageLineId,
            kind: "reserve",
            quantity: 1,
            at: now,
            locationId: ticket.location_id,
            actorStaffId,
            ticketLineId: line.id,
            activity: null,
          });
          reservationId = reserved.id;
        } catch (error) {
          if ((error as { code?: string }).code !== "insufficient_credits") throw error;
          exhausted.add(packageLineId); // another till took it: decide again without it
          retry = true;
        }
      }
      const update = {
        package_line_id: reservationId ? packageLineId : null,
        reservation_id: reservationId,
        covered_by_sale_line_id: bySale,
        coverage_reason: d.reason,
      };
      await setCoverage(tx, line.id, businessId, update);
      Object.assign(line, update);
    }
    if (!retry) return;
  }
}

async function setCoverage(
  tx: Transaction<DB>,
  lineId: string,
  businessId: string,
  set: Partial<{
    package_line_id: string | null;
    reservation_id: string | null;
    covered_by_sale_line_id: string | null;
    coverage_reason: string;
  }>,
) {
  await tx
    .updateTable("ticket_lines")
    .set(set)
    .where("business_id", "=", businessId)
    .where("id", "=", lineId)
    .execute();
}

/** The customer's package lines, with this ticket's own reservations counted as free again, plus
 *  the packages sold on this ticket (they exist from close on, and may cover its other lines). */
async function creditSources(
  tx: Transaction<DB>,
  businessId: string,
  ticket: Ticket,
  ticketLines: Array<{
    kind: string;
    template_id: string | null;
    id: string;
    package_line_id: string | null;
    reservation_id: string | null;
    sold_package_id: string | null;
    gift_to_customer_id: string | null;
  }>,
  now: Temporal.Instant,
): Promise<CreditSource[]> {
  const rows = await tx
    .selectFrom("package_lines as l")
    .innerJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "l.business_id").onRef("p.id", "=", "l.package_id"),
    )
    .select([
      "l.id",
      "l.package_id",
      "l.item_id",
      "l.total",
      "l.used",
      "l.booked",
      "l.refunded",
      "p.name",
      "p.purchased_at",
      "p.expires_at",
      "p.redeemable_location_ids",
      "p.pauses",
    ])
    .where("l.business_id", "=", businessId)
    .where("l.customer_id", "=", ticket.customer_id!)
    .execute();
  const ownReservations = new Map<string, number>();
  for (const t of ticketLines) {
    if (t.reservation_id && t.package_line_id)
      ownReservations.set(t.package_line_id, (ownReservations.get(t.package_line_id) ?? 0) + 1);
  }
  const sources: CreditSource[] = rows.map((r) => ({
    packageLineId: r.id,
    packageId: r.package_id,
    packageName: r.name,
    itemId: r.item_id,
    purchasedAt: toInstant(r.purchased_at),
    expiresAt: r.expires_at ? toInstant(r.expires_at) : null,
    refunded: r.refunded,
    redeemableLocationIds: r.redeemable_location_ids,
    pauses: pauseSpans(r.pauses),
    total: r.total,
    used: r.used,
    booked: r.booked - (ownReservations.get(r.id) ?? 0),
  }));
  // Packages for sale on this open ticket: not bought yet, so they come last in FIFO order.
  // G2: a package sold as a gift is the recipient's: it covers nothing on the payer's ticket
  const sales = ticketLines.filter(
    (l) => l.kind === "package_sale" && !l.sold_package_id && l.gift_to_customer_id === null,
  );
  if (sales.length > 0) {
    const items = await tx
      .selectFrom("template_items")
      .select(["template_id", "item_id", "quantity"])
      .where("business_id", "=", businessId)
      .where(
        "template_id",
        "in",
        sales.map((s) => s.template_id!),
      )
      .execute();
    for (const sale of sales) {
      for (const item of items.filter((i) => i.template_id === sale.template_id)) {
        sources.push({
          packageLineId: `${SALE_PREFIX}${sale.id}/${item.item_id}`,
          packageId: `${SALE_PREFIX}${sale.id}`,
          packageName: "",
          itemId: item.item_id,
          purchasedAt: now,
          expiresAt: null,
          refunded: false,
          redeemableLocationIds: null,
          total: item.quantity,
          used: 0,
          booked: 0,
        });
      }
    }
  }
  return sources;
}
