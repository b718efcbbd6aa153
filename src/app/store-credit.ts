// Store credit, per customer and currency: an append-only ledger of movements with a cached balance
// that the database keeps from going negative. Every change goes through here, the movement and the
// balance in the caller's transaction, so that `carnet verify` can prove each balance equals its
// movements.
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { conflict } from "../domain/errors.js";

export interface StoreCreditChange {
  businessId: string;
  customerId: string;
  currency: string;
  /** positive: what the customer receives */
  amountMinor: number;
  kind: "package_refund" | "tender_refund";
  packageId?: string | null;
  ticketId?: string | null;
  actorStaffId: string | null;
  at: Date;
  reason?: string | null;
}

export async function creditStoreCredit(tx: Transaction<DB>, e: StoreCreditChange): Promise<void> {
  await tx
    .insertInto("store_credit_accounts")
    .values({
      business_id: e.businessId,
      customer_id: e.customerId,
      currency: e.currency,
      balance_minor: e.amountMinor,
    })
    .onConflict((oc) =>
      oc.columns(["business_id", "customer_id", "currency"]).doUpdateSet((eb) => ({
        balance_minor: eb("store_credit_accounts.balance_minor", "+", e.amountMinor),
      })),
    )
    .execute();
  await insertMovement(tx, e, e.amountMinor, e.kind);
}

/** Pays with store credit; refused when the balance is short, whatever ran at the same time. */
export async function spendStoreCredit(
  tx: Transaction<DB>,
  e: {
    businessId: string;
    customerId: string;
    currency: string;
    amountMinor: number;
    ticketId: string;
    actorStaffId: string;
    at: Date;
  },
): Promise<void> {
  const updated = await tx
    .updateTable("store_credit_accounts")
    .set((eb) => ({ balance_minor: eb("balance_minor", "-", e.amountMinor) }))
    .where("business_id", "=", e.businessId)
    .where("customer_id", "=", e.customerId)
    .where("currency", "=", e.currency)
    .where("balance_minor", ">=", e.amountMinor)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    throw conflict(
      "insufficient_store_credit",
      "The customer does not have that much store credit.",
      "payments",
    );
  await insertMovement(tx, e, -e.amountMinor, "tender");
}

async function insertMovement(
  tx: Transaction<DB>,
  e: Omit<StoreCreditChange, "kind">,
  amountMinor: number,
  kind: "package_refund" | "tender_refund" | "tender",
) {
  await tx
    .insertInto("store_credit_movements")
    .values({
      business_id: e.businessId,
      customer_id: e.customerId,
      currency: e.currency,
      amount_minor: amountMinor,
      kind,
      package_id: e.packageId ?? null,
      ticket_id: e.ticketId ?? null,
      actor_staff_id: e.actorStaffId,
      occurred_at: e.at,
      reason: e.reason ?? null,
    })
    .execute();
}
