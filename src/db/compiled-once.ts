// Statements of the hot paths, built and compiled once: their text depends only on their shape, and
// each call sends only its values. Building and compiling the quick redeem's statement on every
// request took ≈6 % of the server's busy time in a profile (issue 7).
import { CompiledQuery, type RawBuilder } from "kysely";

/** A placeholder for a value, replaced by the value of that name at each execution. */
class Slot {
  constructor(readonly name: string) {}
}

type Compiler = Parameters<RawBuilder<unknown>["compile"]>[0];

/** A statement compiled once: the query to run with this call's values. */
export type CompiledStatement<V, R> = (db: Compiler, values: V) => CompiledQuery<R>;

/**
 * A statement whose values are named slots: `build(v)` puts `v("name")` where a value goes, and
 * each call fills the slots from its object of values. Compiled on first use; both backends compile
 * with PostgresQueryCompiler, so one text serves both.
 */
export function compiledOnce<V extends object, R = unknown>(
  build: (v: (name: keyof V & string) => unknown) => RawBuilder<unknown>,
): CompiledStatement<V, R> {
  let compiled: { text: string; names: Array<keyof V & string> } | undefined;
  return (db, values) => {
    compiled ??= onePlaceholderPerValue<V>(build((name) => new Slot(name)).compile(db));
    const { text, names } = compiled;
    return CompiledQuery.raw(
      text,
      names.map((name) => values[name]),
    ) as CompiledQuery<R>;
  };
}

/**
 * Kysely numbers every occurrence of a value ($1 … $46 in the quick redeem's statement); here each
 * value and cast gets one placeholder ($1 … $26), so that pg serializes, and PostgreSQL parses, each
 * value once. The cast is part of the key: a placeholder takes the type of its first use, and
 * `$1::timestamptz` then `$1::text` would print the instant in the session's format, not as sent.
 */
function onePlaceholderPerValue<V>(query: CompiledQuery): { text: string; names: Array<keyof V & string> } {
  const names: Array<keyof V & string> = [];
  const numbers = new Map<string, number>();
  const text = query.sql.replace(/\$(\d+)(::\w+(?:\[\])?)?/g, (_match, n: string, cast = "") => {
    const slot = query.parameters[Number(n) - 1];
    if (!(slot instanceof Slot)) throw new Error("a statement compiled once has a value that is not a slot");
    const key = `${slot.name}${cast}`;
    let number = numbers.get(key);
    if (number === undefined) {
      names.push(slot.name as keyof V & string);
      number = names.length;
      numbers.set(key, number);
    }
    return `$${number}${cast}`;
  });
  return { text, names };
}
