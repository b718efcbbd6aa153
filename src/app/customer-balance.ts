// R4: a customer's own read-only view of what they have left, reached by an unguessable link. The
// link's token is a key to the customer's data: only a SHA-256 of it is stored (a copy of the
// database opens nobody's page), staff see it only at the moment they make it, and making a new one
// ends the previous one. A new customer has no link until staff make one.
import { AppError, notFound } from "../domain/errors.js";
import { toDate } from "../domain/validity.js";
import { logAdminAction } from "./activity.js";
import { type App, actorStaffId, authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { listLocations } from "./manage-business.js";
import { CUSTOMER_COLUMNS, customerView } from "./manage-customers.js";
import { loadPackages } from "./package-view.js";
import { newSecret, sha256 } from "./sign-in.js";

export const balancePath = (token: string) => `/balance/${token}`;

/** The customer whose link this is; a wrong, replaced or removed link is simply not found. */
export async function balanceLinkHolder(db: Executor, token: string) {
  const customer = await db
    .selectFrom("customers as c")
    .innerJoin("businesses as b", "b.id", "c.business_id")
    .select([
      "c.id",
      "c.business_id",
      "c.name",
      "b.name as business_name",
      "c.language",
      "b.language as business_language",
    ])
    .where("c.balance_token_hash", "=", sha256(token))
    .executeTakeFirst();
  // The same answer for a wrong token as for a missing one: nothing to learn by guessing.
  if (!customer) throw new AppError("not_found", "balance_not_found", "This balance link is not valid.");
  return customer;
}

export async function customerBalance(app: App, token: string) {
  const db = app.database.db;
  const customer = await balanceLinkHolder(db, token);
  const now = app.clock();
  const packages = await loadPackages(db, customer.business_id, { customerId: customer.id }, now);
  const locations = await listLocations(db, customer.business_id);
  const active = packages.filter((p) => p.status === "active");
  // U1: the page reads as where the customer's packages were bought (the first shown), else as the
  // business's first location.
  const home = locations.find((l) => l.id === active[0]?.locationId) ?? locations[0];
  return {
    businessName: customer.business_name,
    customerName: customer.name,
    /** U2: the customer's language, or the business's */
    language: customer.language ?? customer.business_language,
    locale: home?.locale ?? "en-GB",
    packages: active.map((p) => ({
      id: p.id,
      name: p.name,
      onlineBookable: p.onlineBookable,
      expiresOn: p.expiresOn,
      timeZone: p.timeZone,
      locationName: locations.find((l) => l.id === p.locationId)?.name ?? null,
      lines: p.lines.map((l) => ({
        id: l.id,
        itemName: l.itemName,
        itemKind: l.itemKind,
        remaining: l.remaining,
        booked: l.booked,
        used: l.used,
        total: l.total,
        unlimited: l.unlimited,
      })),
    })),
  };
}

/**
 * A new balance link for the customer (front desk, manager, owner): the only moment its token is
 * shown. The customer's previous link stops working at once.
 */
export async function makeBalanceLink(ctx: Ctx, customerId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_customers");
  const token = newSecret();
  const createdAt = ctx.clock();
  return inTransaction(db, async (tx) => {
    const row = await tx
      .updateTable("customers")
      .set({
        balance_token_hash: sha256(token),
        balance_link_created_at: toDate(createdAt),
        balance_link_created_by: actorStaffId(ctx),
      })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", customerId)
      .returning("id")
      .executeTakeFirst();
    if (!row) throw notFound("customer", "customerId");
    await logAdminAction(tx, ctx, "make_balance_link", {}, customerId);
    return { token, path: balancePath(token), createdAt: toDate(createdAt).toISOString() };
  });
}

/** Ends the customer's balance link without making another (a lost phone, a shared link). */
export async function removeBalanceLink(ctx: Ctx, customerId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_customers");
  return inTransaction(db, async (tx) => {
    const row = await tx
      .updateTable("customers")
      .set({ balance_token_hash: null, balance_link_created_at: null, balance_link_created_by: null })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", customerId)
      .returning(CUSTOMER_COLUMNS)
      .executeTakeFirst();
    if (!row) throw notFound("customer", "customerId");
    await logAdminAction(tx, ctx, "end_balance_link", {}, customerId);
    return customerView(row);
  });
}
