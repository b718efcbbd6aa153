// Rules of src/domain written as SQL, for the ledger write path, the reports and the booking panel:
// creditRangeValue (the worth of credits a+1 … b of a line sold with `granted` credits worth `value`
// together), the derived package status (P5), and instants as the API writes them.
import { type RawBuilder, sql } from "kysely";

export function creditRangeValueSql(
  value: RawBuilder<unknown>,
  granted: RawBuilder<unknown>,
  a: RawBuilder<unknown>,
  b: RawBuilder<unknown>,
): RawBuilder<number> {
  const lo = sql`GREATEST(0, LEAST(${a}, ${b}))`;
  const hi = sql`LEAST(${granted}, GREATEST(${a}, ${b}))`;
  const base = sql`(${value} / ${granted})`;
  return sql<number>`CASE WHEN ${hi} <= ${lo} THEN 0
    WHEN ${hi} = ${granted} THEN ${base} * (${hi} - ${lo} - 1) + (${value} - ${base} * (${granted} - 1))
    ELSE ${base} * (${hi} - ${lo}) END`;
}

/**
 * The derived status (P5) in SQL, for a package whose lines are summed as `free` and `booked`, and
 * whose refunded_at and expires_at are read from the relation `pkg` (`p` unless said otherwise).
 */
export function packageStatusSql(
  now: Date | RawBuilder<unknown>,
  free: RawBuilder<unknown>,
  booked: RawBuilder<unknown>,
  pkg = "p",
): RawBuilder<string> {
  return sql<string>`CASE WHEN ${sql.ref(`${pkg}.refunded_at`)} IS NOT NULL THEN 'refunded'
    WHEN ${free} = 0 AND ${booked} = 0 THEN 'fully_used'
    WHEN ${sql.ref(`${pkg}.expires_at`)} < ${now} THEN 'expired' ELSE 'active' END`;
}

/**
 * An instant as Date.prototype.toISOString writes it (UTC, milliseconds, "Z"), or null: to_char's
 * MS drops the microseconds as pg's Date does.
 */
export function instantIsoSql(instant: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char(${instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
