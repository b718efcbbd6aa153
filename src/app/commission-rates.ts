// O4: commission rates, a percentage per staff member, optionally per item category. A ticket line
// takes its rate when the ticket closes (close-ticket.ts) and keeps it: changing a rate here never
// rewrites what was owed on lines already closed.
import { sql } from "kysely";
import type { CommissionRate } from "../domain/commission.js";
import { notFound } from "../domain/errors.js";
import { logAdminAction } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { categoryInUse } from "./manage-catalog.js";

interface RateRow {
  id: string;
  staff_id: string;
  category: string | null;
  rate_bp: number;
  updated_at: Date;
}

function rateView(r: RateRow & { staff_name: string }) {
  return {
    id: r.id,
    staffId: r.staff_id,
    staffName: r.staff_name,
    category: r.category,
    rateBp: r.rate_bp,
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function listCommissionRates(ctx: Ctx) {
  authorize(ctx, "view_reports");
  const rows = await ctx.database.db
    .selectFrom("commission_rates as r")
    .innerJoin("staff as s", (j) =>
      j.onRef("s.business_id", "=", "r.business_id").onRef("s.id", "=", "r.staff_id"),
    )
    .select(["r.id", "r.staff_id", "r.category", "r.rate_bp", "r.updated_at", "s.name as staff_name"])
    .where("r.business_id", "=", ctx.actor.businessId)
    .orderBy("s.name")
    .orderBy(sql`r.category IS NOT NULL`)
    .orderBy(sql`lower(r.category)`)
    .execute();
  return rows.map(rateView);
}

/** The rates of these staff members, for closing a ticket. */
export async function ratesOf(
  db: Executor,
  businessId: string,
  staffIds: string[],
): Promise<CommissionRate[]> {
  if (staffIds.length === 0) return [];
  const rows = await db
    .selectFrom("commission_rates")
    .select(["staff_id", "category", "rate_bp"])
    .where("business_id", "=", businessId)
    .where("staff_id", "in", staffIds)
    .execute();
  return rows.map((r) => ({ staffId: r.staff_id, category: r.category, rateBp: r.rate_bp }));
}

/** Sets the staff member's rate for the category (null: for everything without a rate of its own). */
export async function setCommissionRate(
  ctx: Ctx,
  input: { staffId: string; category?: string | null | undefined; rateBp: number },
  db: Executor = ctx.database.db,
) {
  authorize(ctx, "manage_commission_rates");
  const businessId = ctx.actor.businessId;
  return inTransaction(db, async (tx) => {
    // Two owners changing one person's rates at once take turns, so each entry says what it changed from.
    const staff = await tx
      .selectFrom("staff")
      .select(["id", "name"])
      .where("business_id", "=", businessId)
      .where("id", "=", input.staffId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!staff) throw notFound("staff", "staffId");
    const category = await categoryInUse(tx, businessId, input.category);
    const current = await tx
      .selectFrom("commission_rates")
      .selectAll()
      .where("business_id", "=", businessId)
      .where("staff_id", "=", staff.id)
      .where(sql<string>`lower(coalesce(category, ''))`, "=", (category ?? "").toLowerCase())
      .executeTakeFirst();
    const row = current
      ? await tx
          .updateTable("commission_rates")
          .set({ rate_bp: input.rateBp, updated_at: new Date(ctx.clock().epochMilliseconds) })
          .where("business_id", "=", businessId)
          .where("id", "=", current.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await tx
          .insertInto("commission_rates")
          .values({
            business_id: businessId,
            staff_id: staff.id,
            category,
            rate_bp: input.rateBp,
            created_at: new Date(ctx.clock().epochMilliseconds),
            updated_at: new Date(ctx.clock().epochMilliseconds),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    if (current?.rate_bp !== input.rateBp) {
      await logAdminAction(tx, ctx, "set_commission_rate", {
        rateId: row.id,
        staffId: staff.id,
        staffName: staff.name,
        category: row.category,
        changes: { rateBp: { from: current?.rate_bp ?? null, to: input.rateBp } },
      });
    }
    return rateView({ ...row, staff_name: staff.name });
  });
}

export async function removeCommissionRate(ctx: Ctx, rateId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_commission_rates");
  const businessId = ctx.actor.businessId;
  return inTransaction(db, async (tx) => {
    const row = await tx
      .deleteFrom("commission_rates")
      .where("business_id", "=", businessId)
      .where("id", "=", rateId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("commission_rate", "rateId");
    const staff = await tx
      .selectFrom("staff")
      .select("name")
      .where("business_id", "=", businessId)
      .where("id", "=", row.staff_id)
      .executeTakeFirstOrThrow();
    await logAdminAction(tx, ctx, "remove_commission_rate", {
      rateId: row.id,
      staffId: row.staff_id,
      staffName: staff.name,
      category: row.category,
      changes: { rateBp: { from: row.rate_bp, to: null } },
    });
    return { removed: true as const, id: row.id };
  });
}
