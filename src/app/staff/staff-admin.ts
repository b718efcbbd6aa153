// O2: the owner changes a staff member's role, deactivates and reactivates them. A deactivated
// member's sessions end and their API tokens are revoked in the same transaction, so the very next
// request of either is refused on every server; they are no longer offered online nor bookable on
// the calendar, and everything they did stays in the history under their name.
//
// The business always keeps an active owner. Demoting or deactivating an owner locks the business's
// active owners first (in id order, so that two such changes never deadlock) and counts them under
// that lock: two owners demoting each other at once are taken one after the other, and the second
// finds that it is no longer an owner.

import type { Transaction } from "kysely";
import type { DB, Role } from "../../db/schema.js";
import { conflict, forbidden, notFound } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import { logAdminAction } from "../activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "../context.js";
import { staffView } from "../manage-business.js";

const MEMBER_COLUMNS = ["id", "name", "email", "role", "home_location_id", "active"] as const;

const lastOwner = () =>
  conflict(
    "last_owner",
    "The business must keep an active owner: make someone else an owner first.",
    "staffId",
  );

/**
 * Locks the business's active owners, then the member, and checks that the actor is still one of
 * those owners (a change that committed while this one waited may have demoted them).
 */
async function lockForChange(tx: Transaction<DB>, ctx: Ctx, staffId: string) {
  const owners = await tx
    .selectFrom("staff")
    .select("id")
    .where("business_id", "=", ctx.actor.businessId)
    .where("role", "=", "owner")
    .where("active", "=", true)
    .orderBy("id")
    .forNoKeyUpdate()
    .execute();
  if (!owners.some((o) => o.id === ctx.actor.staffId)) throw forbidden();
  const member = await tx
    .selectFrom("staff")
    .select(MEMBER_COLUMNS)
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", staffId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!member) throw notFound("staff", "staffId");
  const otherOwners = owners.filter((o) => o.id !== member.id).length;
  return { member, otherOwners };
}

export async function changeRole(ctx: Ctx, staffId: string, role: Role, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_staff");
  return inTransaction(db, async (tx) => {
    const { member, otherOwners } = await lockForChange(tx, ctx, staffId);
    if (member.role === role) return staffView(member);
    if (member.role === "owner" && member.active && otherOwners === 0) throw lastOwner();
    const row = await tx
      .updateTable("staff")
      .set({ role })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", staffId)
      .returning(MEMBER_COLUMNS)
      .executeTakeFirstOrThrow();
    // Who made whom an owner or a manager is the first question after an incident.
    await logAdminAction(tx, ctx, "change_staff_role", {
      staff: { id: member.id, name: member.name },
      changes: { role: { from: member.role, to: role } },
    });
    return staffView(row);
  });
}

export async function deactivateStaff(ctx: Ctx, staffId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_staff");
  return inTransaction(db, async (tx) => {
    const { member, otherOwners } = await lockForChange(tx, ctx, staffId);
    if (!member.active) return staffView(member);
    if (member.role === "owner" && otherOwners === 0) throw lastOwner();
    const row = await tx
      .updateTable("staff")
      .set({ active: false })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", staffId)
      .returning(MEMBER_COLUMNS)
      .executeTakeFirstOrThrow();
    // Every request checks the member's sessions and tokens against the database (src/http/auth.ts);
    // ending them here as well means that reactivating the member later revives neither.
    const sessions = await tx
      .deleteFrom("staff_sessions")
      .where("business_id", "=", ctx.actor.businessId)
      .where("staff_id", "=", staffId)
      .executeTakeFirst();
    const tokens = await tx
      .updateTable("api_tokens")
      .set({ revoked_at: toDate(ctx.clock()), revoked_by: ctx.actor.staffId })
      .where("business_id", "=", ctx.actor.businessId)
      .where("staff_id", "=", staffId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    await logAdminAction(tx, ctx, "deactivate_staff", {
      staff: { id: member.id, name: member.name, role: member.role },
      sessionsEnded: Number(sessions.numDeletedRows),
      tokensRevoked: Number(tokens.numUpdatedRows),
    });
    return staffView(row);
  });
}

/** The member signs in again; their old sessions and tokens stay ended. */
export async function reactivateStaff(ctx: Ctx, staffId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_staff");
  return inTransaction(db, async (tx) => {
    const { member } = await lockForChange(tx, ctx, staffId);
    if (member.active) return staffView(member);
    const row = await tx
      .updateTable("staff")
      .set({ active: true })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", staffId)
      .returning(MEMBER_COLUMNS)
      .executeTakeFirstOrThrow();
    await logAdminAction(tx, ctx, "reactivate_staff", {
      staff: { id: member.id, name: member.name, role: member.role },
    });
    return staffView(row);
  });
}
