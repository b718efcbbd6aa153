// Reading a long one-column result from a PostgreSQL server with COPY … TO STDOUT instead of a
// cursor. A cursor's query runs in one process (PostgreSQL plans no parallel workers for one); a
// COPY's query gets its workers, and its rows come as one stream with no FETCH round trips. The
// binary format carries each value's bytes as they are: no escaping to undo.
import type { CompiledQuery } from "kysely";
import pg from "pg";

/**
 * The query's text with each `$n` replaced by its value written as a literal: COPY takes no
 * parameters. For texts Carnet writes itself, whose string literals hold no `$`; the values are
 * escaped by pg's own escapeLiteral.
 */
export function inlineParameters(query: CompiledQuery): string {
  const used = new Set<number>();
  const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index >= query.parameters.length) throw new Error(`no value for $${n}`);
    used.add(index);
    return literal(query.parameters[index]);
  });
  if (used.size !== query.parameters.length) throw new Error("a value has no $n in the query");
  return text;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return pg.escapeLiteral(value);
  throw new Error(`cannot write ${typeof value} as a literal`);
}

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** signature, flags (int32), length of the header extension (int32) */
const HEADER = SIGNATURE.length + 8;

/**
 * The values of a one-column `COPY … (FORMAT binary)` stream, from chunks cut anywhere: each
 * tuple is a field count (int16, -1 at the end), then the value's length (int32) and bytes.
 * `push` answers the values the chunk completed, as views of the chunks (no copy).
 */
export class BinaryColumnReader {
  private pending: Buffer | null = null;
  private started = false;
  /** true once the trailer has been read */
  done = false;

  push(chunk: Buffer): Buffer[] {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    if (!this.started) {
      if (buf.length < HEADER) {
        this.pending = buf;
        return [];
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const extension = buf.readInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER + extension) {
        this.pending = buf;
        return [];
      }
      at = HEADER + extension;
      this.started = true;
    }
    const values: Buffer[] = [];
    while (!this.done && at + 2 <= buf.length) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.done = true;
        at += 2;
        break;
      }
      if (fields !== 1) throw new Error(`a binary COPY row of ${fields} fields, not 1`);
      if (at + 6 > buf.length) break;
      const length = buf.readInt32BE(at + 2);
      if (length < 0) throw new Error("a NULL value in a binary COPY column");
      if (at + 6 + length > buf.length) break;
      values.push(buf.subarray(at + 6, at + 6 + length));
      at += 6 + length;
    }
    if (at < buf.length && !this.done) this.pending = buf.subarray(at);
    return values;
  }
}
