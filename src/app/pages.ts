// W2: every list of the API pages one way. A page is `{ items, nextCursor }`: `limit` rows (default
// 50, at most 200) in the list's order, and a cursor to pass back for the next page, or null on the
// last. A cursor is the sort key of the page's last row (keyset paging), opaque to the caller: a row
// added or removed meanwhile never shifts a page, so no row is shown twice or skipped.
import { invalid } from "../domain/errors.js";

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export interface PageQuery {
  limit?: number | undefined;
  /** the previous page's nextCursor; undefined for the first page */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * What a cursor's parts are: text, an instant, a whole number, or a row id (UUID). An instant is
 * kept to the millisecond, as JavaScript's dates are: enough for instants written whole to the
 * millisecond (opened_at, start_at, purchased_at). A column that may hold microseconds (the
 * activity log's occurred_at) goes in the cursor as its exact text instead (history.ts).
 */
export type KeyPart = "text" | "instant" | "int" | "uuid";
type PartValue<P extends KeyPart> = P extends "instant" ? Date : P extends "int" ? number : string;
export type CursorKey<S extends readonly KeyPart[]> = { [I in keyof S]: PartValue<S[I]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor after a row whose sort key is `key`. */
export function writeCursor(key: ReadonlyArray<string | number | Date>): string {
  const parts = key.map((v) => (v instanceof Date ? v.toISOString() : v));
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/**
 * The sort key a cursor carries, checked against the list's shape; anything else (another list's
 * cursor, an edited one) is a 400 naming the field `cursor`.
 */
export function readCursor<const S extends readonly KeyPart[]>(cursor: string, shape: S): CursorKey<S> {
  try {
    const parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parts) && parts.length === shape.length) {
      const values = shape.map((kind, i) => partOf(kind, parts[i]));
      if (values.every((v) => v !== undefined)) return values as CursorKey<S>;
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw invalid("invalid_cursor", "cursor: must be the nextCursor of a previous page of this list", "cursor");
}

function partOf(kind: KeyPart, value: unknown): string | number | Date | undefined {
  switch (kind) {
    case "text":
      return typeof value === "string" ? value : undefined;
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? value : undefined;
    case "int":
      return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
    case "instant": {
      const at = typeof value === "string" ? new Date(value) : null;
      return at && !Number.isNaN(at.getTime()) ? at : undefined;
    }
  }
}

/** The first page's cursor key of a query, or null for the first page. */
export const cursorOf = <const S extends readonly KeyPart[]>(
  query: PageQuery,
  shape: S,
): CursorKey<S> | null => (query.cursor === undefined ? null : readCursor(query.cursor, shape));

export const limitOf = (query: PageQuery) => query.limit ?? PAGE_LIMIT_DEFAULT;

/**
 * A page from rows fetched with `limit + 1`: the extra row, when there is one, says there is a next
 * page, which starts after the last row shown.
 */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => ReadonlyArray<string | number | Date>,
  view: (row: R) => T,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(view),
    nextCursor: rows.length > limit && last !== undefined ? writeCursor(keyOf(last)) : null,
  };
}
