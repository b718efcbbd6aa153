// T1, T7: ticket numbers and receipt numbers, each counted per business (migration 0013). A number
// is taken from the business's counter row by the same statement that writes the ticket, in the
// ticket's transaction: the row stays locked until the commit, so the closes of one business take
// their receipt numbers in turn, and one that rolls back gives its number back.
import { type Insertable, type QueryCreator, sql, type Transaction } from "kysely";
import type { DB, TicketsTable } from "../db/schema.js";

type Counter = "ticket" | "receipt";

/** The business's next number of a counter, its row locked; the first one creates the row. */
function nextNumber(db: QueryCreator<DB>, businessId: string, kind: Counter) {
  return db
    .insertInto("ticket_counters")
    .values({ business_id: businessId, kind, last_number: 1 })
    .onConflict((oc) =>
      oc
        .columns(["business_id", "kind"])
        .doUpdateSet((eb) => ({ last_number: eb("ticket_counters.last_number", "+", 1) })),
    )
    .returning("last_number");
}

export type NewTicket = Omit<Insertable<TicketsTable>, "number" | "receipt_number">;

/** Opens a ticket with its business's next ticket number. */
export async function insertTicket(tx: Transaction<DB>, ticket: NewTicket) {
  return tx
    .with("counter", (db) => nextNumber(db, ticket.business_id, "ticket"))
    .insertInto("tickets")
    .values({ ...ticket, number: sql<number>`(SELECT last_number FROM counter)` })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
}

export interface Closing {
  closed_at: Date;
  closed_by: string;
  total_minor: number;
  tax_minor: number;
}

/**
 * Marks a ticket that the transaction holds locked as closed, with its business's next receipt
 * number, and answers that number. Make it the transaction's last write: the counter row stays
 * locked, and every other close of the business waits, until the commit.
 */
export async function closeWithReceiptNumber(
  tx: Transaction<DB>,
  businessId: string,
  ticketId: string,
  closing: Closing,
): Promise<number> {
  const row = await tx
    .with("counter", (db) => nextNumber(db, businessId, "receipt"))
    .updateTable("tickets")
    .set({ ...closing, status: "closed", receipt_number: sql<number>`(SELECT last_number FROM counter)` })
    .where("business_id", "=", businessId)
    .where("id", "=", ticketId)
    .where("status", "=", "open")
    .returning("receipt_number")
    .executeTakeFirst();
  // The counter moved whatever the UPDATE found: without the ticket, the whole close must roll back.
  if (!row?.receipt_number) throw new Error(`ticket ${ticketId} is not open in this transaction`);
  return row.receipt_number;
}
