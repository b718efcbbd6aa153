// U1: names in the order a location's people read them, by the database's ICU collations that
// migration 0020 makes (the same order on PostgreSQL and on the embedded database). A language
// whose alphabet has its own order gets a collation there and a line here; the others read the
// root order of Unicode.
import { type RawBuilder, sql } from "kysely";

const COLLATIONS: Record<string, string> = { hu: "carnet_hu" };
const ROOT = "carnet_root";

/** The collation for a BCP 47 tag such as "hu-HU" or "en-US". */
export function collationFor(locale: string | null | undefined): string {
  const language = (locale ?? "").split("-")[0]!.toLowerCase();
  return COLLATIONS[language] ?? ROOT;
}

/** `column COLLATE …`, to order or compare names as the locale reads them. */
export function inNameOrder(
  column: RawBuilder<unknown>,
  locale: string | null | undefined,
): RawBuilder<string> {
  return sql<string>`${column} COLLATE ${sql.id(collationFor(locale))}`;
}
