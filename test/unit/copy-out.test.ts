// Reading a one-column binary COPY stream (src/db/copy-out.ts) from chunks cut anywhere, and the
// literals written into a COPY's query in place of its parameters.
import fc from "fast-check";
import { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import { BinaryColumnReader, inlineParameters } from "../../src/db/copy-out.js";

/** What PostgreSQL sends for `COPY (SELECT one text column) TO STDOUT (FORMAT binary)`. */
function binaryCopy(values: string[], extension = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(19);
  header.write("PGCOPY\n\xff\r\n\0", "latin1");
  header.writeInt32BE(0, 11);
  header.writeInt32BE(extension.length, 15);
  const rows = values.map((v) => {
    const bytes = Buffer.from(v, "utf8");
    const row = Buffer.alloc(6 + bytes.length);
    row.writeInt16BE(1, 0);
    row.writeInt32BE(bytes.length, 2);
    bytes.copy(row, 6);
    return row;
  });
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  return Buffer.concat([header, extension, ...rows, trailer]);
}

function readAll(stream: Buffer, cuts: number[]): { values: string[]; done: boolean } {
  const reader = new BinaryColumnReader();
  const values: string[] = [];
  let from = 0;
  for (const cut of [...cuts.filter((c) => c < stream.length)].sort((a, b) => a - b).concat(stream.length)) {
    for (const v of reader.push(stream.subarray(from, cut))) values.push(v.toString("utf8"));
    from = cut;
  }
  return { values, done: reader.done };
}

describe("BinaryColumnReader", () => {
  it("reads every value, whole and in order, wherever the chunks are cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 40 })),
        fc.uint8Array({ maxLength: 3 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (values, extension, cuts) => {
          const stream = binaryCopy(values, Buffer.from(extension));
          expect(readAll(stream, cuts)).toEqual({ values, done: true });
        },
      ),
    );
  });

  it("reads a stream one byte at a time", () => {
    const values = ['Kovács, "Kati",Duo\r\n', "", "ű\n€"];
    const stream = binaryCopy(values);
    expect(readAll(stream, [...stream.keys()])).toEqual({ values, done: true });
  });

  it("is not done before the trailer, and refuses what is not a one-column binary COPY", () => {
    const stream = binaryCopy(["a", "b"]);
    expect(readAll(stream.subarray(0, stream.length - 2), [])).toEqual({ values: ["a", "b"], done: false });
    expect(() => new BinaryColumnReader().push(Buffer.from("a,b\n".repeat(10)))).toThrow(/not a binary COPY/);
    const twoColumns = Buffer.from(stream);
    twoColumns.writeInt16BE(2, 19);
    expect(() => new BinaryColumnReader().push(twoColumns)).toThrow(/2 fields/);
  });
});

describe("inlineParameters", () => {
  it("writes each value as a literal where its placeholder was", () => {
    const query = CompiledQuery.raw("SELECT $1, $2::timestamptz, $3, $1, $4, $5, $6", [
      "it's",
      new Date("2026-06-01T10:00:00.123Z"),
      null,
      42,
      "back\\slash",
      true,
    ]);
    expect(inlineParameters(query)).toBe(
      "SELECT 'it''s', '2026-06-01T10:00:00.123Z'::timestamptz, NULL, 'it''s', 42,  E'back\\\\slash', true",
    );
  });

  it("refuses a placeholder without a value, a value without a placeholder, and a value it cannot write", () => {
    expect(() => inlineParameters(CompiledQuery.raw("SELECT $2", ["a"]))).toThrow(/no value for \$2/);
    expect(() => inlineParameters(CompiledQuery.raw("SELECT $1", ["a", "b"]))).toThrow(/no \$n/);
    expect(() => inlineParameters(CompiledQuery.raw("SELECT $1", [{ a: 1 }]))).toThrow(/cannot write/);
    expect(() => inlineParameters(CompiledQuery.raw("SELECT $1", [Number.NaN]))).toThrow(/cannot write/);
  });
});
