// P1, P2, O3: the catalog (services, products, class types) and package templates. Editing or
// retiring a template never touches packages already sold: they carry their own snapshot. Archiving
// an item (active = false) takes it out of new templates, tickets and bookings; packages already
// sold with it keep working.
import { sql, type Transaction } from "kysely";
import type { DB, Item, ItemKind, PackageTemplate, Prices, ValidityKind } from "../db/schema.js";
import { creditValue, creditValuesOf } from "../domain/credit-value.js";
import { conflict, invalid, notFound } from "../domain/errors.js";
import { changedFields, logAdminAction } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";

export interface ItemInput {
  kind: ItemKind;
  name: string;
  prices: Prices;
  taxRateBp?: number | undefined;
  durationMinutes?: number | null | undefined;
  sellToClients?: boolean | undefined;
  commissionEligible?: boolean | undefined;
  active?: boolean | undefined;
  /** null or absent: no category */
  category?: string | null | undefined;
}

export function itemView(i: Item) {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    prices: i.prices,
    taxRateBp: i.tax_rate_bp,
    durationMinutes: i.duration_minutes,
    sellToClients: i.sell_to_clients,
    commissionEligible: i.commission_eligible,
    active: i.active,
    category: i.category,
  };
}

/** Archived items only when asked: the till, the calendar and the class schedule offer the rest. */
export async function listItems(ctx: Ctx, kind?: ItemKind, includeArchived = false) {
  authorize(ctx, "read");
  let q = ctx.database.db.selectFrom("items").selectAll().where("business_id", "=", ctx.actor.businessId);
  if (kind) q = q.where("kind", "=", kind);
  if (!includeArchived) q = q.where("active", "=", true);
  return (await q.orderBy("kind").orderBy("name").execute()).map(itemView);
}

/**
 * A category as the business already spells it ("nails" → "Nails" when an item says "Nails"), so
 * that one category is one set of items for commission rates; a new one is kept as typed.
 */
export async function categoryInUse(
  db: Executor,
  businessId: string,
  category: string | null | undefined,
  /** the item being edited: its own spelling may be the one corrected */
  exceptItemId?: string,
): Promise<string | null> {
  const typed = category?.trim();
  if (!typed) return null;
  let q = db
    .selectFrom("items")
    .select("category")
    .where("business_id", "=", businessId)
    .where(sql<string>`lower(category)`, "=", typed.toLowerCase());
  if (exceptItemId) q = q.where("id", "<>", exceptItemId);
  const found = await q.orderBy("created_at").limit(1).executeTakeFirst();
  return found?.category ?? typed;
}

export async function createItem(ctx: Ctx, input: ItemInput, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_catalog");
  return inTransaction(db, async (tx) => {
    const category = await categoryInUse(tx, ctx.actor.businessId, input.category);
    const view = itemView(await insertItem(tx, ctx, { ...input, category }));
    await logAdminAction(tx, ctx, "create_item", { item: view });
    return view;
  });
}

async function insertItem(db: Executor, ctx: Ctx, input: ItemInput) {
  return db
    .insertInto("items")
    .values({
      business_id: ctx.actor.businessId,
      kind: input.kind,
      name: input.name.trim(),
      prices: JSON.stringify(input.prices),
      tax_rate_bp: input.taxRateBp ?? 0,
      duration_minutes: input.durationMinutes ?? null,
      sell_to_clients: input.sellToClients ?? true,
      commission_eligible: input.commissionEligible ?? true,
      active: input.active ?? true,
      category: input.category ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateItem(
  ctx: Ctx,
  itemId: string,
  input: Partial<Omit<ItemInput, "kind">>,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_catalog");
  const changes = {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.prices !== undefined ? { prices: JSON.stringify(input.prices) } : {}),
    ...(input.taxRateBp !== undefined ? { tax_rate_bp: input.taxRateBp } : {}),
    ...(input.durationMinutes !== undefined ? { duration_minutes: input.durationMinutes } : {}),
    ...(input.sellToClients !== undefined ? { sell_to_clients: input.sellToClients } : {}),
    ...(input.commissionEligible !== undefined ? { commission_eligible: input.commissionEligible } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
  return inTransaction(db, async (tx) => {
    const current = await tx
      .selectFrom("items")
      .selectAll()
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", itemId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!current) throw notFound("item", "itemId");
    const set =
      input.category !== undefined
        ? { ...changes, category: await categoryInUse(tx, ctx.actor.businessId, input.category, itemId) }
        : changes;
    // An empty edit changes nothing and answers the item as it is (an UPDATE needs a column).
    if (Object.keys(set).length === 0) return itemView(current);
    const row = await tx
      .updateTable("items")
      .set(set)
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", itemId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = itemView(row);
    const changed = changedFields(itemView(current), view);
    if (Object.keys(changed).length > 0)
      await logAdminAction(tx, ctx, "update_item", { itemId, name: view.name, changes: changed });
    return view;
  });
}

export interface TemplateInput {
  kind: "course" | "package";
  name: string;
  prices: Prices;
  validity: { kind: ValidityKind; count?: number | null | undefined; date?: string | null | undefined };
  commissionBasis?: "item_retail_price" | "package_price_per_credit" | undefined;
  onlineBookable?: boolean | undefined;
  items: Array<{ itemId: string; quantity: number }>;
  /** where it can be redeemed; empty or absent = every location */
  locationIds?: string[] | undefined;
}

export async function templateView(db: Executor, t: PackageTemplate) {
  const items = await db
    .selectFrom("template_items as ti")
    .innerJoin("items as i", (j) =>
      j.onRef("i.business_id", "=", "ti.business_id").onRef("i.id", "=", "ti.item_id"),
    )
    .select(["ti.item_id", "ti.quantity", "i.name", "i.kind", "i.active"])
    .where("ti.business_id", "=", t.business_id)
    .where("ti.template_id", "=", t.id)
    .orderBy("ti.position")
    .execute();
  const locations = await db
    .selectFrom("template_locations")
    .select("location_id")
    .where("business_id", "=", t.business_id)
    .where("template_id", "=", t.id)
    .execute();
  const sold = await db
    .selectFrom("customer_packages")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("business_id", "=", t.business_id)
    .where("template_id", "=", t.id)
    .executeTakeFirstOrThrow();
  return {
    id: t.id,
    kind: t.kind,
    name: t.name,
    prices: t.prices,
    validity: { kind: t.validity_kind, count: t.validity_count, date: t.validity_date },
    commissionBasis: t.commission_basis,
    onlineBookable: t.online_bookable,
    active: t.active,
    items: items.map((i) => ({
      itemId: i.item_id,
      itemName: i.name,
      itemKind: i.kind,
      itemActive: i.active,
      quantity: i.quantity,
    })),
    locationIds: locations.map((l) => l.location_id),
    /** packages sold from it: they keep what they were sold with, whatever the template becomes */
    soldCount: Number(sold.n),
  };
}

export async function listTemplates(ctx: Ctx, includeRetired: boolean) {
  authorize(ctx, "read");
  const db = ctx.database.db;
  let q = db.selectFrom("package_templates").selectAll().where("business_id", "=", ctx.actor.businessId);
  if (!includeRetired) q = q.where("active", "=", true);
  const rows = await q.orderBy("name").execute();
  return Promise.all(rows.map((t) => templateView(db, t)));
}

function validityColumns(v: TemplateInput["validity"]) {
  const needsCount = v.kind === "days" || v.kind === "months";
  if (needsCount && !v.count)
    throw invalid("validity_count_required", "Say how many days or months.", "validity.count");
  if (v.kind === "fixed_date" && !v.date)
    throw invalid("validity_date_required", "Give the expiry date.", "validity.date");
  return {
    validity_kind: v.kind,
    validity_count: needsCount ? (v.count ?? null) : null,
    validity_date: v.kind === "fixed_date" ? (v.date ?? null) : null,
  };
}

async function writeTemplateParts(
  tx: Transaction<DB>,
  businessId: string,
  templateId: string,
  input: Partial<TemplateInput>,
) {
  if (input.items) {
    if (input.items.length === 0)
      throw invalid("items_required", "A template needs at least one item.", "items");
    if (input.kind === "course" && input.items.length !== 1) {
      throw invalid("course_single_item", "A course is a number of one service.", "items");
    }
    const ids = new Set(input.items.map((i) => i.itemId));
    if (ids.size !== input.items.length)
      throw invalid("duplicate_item", "Each item appears once; raise its quantity.", "items");
    const found = await tx
      .selectFrom("items")
      .select(["id", "name", "active"])
      .where("business_id", "=", businessId)
      .where("id", "in", [...ids])
      .execute();
    if (found.length !== ids.size) throw notFound("item", "items");
    // An archived item stays in a template that had it, but none takes it anew.
    const had = await tx
      .selectFrom("template_items")
      .select("item_id")
      .where("business_id", "=", businessId)
      .where("template_id", "=", templateId)
      .execute();
    const archived = found.find((i) => !i.active && !had.some((h) => h.item_id === i.id));
    if (archived)
      throw conflict(
        "item_inactive",
        `${archived.name} is archived: it cannot be put in a package. Restore it first.`,
        "items",
      );
    await tx
      .deleteFrom("template_items")
      .where("business_id", "=", businessId)
      .where("template_id", "=", templateId)
      .execute();
    await tx
      .insertInto("template_items")
      .values(
        input.items.map((i, position) => ({
          business_id: businessId,
          template_id: templateId,
          item_id: i.itemId,
          quantity: i.quantity,
          position,
        })),
      )
      .execute();
  }
  if (input.locationIds) {
    const ids = [...new Set(input.locationIds)];
    if (ids.length > 0) {
      const found = await tx
        .selectFrom("locations")
        .select("id")
        .where("business_id", "=", businessId)
        .where("id", "in", ids)
        .execute();
      if (found.length !== ids.length) throw notFound("location", "locationIds");
    }
    await tx
      .deleteFrom("template_locations")
      .where("business_id", "=", businessId)
      .where("template_id", "=", templateId)
      .execute();
    if (ids.length > 0) {
      await tx
        .insertInto("template_locations")
        .values(ids.map((location_id) => ({ business_id: businessId, template_id: templateId, location_id })))
        .execute();
    }
  }
}

export async function createTemplate(ctx: Ctx, input: TemplateInput, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_catalog");
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("package_templates")
      .values({
        business_id: ctx.actor.businessId,
        kind: input.kind,
        name: input.name.trim(),
        prices: JSON.stringify(input.prices),
        ...validityColumns(input.validity),
        commission_basis: input.commissionBasis ?? "item_retail_price",
        online_bookable: input.onlineBookable ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeTemplateParts(tx, ctx.actor.businessId, row.id, input);
    const view = await templateView(tx, row);
    await logAdminAction(tx, ctx, "create_template", { template: view });
    return view;
  });
}

export async function updateTemplate(
  ctx: Ctx,
  templateId: string,
  input: Partial<TemplateInput>,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_catalog");
  return inTransaction(db, async (tx) => {
    const current = await tx
      .selectFrom("package_templates")
      .selectAll()
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", templateId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound("template", "templateId");
    const row = await tx
      .updateTable("package_templates")
      .set({
        updated_at: new Date(),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.prices !== undefined ? { prices: JSON.stringify(input.prices) } : {}),
        ...(input.validity !== undefined ? validityColumns(input.validity) : {}),
        ...(input.commissionBasis !== undefined ? { commission_basis: input.commissionBasis } : {}),
        ...(input.onlineBookable !== undefined ? { online_bookable: input.onlineBookable } : {}),
      })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", templateId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const before = await templateView(tx, current);
    await writeTemplateParts(tx, ctx.actor.businessId, templateId, {
      ...input,
      kind: input.kind ?? current.kind,
    });
    const view = await templateView(tx, row);
    if (view.kind === "course" && view.items.length !== 1)
      throw invalid("course_single_item", "A course is a number of one service.", "items");
    const changed = changedFields(before, view);
    if (Object.keys(changed).length > 0)
      await logAdminAction(tx, ctx, "update_template", { templateId, name: view.name, changes: changed });
    return view;
  });
}

export async function setTemplateActive(
  ctx: Ctx,
  templateId: string,
  active: boolean,
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_catalog");
  return inTransaction(db, async (tx) => {
    const row = await tx
      .updateTable("package_templates")
      .set({ active, updated_at: new Date() })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", templateId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("template", "templateId");
    if (!active && row.active) throw conflict("template_still_active", "The template could not be retired.");
    await logAdminAction(tx, ctx, active ? "reactivate_template" : "retire_template", {
      templateId,
      name: row.name,
    });
    return templateView(tx, row);
  });
}

export interface PreviewInput {
  prices: Prices;
  items: Array<{ itemId: string; quantity: number }>;
}

/**
 * O3: what one credit of each item will be worth in each currency the template is priced in, as
 * the sale will compute it (credit-value.ts), and the commission base per credit on the
 * package-price basis (T10). Nothing is written.
 */
export async function previewTemplate(ctx: Ctx, input: PreviewInput) {
  authorize(ctx, "manage_catalog");
  const ids = [...new Set(input.items.map((i) => i.itemId))];
  if (ids.length !== input.items.length)
    throw invalid("duplicate_item", "Each item appears once; raise its quantity.", "items");
  const found =
    ids.length === 0
      ? []
      : await ctx.database.db
          .selectFrom("items")
          .select(["id", "name", "prices"])
          .where("business_id", "=", ctx.actor.businessId)
          .where("id", "in", ids)
          .execute();
  if (found.length !== ids.length) throw notFound("item", "items");
  const totalCredits = input.items.reduce((sum, i) => sum + i.quantity, 0);
  return {
    totalCredits,
    currencies: Object.entries(input.prices)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, priceMinor]) => {
        const lines = input.items.map((i) => {
          const item = found.find((f) => f.id === i.itemId)!;
          // As the sale does: an item without a price in the currency weighs nothing.
          const retail = item.prices[currency];
          return { item, quantity: i.quantity, retail: retail ?? 0, priced: retail !== undefined };
        });
        const values = creditValuesOf(
          priceMinor,
          lines.map((l) => ({ retailPriceMinor: l.retail, credits: l.quantity })),
        );
        return {
          currency,
          priceMinor,
          lines: lines.map((l, i) => ({
            itemId: l.item.id,
            itemName: l.item.name,
            quantity: l.quantity,
            retailPriceMinor: l.priced ? l.retail : null,
            ...values[i]!,
          })),
          packagePricePerCredit: {
            creditMinor: totalCredits > 0 ? creditValue(priceMinor, totalCredits, 1) : 0,
            lastCreditMinor: totalCredits > 0 ? creditValue(priceMinor, totalCredits, totalCredits) : 0,
          },
        };
      }),
  };
}

/**
 * Whether the customer still has a credit of the item to use: an archived item can then still go on
 * a ticket or a booking, covered by the package it was sold in.
 */
export async function holdsCreditsOf(
  db: Executor,
  businessId: string,
  customerId: string | null,
  itemId: string,
  at: Date,
): Promise<boolean> {
  if (!customerId) return false;
  const line = await db
    .selectFrom("package_lines")
    .select("id")
    .where("business_id", "=", businessId)
    .where("customer_id", "=", customerId)
    .where("item_id", "=", itemId)
    .where("refunded", "=", false)
    .where(sql<boolean>`total - used - booked > 0`)
    .where((eb) => eb.or([eb("package_expires_at", "is", null), eb("package_expires_at", ">", at)]))
    .limit(1)
    .executeTakeFirst();
  return line !== undefined;
}
