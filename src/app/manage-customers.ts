// Customers of the business: listed a page at a time in the location's order of names, searched as
// you type (name, phone, e-mail), created, edited. A customer view says whether the customer has a
// balance link (R4) and since when, never its token: that is shown once, when staff make the link
// (customer-balance.ts).
import { sql } from "kysely";
import { inNameOrder } from "../db/name-order.js";
import { notFound } from "../domain/errors.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { assertLanguage } from "./languages.js";
import { getLocation } from "./lookups.js";
import { cursorOf, pageOf } from "./pages.js";
import { enqueueWebhookEvent } from "./webhooks/outbox.js";

export interface CustomerInput {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  /** U2: the language mail and their balance page speak; null: the business's */
  language?: string | null | undefined;
}

export const CUSTOMER_COLUMNS = [
  "id",
  "name",
  "email",
  "phone",
  "balance_link_created_at",
  "created_at",
  "language",
] as const;

export function customerView(c: {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  balance_link_created_at: Date | null;
  created_at: Date;
  language: string | null;
}) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    balanceLinkCreatedAt: c.balance_link_created_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
    language: c.language,
  };
}

export interface CustomerListQuery {
  q: string;
  limit: number;
  /** where the previous page ended (its nextCursor), or undefined for the first page */
  cursor?: string | undefined;
}

/**
 * A page of the customers matching `q` (start of a name or of a word in it, start of the e-mail,
 * three or more digits of the phone), in the order the working location reads names (U1), and how
 * many match in all. The next page starts after the last name and id shown (keyset, W2), so a
 * customer added meanwhile never shifts a page.
 */
export async function listCustomers(ctx: Ctx, query: CustomerListQuery) {
  authorize(ctx, "read");
  const { locale } = await getLocation(ctx.database.db, ctx.actor.businessId, ctx.actor.locationId);
  const name = inNameOrder(sql`name`, locale);
  const after = cursorOf(query, ["text", "uuid"] as const);
  const matching = matchingCustomers(ctx, query.q);
  const [rows, count] = await Promise.all([
    matching
      .select(CUSTOMER_COLUMNS)
      .$if(after !== null, (s) => s.where(sql<boolean>`(${name}, id) > (${after![0]}, ${after![1]}::uuid)`))
      .orderBy(name)
      .orderBy("id")
      .limit(query.limit + 1)
      .execute(),
    matching.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow(),
  ]);
  return {
    ...pageOf(rows, query.limit, (c) => [c.name, c.id], customerView),
    total: Number(count.total),
  };
}

function matchingCustomers(ctx: Ctx, query: string) {
  const select = ctx.database.db.selectFrom("customers").where("business_id", "=", ctx.actor.businessId);
  const q = query.trim().toLowerCase();
  if (!q) return select;
  const digits = q.replace(/\D/g, "");
  const escaped = q.replace(/[\\%_]/g, (m) => `\\${m}`);
  return select.where((eb) =>
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

const languageOf = (v: string | null | undefined) =>
  v === undefined || v === null ? v : assertLanguage(v, "language");

const clean = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim();

export async function createCustomer(ctx: Ctx, input: CustomerInput, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_customers");
  // W3: the customer and the webhook event that announces it commit together
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("customers")
      .values({
        business_id: ctx.actor.businessId,
        name: input.name.trim(),
        email: clean(input.email)?.toLowerCase() ?? null,
        phone: clean(input.phone) ?? null,
        language: languageOf(input.language) ?? null,
      })
      .returning(CUSTOMER_COLUMNS)
      .executeTakeFirstOrThrow();
    const view = customerView(row);
    await enqueueWebhookEvent(tx, {
      businessId: ctx.actor.businessId,
      type: "customer.created",
      data: { customerId: view.id, name: view.name, email: view.email, phone: view.phone },
      at: ctx.clock(),
    });
    return view;
  });
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
    ...(input.language !== undefined ? { language: languageOf(input.language) } : {}),
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
