// O5: an import file read into rows of named cells. The format (docs of the Data page and the
// README): a header row naming the columns below, in any order, then one row per package line.
// Rows with the same package_ref are the lines of one package; a row without one is a package of
// its own. Separators `,` `;` or tab (whichever the header row uses: a Hungarian Excel saves `;`),
// quotes as spreadsheets write them, UTF-8 with or without a byte order mark. Row numbers are the
// spreadsheet's: the header is row 1.
import { CsvError, parse } from "csv-parse/sync";
import { nameKey } from "../../domain/import-values.js";

export const IMPORT_COLUMNS = [
  "package_ref",
  "customer_name",
  "customer_email",
  "customer_phone",
  "template",
  "item",
  "package_name",
  "credits_total",
  "credits_used",
  "price_paid",
  "purchase_date",
  "expiry_date",
  "location",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Other headings a spreadsheet may already have for a column. */
const ALIASES: Record<string, ImportColumn> = {
  package_id: "package_ref",
  ref: "package_ref",
  reference: "package_ref",
  customer: "customer_name",
  name: "customer_name",
  email: "customer_email",
  e_mail: "customer_email",
  customer_e_mail: "customer_email",
  phone: "customer_phone",
  package_template: "template",
  service: "item",
  total: "credits_total",
  credits: "credits_total",
  used: "credits_used",
  price: "price_paid",
  paid: "price_paid",
  purchased_on: "purchase_date",
  purchased: "purchase_date",
  expires_on: "expiry_date",
  expiry: "expiry_date",
  expires: "expiry_date",
};

export const MAX_IMPORT_ROWS = 50_000;

export interface RowError {
  /** the spreadsheet's row number (the header is row 1); null for the file as a whole */
  row: number | null;
  /** the column's name in the file's words; null when no single column is at fault */
  column: string | null;
  message: string;
}

/** Characters that must not reach a screen as they are: controls, bidi overrides, invisibles, lone surrogates. */
const UNSHOWABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\p{Cs}]/gu;
const MAX_SHOWN = 300;

/** A text of the file as an error quotes it: what cannot be shown named by its code (U+202E), cut short. */
export function shownText(text: string, max = MAX_SHOWN): string {
  const shown = text.replace(
    UNSHOWABLE,
    (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`,
  );
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

/** An error as answered: its column and words quote the file's cells, made safe to show. */
export const shownError = (e: RowError): RowError => ({
  row: e.row,
  column: e.column === null ? null : shownText(e.column, 100),
  message: shownText(e.message, 2 * MAX_SHOWN),
});

export interface ImportRow {
  row: number;
  cells: Partial<Record<ImportColumn, string>>;
}

export interface ImportFile {
  rows: ImportRow[];
  /** the columns the file has */
  columns: Set<ImportColumn>;
  errors: RowError[];
}

const headingKey = (h: string) =>
  nameKey(h)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

/** The separator the header row uses (outside quotes): the most frequent of `,` `;` and tab. */
function separatorOf(text: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch in counts) counts[ch]! += 1;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0];
}

function records(text: string): { records: string[][]; error: RowError | null } {
  try {
    return {
      records: parse(text, {
        delimiter: separatorOf(text),
        relax_column_count: true,
        relax_quotes: true,
        bom: true,
      }),
      error: null,
    };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const row = (error as CsvError & { records?: number }).records;
    const message =
      error.code === "CSV_QUOTE_NOT_CLOSED"
        ? 'a quoted cell is not closed: a " has no closing "'
        : `the file cannot be read as CSV (${error.message})`;
    return { records: [], error: { row: row === undefined ? null : row + 1, column: null, message } };
  }
}

function header(cells: string[], errors: RowError[]): Array<ImportColumn | null> {
  const seen = new Set<ImportColumn>();
  return cells.map((cell) => {
    if (cell.trim() === "") return null;
    const key = headingKey(cell);
    const column = (IMPORT_COLUMNS as readonly string[]).includes(key) ? (key as ImportColumn) : ALIASES[key];
    if (!column) {
      errors.push({
        row: 1,
        column: cell.trim(),
        message: `is not a column Carnet knows; the columns are ${IMPORT_COLUMNS.join(", ")}`,
      });
      return null;
    }
    if (seen.has(column)) {
      errors.push({ row: 1, column: cell.trim(), message: `is a second ${column} column` });
      return null;
    }
    seen.add(column);
    return column;
  });
}

const REQUIRED: ImportColumn[] = ["customer_name", "credits_total", "price_paid", "purchase_date"];

function missingColumns(columns: Set<ImportColumn>): RowError[] {
  const errors: RowError[] = REQUIRED.filter((c) => !columns.has(c)).map((c) => ({
    row: 1,
    column: c,
    message: "is missing from the header row",
  }));
  if (!columns.has("item") && !columns.has("template"))
    errors.push({ row: 1, column: "item", message: "is missing: give item, template, or both" });
  if (!columns.has("customer_email") && !columns.has("customer_phone"))
    errors.push({
      row: 1,
      column: "customer_email",
      message: "is missing: give customer_email, customer_phone, or both, to tell customers apart",
    });
  return errors;
}

export function readImportFile(text: string): ImportFile {
  // A file saved in a legacy encoding (a Hungarian Excel's "CSV" is Windows-1250) reaches here with
  // its accented letters as U+FFFD: refuse it whole rather than import "Kov�cs".
  const unreadable = text.indexOf("\uFFFD");
  if (unreadable >= 0) {
    const row = text.slice(0, unreadable).split(/\r\n|\r|\n/).length;
    const message =
      "The file is not saved as UTF-8: its accented letters cannot be read. In Excel use File → Save as → CSV UTF-8, then choose it again.";
    return { rows: [], columns: new Set(), errors: [{ row, column: null, message }] };
  }
  const parsed = records(text);
  const errors: RowError[] = parsed.error ? [parsed.error] : [];
  const [head, ...body] = parsed.records;
  if (!head) {
    if (errors.length === 0) errors.push({ row: null, column: null, message: "The file is empty." });
    return { rows: [], columns: new Set(), errors };
  }
  const names = header(head, errors);
  const columns = new Set(names.filter((c): c is ImportColumn => c !== null));
  errors.push(...missingColumns(columns));
  if (body.length > MAX_IMPORT_ROWS) {
    errors.push({
      row: null,
      column: null,
      message: `The file has ${body.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`,
    });
  }
  if (errors.length > 0) return { rows: [], columns, errors };
  const rows: ImportRow[] = [];
  body.forEach((record, i) => {
    const row = i + 2;
    // A spreadsheet's empty rows come as empty cells: nothing to import, but they keep their numbers.
    if (record.every((cell) => cell.trim() === "")) return;
    if (record.slice(names.length).some((cell) => cell.trim() !== "")) {
      errors.push({ row, column: null, message: "has more cells than the header row has columns" });
      return;
    }
    const cells: ImportRow["cells"] = {};
    names.forEach((column, c) => {
      const value = record[c]?.trim() ?? "";
      if (column && value !== "") cells[column] = value;
    });
    rows.push({ row, cells });
  });
  if (rows.length === 0 && errors.length === 0)
    errors.push({ row: null, column: null, message: "The file has a header row but no rows to import." });
  return { rows, columns, errors };
}
