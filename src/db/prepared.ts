// Named prepared statements for the hot paths on a PostgreSQL server. A statement whose text starts
// with PREPARED (`sql\`${PREPARED} WITH line AS (…)\``) is parsed and planned once per connection
// and then only bound and executed: planning the quick redeem's statement on every request cost
// PostgreSQL about a third of its work per redemption (pgbench on that statement: ≈1,350 tps
// unprepared, ≈2,100 prepared, 16 clients, a busy machine). Only marked statements are kept, so
// each connection holds a few dozen plans, not one per query text the application ever sent.
// PGlite ignores the mark (it is a comment).
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type pg from "pg";

const MARK = "/* prepared */";

/** Put first in a statement's text to have it prepared once per connection. */
export const PREPARED = sql.raw(MARK);

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    // The text decides the name: two texts never share one, and every connection agrees on it.
    name = `carnet_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** Makes a pool's clients send marked statements as named prepared statements. */
export function prepareMarkedStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) =>
    typeof text === "string" && text.startsWith(MARK)
      ? query({ name: statementName(text), text, values }, callback)
      : query(text, values, callback);
}
