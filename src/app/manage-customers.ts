// Customers of the business: search as you type (name, phone, e-mail), create, edit. A customer
// view says whether the customer has a balance link (R4) and since when, never its token: that is
// shown once, when staff make the link (customer-balance.ts).
import { sql } from "kysely";
import { notFound } from "../domain/errors.js";
import { authorize, type Ctx } from "./context.js";

export interface CustomerInput {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

export const CUSTOMER_COLUMNS = [
  "id",
  "name",
  "email",
  "phone",
  "balance_link_created_at",
  "created_at",
] as const;

export function customerView(c: {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  balance_link_created_at: Date | null;
  created_at: Date;
}) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    balanceLinkCreatedAt: c.balance_link_created_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
  };
}

export async function searchCustomers(ctx: Ctx, query: string, limit: number) {
  authorize(ctx, "read");
  const q = query.trim().toLowerCase();
  let select = ctx.database.db
    .selectFrom("customers")
    .select(CUSTOMER_COLUMNS)
    .where("business_id", "=", ctx.actor.businessId);
  if (q) {
    const digits = q.replace(/\D/g, "");
    const escaped = q.replace(/[\\%_]/g, (m) => `\\${m}`);
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, "like", `${escaped}%`),
        eb(sql`lower(name)`, "like", `% ${escaped}%`),
        eb(sql`lower(email)`, "like", `${escaped}%`),
        ...(digits.length >= 3
          ? [eb(sql`regexp_replace(coalesce(phone, ''), '\\D', '', 'g')`, "like", `%${digits}%`)]
          : []),
      ]),
    );
  }
  const rows = await select.orderBy("name").orderBy("id").limit(limit).execute();
  return rows.map(customerView);
}

export async function getCustomerView(ctx: Ctx, customerId: string) {
  authorize(ctx, "read");
  const row = await ctx.database.db
    .selectFrom("customers")
    .select(CUSTOMER_COLUMNS)
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", customerId)
    .executeTakeFirst();
  if (!row) throw notFound("customer", "customerId");
  return customerView(row);
}

const clean = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim();

export async function createCustomer(ctx: Ctx, input: CustomerInput, db = ctx.database.db) {
  authorize(ctx, "manage_customers");
  const row = await db
    .insertInto("customers")
    .values({
      business_id: ctx.actor.businessId,
      name: input.name.trim(),
      email: clean(input.email)?.toLowerCase() ?? null,
      phone: clean(input.phone) ?? null,
    })
    .returning(CUSTOMER_COLUMNS)
    .executeTakeFirstOrThrow();
  return customerView(row);
}

export async function updateCustomer(
  ctx: Ctx,
  customerId: string,
  input: Partial<CustomerInput>,
  db = ctx.database.db,
) {
  authorize(ctx, "manage_customers");
  const changes = {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.email !== undefined ? { email: clean(input.email)?.toLowerCase() ?? null } : {}),
    ...(input.phone !== undefined ? { phone: clean(input.phone) ?? null } : {}),
  };
  // An empty edit changes nothing and answers the customer as it is (an UPDATE needs a column).
  const row =
    Object.keys(changes).length === 0
      ? await db
          .selectFrom("customers")
          .select(CUSTOMER_COLUMNS)
          .where("business_id", "=", ctx.actor.businessId)
          .where("id", "=", customerId)
          .executeTakeFirst()
      : await db
          .updateTable("customers")
          .set(changes)
          .where("business_id", "=", ctx.actor.businessId)
          .where("id", "=", customerId)
          .returning(CUSTOMER_COLUMNS)
          .executeTakeFirst();
  if (!row) throw notFound("customer", "customerId");
  return customerView(row);
}
