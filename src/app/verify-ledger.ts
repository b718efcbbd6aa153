// L2: every cached counter must equal what its movements add up to. `carnet verify` runs this and
// exits non-zero, naming each package whose cache disagrees with its ledger.
import { sql } from "kysely";
import type { Executor } from "./context.js";

export interface Mismatch {
  businessId: string;
  packageId: string;
  lineId: string;
  itemName: string;
  cached: { total: number; used: number; booked: number; expired: number };
  ledger: { total: number; used: number; booked: number; expired: number };
}

export async function verifyLedger(db: Executor): Promise<{ lines: number; mismatches: Mismatch[] }> {
  const rows = await sql<{
    business_id: string;
    package_id: string;
    line_id: string;
    item_name: string;
    total: number;
    used: number;
    booked: number;
    expired: number;
    l_total: number;
    l_used: number;
    l_booked: number;
    l_expired: number;
    mismatch: boolean;
  }>`
    WITH sums AS (
      SELECT business_id, line_id,
        sum(CASE WHEN kind IN ('grant', 'add', 'import', 'transfer_in') THEN quantity
                 WHEN kind = 'transfer_out' THEN -quantity ELSE 0 END)::int AS l_total,
        sum(CASE WHEN kind IN ('deduct', 'redeem', 'consume', 'import_used') THEN quantity
                 WHEN kind = 'restore' THEN -quantity ELSE 0 END)::int AS l_used,
        sum(CASE WHEN kind = 'reserve' THEN quantity
                 WHEN kind IN ('release', 'consume') THEN -quantity ELSE 0 END)::int AS l_booked,
        sum(CASE WHEN kind = 'expire' THEN quantity WHEN kind = 'unexpire' THEN -quantity ELSE 0 END)::int AS l_expired
      FROM movements GROUP BY business_id, line_id
    )
    SELECT * FROM (
    SELECT l.business_id, l.package_id, l.id AS line_id, l.item_name, l.total, l.used, l.booked, l.expired,
           coalesce(s.l_total, 0) AS l_total, coalesce(s.l_used, 0) AS l_used,
           coalesce(s.l_booked, 0) AS l_booked, coalesce(s.l_expired, 0) AS l_expired,
           (l.total, l.used, l.booked, l.expired) IS DISTINCT FROM
             (coalesce(s.l_total, 0), coalesce(s.l_used, 0), coalesce(s.l_booked, 0), coalesce(s.l_expired, 0)) AS mismatch
      FROM package_lines l
      LEFT JOIN sums s ON s.business_id = l.business_id AND s.line_id = l.id
    ) checked WHERE mismatch ORDER BY business_id, package_id`.execute(db);
  const count = await db
    .selectFrom("package_lines")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const mismatches = rows.rows.map((r) => ({
    businessId: r.business_id,
    packageId: r.package_id,
    lineId: r.line_id,
    itemName: r.item_name,
    cached: { total: r.total, used: r.used, booked: r.booked, expired: r.expired },
    ledger: { total: r.l_total, used: r.l_used, booked: r.l_booked, expired: r.l_expired },
  }));
  return { lines: Number(count.n), mismatches };
}
