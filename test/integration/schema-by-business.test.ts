// X5: the schema is ready to distribute by business (docs/scale-out.md). Read from the migrated
// database's own catalog: every table is either global (named below, with why) or a business's,
// and a business's table carries business_id NOT NULL, leads its primary key and every unique key
// with it, and each of its foreign keys either includes it first or points at a global table.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase } from "../support/test-db.js";

/** Tables that belong to no one business (reference tables, in a sharded PostgreSQL). */
const GLOBAL: Record<string, string> = {
  carnet_migrations: "the schema's own record",
  businesses: "the businesses themselves",
  accounts: "a person's sign-in, which may work for several businesses",
  password_resets: "of an account",
  sign_up_requests: "made before the business exists",
  account_request_counts: "limits by address and e-mail, before anyone signs in",
  sign_in_throttle_pairs: "limits before anyone signs in",
  sign_in_throttle_addresses: "limits before anyone signs in",
  sign_in_throttle_emails: "limits before anyone signs in",
  first_run_claims: "one per installation",
};

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

interface Key {
  table: string;
  name: string;
  kind: "primary" | "unique" | "foreign";
  columns: string[];
  references: string | null;
}

async function keys(): Promise<Key[]> {
  const { rows } = await sql<{
    table: string;
    name: string;
    kind: string;
    columns: string[];
    references: string | null;
  }>`
    SELECT t.relname AS table, c.conname AS name,
           CASE c.contype WHEN 'p' THEN 'primary' WHEN 'u' THEN 'unique' ELSE 'foreign' END AS kind,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
           r.relname AS references
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      LEFT JOIN pg_class r ON r.oid = c.confrelid
     WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')
    UNION ALL
    -- unique indexes that are not constraints (partial ones among them)
    SELECT t.relname, ic.relname, 'unique',
           ARRAY(SELECT coalesce(a.attname::text, '(expression)') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord),
           NULL
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`.execute(database.db);
  return rows.map((r) => ({ ...r, kind: r.kind as Key["kind"] }));
}

describe("the schema, distributable by business (X5)", () => {
  it("names every table global or a business's, and a business's tables carry business_id first in every key", async () => {
    const { rows: tables } = await sql<{ table: string; business_id: boolean; not_null: boolean }>`
      SELECT t.relname AS table, a.attname IS NOT NULL AS business_id, coalesce(a.attnotnull, false) AS not_null
        FROM pg_class t
        JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'business_id' AND NOT a.attisdropped
       WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p')`.execute(database.db);
    expect(tables.length).toBeGreaterThan(30);
    const problems: string[] = [];
    const global = new Set(Object.keys(GLOBAL));
    for (const t of tables) {
      if (global.has(t.table)) continue;
      if (!t.business_id) problems.push(`${t.table}: no business_id, and not named global`);
      else if (!t.not_null) problems.push(`${t.table}: business_id may be null`);
    }
    for (const name of global) {
      if (!tables.some((t) => t.table === name)) problems.push(`${name}: named global but not in the schema`);
    }
    const all = await keys();
    for (const k of all) {
      if (global.has(k.table)) continue;
      if (k.kind === "foreign") {
        if (k.references && global.has(k.references)) continue;
        if (k.columns[0] !== "business_id")
          problems.push(`${k.table}.${k.name}: a foreign key to ${k.references} without business_id first`);
      } else if (k.columns[0] !== "business_id") {
        problems.push(
          `${k.table}.${k.name}: a ${k.kind} key (${k.columns.join(", ")}) not led by business_id`,
        );
      }
    }
    for (const t of tables.filter((t) => !global.has(t.table))) {
      if (!all.some((k) => k.table === t.table && k.kind === "primary"))
        problems.push(`${t.table}: no primary key`);
    }
    expect(problems).toEqual([]);
  });
});
