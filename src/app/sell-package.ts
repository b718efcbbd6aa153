// P3: selling a template to a customer directly. The package copies everything the template says
// today (items, quantities, price, validity, commission basis, locations), so later edits of the
// template never reach it. Each line is granted its credits through the ledger.
import type { Temporal } from "temporal-polyfill";
import { allocatePackagePrice } from "../domain/credit-value.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { computeExpiry, toDate, type ValidityRule } from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { mailGift } from "./gift-mail.js";
import { getCustomer, getLocation } from "./lookups.js";
import { loadPackage, type PackageView } from "./package-view.js";
import { enqueueWebhookEvent, packageEventData } from "./webhooks/outbox.js";
import { writeMovement } from "./write-movement.js";

export interface SellPackageInput {
  customerId: string;
  templateId: string;
  /** where it is sold; defaults to the actor's working location */
  locationId?: string | undefined;
  /** the agreed price in the location's currency; defaults to the template's price there */
  priceMinor?: number | undefined;
  /** demo data and tests may sell in the past; the API always sells now */
  purchasedAt?: Temporal.Instant | undefined;
  ticketLineId?: string | undefined;
  /** G2: a gift: the customer who pays (customerId receives it), and a message for the receipt and e-mail */
  giftFromCustomerId?: string | undefined;
  giftMessage?: string | undefined;
}

export async function sellPackage(
  ctx: Ctx,
  input: SellPackageInput,
  db: Executor = ctx.database.db,
): Promise<PackageView> {
  authorize(ctx, "sell_package");
  const businessId = ctx.actor.businessId;
  const purchasedAt = input.purchasedAt ?? ctx.clock();
  const giftMessage = input.giftMessage?.trim() || undefined;
  if (giftMessage && !input.giftFromCustomerId)
    throw invalid(
      "gift_message_without_payer",
      "A gift message needs the customer who gives it.",
      "giftMessage",
    );
  return inTransaction(db, async (tx) => {
    const customer = await getCustomer(tx, businessId, input.customerId);
    const giver = input.giftFromCustomerId
      ? await getCustomer(tx, businessId, input.giftFromCustomerId, "giftFromCustomerId")
      : null;
    if (giver?.id === customer.id)
      throw invalid(
        "gift_to_self",
        "A gift goes to another customer than the one who pays.",
        "giftFromCustomerId",
      );
    const location = await getLocation(tx, businessId, input.locationId ?? ctx.actor.locationId);
    const template = await tx
      .selectFrom("package_templates")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("id", "=", input.templateId)
      .executeTakeFirst();
    if (!template) throw notFound("template", "templateId");
    if (!template.active)
      throw conflict(
        "template_retired",
        "This package template is retired and cannot be sold.",
        "templateId",
      );
    const items = await tx
      .selectFrom("template_items as ti")
      .innerJoin("items as i", (j) =>
        j.onRef("i.business_id", "=", "ti.business_id").onRef("i.id", "=", "ti.item_id"),
      )
      .select(["ti.item_id", "ti.quantity", "ti.position", "i.kind", "i.name", "i.prices"])
      .where("ti.business_id", "=", businessId)
      .where("ti.template_id", "=", template.id)
      .orderBy("ti.position")
      .execute();
    if (items.length === 0)
      throw conflict("template_empty", "This package template has no items.", "templateId");
    const locations = await tx
      .selectFrom("template_locations")
      .select("location_id")
      .where("business_id", "=", businessId)
      .where("template_id", "=", template.id)
      .execute();

    const price = input.priceMinor ?? template.prices[location.currency];
    if (price === undefined) {
      throw invalid(
        "template_not_priced_in_currency",
        `This template has no price in ${location.currency}; give a price.`,
        "priceMinor",
      );
    }
    const rule = {
      kind: template.validity_kind,
      count: template.validity_count,
      date: template.validity_date,
    } as ValidityRule;
    const expiry = computeExpiry(purchasedAt, location.time_zone, rule);
    const lines = items.map((i) => ({ ...i, retail: i.prices[location.currency] ?? 0 }));
    const shares = allocatePackagePrice(
      price,
      lines.map((l) => ({ retailPriceMinor: l.retail, credits: l.quantity })),
    );

    const pkg = await tx
      .insertInto("customer_packages")
      .values({
        business_id: businessId,
        customer_id: customer.id,
        template_id: template.id,
        name: template.name,
        kind: template.kind,
        location_id: location.id,
        time_zone: location.time_zone,
        currency: location.currency,
        price_minor: price,
        commission_basis: template.commission_basis,
        online_bookable: template.online_bookable,
        redeemable_location_ids: locations.length > 0 ? locations.map((l) => l.location_id) : null,
        validity: JSON.stringify({
          kind: template.validity_kind,
          count: template.validity_count,
          date: template.validity_date,
        }),
        purchased_at: toDate(purchasedAt),
        expires_on: expiry.expiresOn,
        expires_at: expiry.expiresAt ? toDate(expiry.expiresAt) : null,
        sold_by: ctx.actor.staffId,
        sold_on_ticket_line_id: input.ticketLineId ?? null,
        gift_from_customer_id: giver?.id ?? null,
        gift_message: giver ? (giftMessage ?? null) : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const lineRows = await tx
      .insertInto("package_lines")
      .values(
        lines.map((l, i) => ({
          business_id: businessId,
          package_id: pkg.id,
          customer_id: customer.id,
          position: i,
          item_id: l.item_id,
          item_kind: l.kind,
          item_name: l.name,
          retail_price_minor: l.retail,
          granted: l.quantity,
          value_minor: shares[i]!,
        })),
      )
      .returning(["id", "granted"])
      .execute();
    for (const line of lineRows) {
      await writeMovement(tx, {
        businessId,
        lineId: line.id,
        kind: "grant",
        quantity: line.granted,
        at: purchasedAt,
        locationId: location.id,
        actorStaffId: ctx.actor.staffId,
        activity: null,
      });
    }
    await logActivity(tx, {
      businessId,
      at: purchasedAt,
      actorStaffId: ctx.actor.staffId,
      locationId: location.id,
      action: "sell",
      customerId: customer.id,
      packageId: pkg.id,
      details: {
        template: template.name,
        priceMinor: price,
        currency: location.currency,
        expiresOn: expiry.expiresOn,
        ...(giver
          ? { giftFromCustomerId: giver.id, giftFrom: giver.name, giftMessage: giftMessage ?? null }
          : {}),
      },
    });
    if (giver)
      await mailGift(tx, {
        businessId,
        recipient: customer,
        giver,
        packageId: pkg.id,
        giftMessage,
        at: purchasedAt,
      });
    const sold = await loadPackage(tx, businessId, pkg.id, ctx.clock());
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.sold",
      data: packageEventData(sold, {
        priceMinor: price,
        currency: location.currency,
        ...(giver ? { giftFromCustomerId: giver.id } : {}),
      }),
      at: purchasedAt,
    });
    return sold;
  });
}
