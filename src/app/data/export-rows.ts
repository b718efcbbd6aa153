// O6: a business's rows read table by table for its exports, with every column but the secrets.
// The columns come from the database's own catalog, so a column added by a later migration is
// exported without a change here; a column whose name says it holds a secret (a password, a
// token or a hash of one) never is, whatever table it is in.
import { type RawBuilder, sql } from "kysely";
import type { Executor } from "../context.js";

const SECRET_COLUMN = /hash|token|secret|password|csrf/i;

export interface TableShape {
  table: string;
  columns: string[];
  /** the primary key after business_id, to read the table in pages */
  key: Array<{ name: string; type: string }>;
}

/** The exportable columns and the key of a table; null when the database has no such table. */
export async function tableShape(db: Executor, table: string): Promise<TableShape | null> {
  const columns = await sql<{ name: string; type: string }>`
    SELECT column_name AS name, udt_name AS type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ${table}
     ORDER BY ordinal_position`.execute(db);
  if (columns.rows.length === 0) return null;
  const key = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = to_regclass(${table}) AND i.indisprimary
     ORDER BY array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const types = new Map(columns.rows.map((c) => [c.name, c.type]));
  return {
    table,
    columns: columns.rows.map((c) => c.name).filter((c) => !SECRET_COLUMN.test(c)),
    key: key.rows
      .filter((k) => k.name !== "business_id")
      .map((k) => ({ name: k.name, type: types.get(k.name)! })),
  };
}

/** A value of a row as JSON can carry it: instants as ISO 8601 in UTC. */
export function plainValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

export type Row = Record<string, unknown>;

/**
 * The table's rows of the business, in pages in the order of its primary key. `where` narrows
 * them further (one customer's). The businesses table is scoped by its id.
 */
export async function* rowsOf(
  db: Executor,
  shape: TableShape,
  businessId: string,
  where: RawBuilder<unknown> | null = null,
  pageSize = 2_000,
): AsyncGenerator<Row[]> {
  const scope =
    shape.table === "businesses" ? sql`id = ${businessId}::uuid` : sql`business_id = ${businessId}::uuid`;
  const keys = shape.key.map((k) => sql.ref(k.name));
  const selected = [...new Set([...shape.columns, ...shape.key.map((k) => k.name)])];
  let after: unknown[] | null = null;
  for (;;) {
    const from: RawBuilder<unknown> = after
      ? sql`AND (${sql.join(keys)}) > (${sql.join(shape.key.map((k, i) => sql`${after![i]}::${sql.raw(k.type)}`))})`
      : sql``;
    const order = keys.length > 0 ? sql`ORDER BY ${sql.join(keys)} LIMIT ${pageSize}` : sql``;
    const page = await sql<Row>`
      SELECT ${sql.join(selected.map((c) => sql.ref(c)))} FROM ${sql.table(shape.table)}
       WHERE ${scope} ${where ? sql`AND ${where}` : sql``} ${from} ${order}`.execute(db);
    if (page.rows.length > 0) yield page.rows;
    const last = page.rows[page.rows.length - 1];
    if (!last || page.rows.length < pageSize || keys.length === 0) return;
    after = shape.key.map((k) => plainValue(last[k.name]));
  }
}
