// The liability summary's counters (migration 0026) keep one row per group and writing connection;
// folding them into one row per group now and then keeps the summary's read small. Safe on several
// servers at once: a row being written, or being folded by another server, is skipped this time.
import { sql } from "kysely";
import type { Executor } from "../app/context.js";

/** Folds every business's counters; returns the rows folded. */
export async function foldLiabilityCounters(db: Executor): Promise<number> {
  const { rows } = await sql<{ folded: number }>`
    SELECT coalesce(sum(fold_liability_counters(b.business_id)), 0)::int AS folded
      FROM (SELECT DISTINCT business_id FROM liability_counters WHERE slot <> 0) b`.execute(db);
  return rows[0]?.folded ?? 0;
}
