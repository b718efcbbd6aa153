// A CSV field that a spreadsheet reads as text (R1's export). Two readers matter: one that splits on
// `,` as the file does, and one that splits on its locale's list separator, `;` in Hungarian Excel
// (or on a tab). The second honours quotes only at the start of ITS cells, so every `;`, tab or line
// break inside a name starts a cell of its own, quoted field or not. Each place where a cell can
// start in either reader gets a ' before a character that would begin a formula there (OWASP's
// = + - @ tab CR, and " which opens quotes that a lone " closes, leaving what follows as the cell),
// spaces before it included. The field is then quoted when it holds `,` `;` `"` CR or LF, for the
// readers that honour quotes. The SQL of the export (exportQuery, src/app/reports.ts) writes the
// same bytes from the same two patterns.

/** what may begin a formula (or a quoted cell) where a cell starts, in a bracket expression */
const TRIGGERS = '-=+@\t\r"';

/** Leading spaces, then a trigger: a ' goes between them. Valid in JavaScript and PostgreSQL. */
export const CELL_START_PATTERN = `^( *)(?=[${TRIGGERS}])`;

/** A `;`, tab, CR or LF, spaces, then a trigger: a ' goes before the trigger. Both engines too. */
export const INNER_CELL_START_PATTERN = `([;\t\r\n])( *)(?=[${TRIGGERS}])`;

const cellStart = new RegExp(CELL_START_PATTERN);
const innerCellStart = new RegExp(INNER_CELL_START_PATTERN, "g");

/** The text with a ' before each character that would begin a formula where a cell starts. */
export function inertCsvText(text: string): string {
  return text
    .replace(cellStart, (_, spaces: string) => `${spaces}'`)
    .replace(innerCellStart, (_, separator: string, spaces: string) => `${separator}${spaces}'`);
}

export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  const inert = inertCsvText(text);
  // the ' adds none of the characters that call for quotes: they are looked for in the text
  return /[",;\r\n]/.test(text) ? `"${inert.replaceAll('"', '""')}"` : inert;
}
