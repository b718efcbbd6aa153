// Statements compiled once (src/db/compiled-once.ts): one placeholder per value and cast, the
// values of each call in their order, and nothing but named slots as values.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from "kysely";
import { describe, expect, it } from "vitest";
import { compiledOnce } from "../../src/db/compiled-once.js";

const db = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe("compiledOnce", () => {
  it("sends each value once per cast, in the order of first use, with this call's values", () => {
    const statement = compiledOnce<{ a: string; b: number; at: string }>(
      (v) => sql`SELECT ${v("b")}::int + ${v("b")}::int, ${v("a")}::uuid, ${v("at")}::timestamptz,
        ${v("at")}::text, ${v("a")}::uuid[], ${v("at")}::timestamptz`,
    );
    const first = statement(db, { a: "x", b: 2, at: "2026-06-01T10:00:00.000Z" });
    expect(first.sql).toBe(`SELECT $1::int + $1::int, $2::uuid, $3::timestamptz,
        $4::text, $5::uuid[], $3::timestamptz`);
    expect(first.parameters).toEqual([2, "x", "2026-06-01T10:00:00.000Z", "2026-06-01T10:00:00.000Z", "x"]);
    const second = statement(db, { a: "y", b: 3, at: "2026-06-02T10:00:00.000Z" });
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual([3, "y", "2026-06-02T10:00:00.000Z", "2026-06-02T10:00:00.000Z", "y"]);
  });

  it("refuses a value that is not a slot: it would be the same on every call", () => {
    const statement = compiledOnce<{ a: string }>((v) => sql`SELECT ${v("a")}::text, ${"fixed"}`);
    expect(() => statement(db, { a: "x" })).toThrow(/not a slot/);
  });
});
