// O5: what an import file would create, decided from the file, the business's catalog, its
// customers and the packages imported before; every row's errors in words (row, column, why).
// Nothing here writes: the dry run answers with this plan, and the import writes it.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import type { CommissionBasis, ItemKind, Prices } from "../../db/schema.js";
import { allocatePackagePrice, creditRangeValue } from "../../domain/credit-value.js";
import { nameKey, phoneKey, readAmount, readCount, readDate } from "../../domain/import-values.js";
import { PHONE_CHARACTERS, whyNotReadableLine } from "../../domain/readable-text.js";
import { fromExpiryDate, localDate } from "../../domain/validity.js";
import type { Executor } from "../context.js";
import { type ImportColumn, type ImportRow, type RowError, readImportFile } from "./import-file.js";

interface CatalogLocation {
  id: string;
  name: string;
  time_zone: string;
  currency: string;
}
interface CatalogItem {
  id: string;
  name: string;
  kind: ItemKind;
  prices: Prices;
  active: boolean;
}
interface CatalogTemplate {
  id: string;
  name: string;
  kind: "course" | "package";
  active: boolean;
  commission_basis: CommissionBasis;
  online_bookable: boolean;
  itemIds: string[];
  locationIds: string[];
}
interface Catalog {
  locations: CatalogLocation[];
  items: CatalogItem[];
  templates: CatalogTemplate[];
}

export interface PlannedLine {
  row: number;
  itemId: string;
  itemKind: ItemKind;
  itemName: string;
  retailPriceMinor: number;
  total: number;
  used: number;
  valueMinor: number;
}

export interface PlannedCustomer {
  key: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** the customer of the business it is, found by e-mail (or phone); null = to be created */
  existingId: string | null;
}

export interface PlannedPackage {
  key: string;
  ref: string | null;
  rows: number[];
  customer: PlannedCustomer;
  template: CatalogTemplate | null;
  name: string;
  kind: "course" | "package";
  location: CatalogLocation;
  priceMinor: number;
  purchasedOn: string;
  purchasedAt: Temporal.Instant;
  expiresOn: string | null;
  expiresAt: Temporal.Instant | null;
  lines: PlannedLine[];
  alreadyImported: boolean;
}

export interface ImportPlan {
  rows: number;
  errors: RowError[];
  packages: PlannedPackage[];
  customers: PlannedCustomer[];
}

const emailShape = z.email().max(254);

async function loadCatalog(db: Executor, businessId: string): Promise<Catalog> {
  const [locations, items, templates, templateItems, templateLocations] = await Promise.all([
    db
      .selectFrom("locations")
      .select(["id", "name", "time_zone", "currency"])
      .where("business_id", "=", businessId)
      .orderBy("name")
      .execute(),
    db
      .selectFrom("items")
      .select(["id", "name", "kind", "prices", "active"])
      .where("business_id", "=", businessId)
      .execute(),
    db
      .selectFrom("package_templates")
      .select(["id", "name", "kind", "active", "commission_basis", "online_bookable"])
      .where("business_id", "=", businessId)
      .where("holds_imports", "=", false)
      .execute(),
    db
      .selectFrom("template_items")
      .select(["template_id", "item_id"])
      .where("business_id", "=", businessId)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("template_locations")
      .select(["template_id", "location_id"])
      .where("business_id", "=", businessId)
      .execute(),
  ]);
  return {
    locations,
    items,
    templates: templates.map((t) => ({
      ...t,
      itemIds: templateItems.filter((i) => i.template_id === t.id).map((i) => i.item_id),
      locationIds: templateLocations.filter((l) => l.template_id === t.id).map((l) => l.location_id),
    })),
  };
}

/** The one record called `text` (letter case aside), the active ones first; or why none is. */
function byName<T extends { name: string; active?: boolean }>(
  records: readonly T[],
  text: string,
  what: string,
): { found: T } | { why: string } {
  const matches = records.filter((r) => nameKey(r.name) === nameKey(text));
  const active = matches.filter((r) => r.active !== false);
  const pick = active.length > 0 ? active : matches;
  if (pick.length === 1) return { found: pick[0]! };
  if (pick.length === 0) return { why: `no ${what} is called "${text}"` };
  return { why: `${pick.length} ${what}s are called "${text}"; rename one of them first` };
}

/** Everything the rows of one package say, each value from the first row that gives it. */
class PackageRows {
  readonly rows: ImportRow[] = [];
  private readonly first = new Map<ImportColumn, { value: string; row: number }>();
  constructor(
    readonly ref: string | null,
    private readonly errors: RowError[],
  ) {}

  add(row: ImportRow, columns: readonly ImportColumn[]) {
    this.rows.push(row);
    for (const column of columns) {
      const value = row.cells[column];
      if (value === undefined) continue;
      const seen = this.first.get(column);
      if (!seen) this.first.set(column, { value, row: row.row });
      else if (nameKey(seen.value) !== nameKey(value))
        this.error(
          row.row,
          column,
          `says "${value}" but row ${seen.row} of package_ref "${this.ref}" says "${seen.value}"`,
        );
    }
  }

  value(column: ImportColumn) {
    return this.first.get(column);
  }

  get firstRow() {
    return this.rows[0]!.row;
  }

  error(row: number, column: string | null, message: string) {
    this.errors.push({ row, column, message });
  }
}

const PACKAGE_COLUMNS: ImportColumn[] = [
  "customer_name",
  "customer_email",
  "customer_phone",
  "template",
  "package_name",
  "price_paid",
  "purchase_date",
  "expiry_date",
  "location",
];

function groupRows(rows: ImportRow[], errors: RowError[]): PackageRows[] {
  const byRef = new Map<string, PackageRows>();
  const packages: PackageRows[] = [];
  for (const row of rows) {
    const ref = row.cells.package_ref ?? null;
    if (ref !== null && ref.length > 200) {
      errors.push({ row: row.row, column: "package_ref", message: "must be at most 200 characters" });
      continue;
    }
    let pkg = ref === null ? undefined : byRef.get(ref);
    if (!pkg) {
      pkg = new PackageRows(ref, errors);
      packages.push(pkg);
      if (ref !== null) byRef.set(ref, pkg);
    }
    pkg.add(row, PACKAGE_COLUMNS);
  }
  return packages;
}

function readName(p: PackageRows, column: ImportColumn, required: boolean): string | null {
  const cell = p.value(column);
  if (!cell) {
    if (required) p.error(p.firstRow, column, "is empty");
    return null;
  }
  const why = cell.value.length > 200 ? "must be at most 200 characters" : whyNotReadableLine(cell.value);
  if (why) p.error(cell.row, column, why);
  return why ? null : cell.value;
}

interface CustomerCells {
  key: string;
  name: string;
  email: string | null;
  phone: string | null;
  row: number;
}

function readCustomer(p: PackageRows): CustomerCells | null {
  const name = readName(p, "customer_name", true);
  const emailCell = p.value("customer_email");
  const phoneCell = p.value("customer_phone");
  let email: string | null = null;
  let phone: string | null = null;
  let valid = name !== null;
  if (emailCell) {
    email = emailCell.value.toLowerCase();
    if (!emailShape.safeParse(email).success) {
      p.error(emailCell.row, "customer_email", `"${emailCell.value}" is not an e-mail address`);
      valid = false;
    }
  }
  if (phoneCell) {
    phone = phoneCell.value;
    if (phone.length > 40 || !PHONE_CHARACTERS.test(phone) || phoneKey(phone).replace("+", "") === "") {
      p.error(phoneCell.row, "customer_phone", "must be a phone number: digits, spaces and + ( ) - . /");
      valid = false;
    }
  }
  if (!emailCell && !phoneCell) {
    p.error(
      p.firstRow,
      "customer_email",
      "is empty, and so is customer_phone: give one, to tell customers apart",
    );
    valid = false;
  }
  if (!valid || name === null) return null;
  return { key: email ?? `phone:${phoneKey(phone!)}`, name, email, phone, row: p.firstRow };
}

function readLocation(p: PackageRows, catalog: Catalog): CatalogLocation | null {
  const cell = p.value("location");
  if (!cell) {
    if (catalog.locations.length === 1) return catalog.locations[0]!;
    p.error(
      p.firstRow,
      "location",
      `is empty: the business has ${catalog.locations.length} locations (${catalog.locations.map((l) => l.name).join(", ")})`,
    );
    return null;
  }
  const match = byName(catalog.locations, cell.value, "location");
  if ("why" in match) p.error(cell.row, "location", match.why);
  return "found" in match ? match.found : null;
}

function readTemplate(p: PackageRows, catalog: Catalog): CatalogTemplate | null | false {
  const cell = p.value("template");
  if (!cell) return null;
  const match = byName(catalog.templates, cell.value, "package template");
  if ("why" in match) {
    p.error(cell.row, "template", match.why);
    return false;
  }
  return match.found;
}

interface LineCells {
  row: number;
  item: CatalogItem;
  total: number;
  used: number;
}

function readLine(
  p: PackageRows,
  row: ImportRow,
  /** false: the template named is unknown (said already) */
  template: CatalogTemplate | null | false,
  catalog: Catalog,
): LineCells | null {
  let item: CatalogItem | null = null;
  const itemText = row.cells.item;
  if (itemText !== undefined) {
    const match = byName(catalog.items, itemText, "service, product or class type");
    if ("why" in match) p.error(row.row, "item", match.why);
    else if (template && !template.itemIds.includes(match.found.id))
      p.error(row.row, "item", `"${itemText}" is not in the package template "${template.name}"`);
    else item = match.found;
  } else if (template) {
    if (template.itemIds.length === 1) item = catalog.items.find((i) => i.id === template.itemIds[0]) ?? null;
    else
      p.error(row.row, "item", `is empty, and the template "${template.name}" has several items: name one`);
  } else if (template === null) {
    p.error(row.row, "item", "is empty, and so is template: give the item, a template, or both");
  }
  const total = readCredits(p, row, "credits_total");
  const used = row.cells.credits_used === undefined ? 0 : readCredits(p, row, "credits_used");
  if (total !== null && total < 1) p.error(row.row, "credits_total", "must be at least 1");
  if (total !== null && used !== null && used > total)
    p.error(row.row, "credits_used", `is more than credits_total (${used} > ${total})`);
  if (!item || total === null || used === null || total < 1 || used > total) return null;
  return { row: row.row, item, total, used };
}

function readCredits(p: PackageRows, row: ImportRow, column: "credits_total" | "credits_used") {
  const text = row.cells[column];
  if (text === undefined) {
    p.error(row.row, column, "is empty");
    return null;
  }
  const read = readCount(text);
  if (!read.ok) p.error(row.row, column, `"${text}" ${read.why}`);
  else if (read.value > 100_000) p.error(row.row, column, "must be at most 100000");
  return read.ok && read.value <= 100_000 ? read.value : null;
}

function readDateCell(p: PackageRows, column: "purchase_date" | "expiry_date"): string | null | false {
  const cell = p.value(column);
  if (!cell) return null;
  const read = readDate(cell.value);
  if (!read.ok) {
    p.error(cell.row, column, `"${cell.value}" ${read.why}`);
    return false;
  }
  return read.value;
}

function readDates(p: PackageRows, location: CatalogLocation | null, now: Temporal.Instant) {
  const purchased = readDateCell(p, "purchase_date");
  const expires = readDateCell(p, "expiry_date");
  if (purchased === null) p.error(p.firstRow, "purchase_date", "is empty");
  if (!purchased || expires === false) return null;
  if (location) {
    const today = localDate(now, location.time_zone).toString();
    if (purchased > today) {
      p.error(
        p.value("purchase_date")!.row,
        "purchase_date",
        `is after today (${today} in ${location.name})`,
      );
      return null;
    }
  }
  if (expires !== null && expires < purchased) {
    p.error(p.value("expiry_date")!.row, "expiry_date", `is before the purchase date (${purchased})`);
    return null;
  }
  return { purchasedOn: purchased, expiresOn: expires };
}

function readPrice(p: PackageRows, location: CatalogLocation | null): number | null {
  const cell = p.value("price_paid");
  if (!cell) {
    p.error(p.firstRow, "price_paid", "is empty: give the price paid, 0 for a free package");
    return null;
  }
  if (!location) return null;
  const read = readAmount(cell.value, location.currency);
  if (!read.ok) p.error(cell.row, "price_paid", `"${cell.value}" ${read.why}`);
  return read.ok ? read.value : null;
}

interface ReadPackage {
  rows: PackageRows;
  customer: CustomerCells;
  template: CatalogTemplate | null;
  name: string;
  location: CatalogLocation;
  priceMinor: number;
  purchasedOn: string;
  expiresOn: string | null;
  lines: LineCells[];
}

function readPackage(p: PackageRows, catalog: Catalog, now: Temporal.Instant): ReadPackage | null {
  const customer = readCustomer(p);
  const location = readLocation(p, catalog);
  const template = readTemplate(p, catalog);
  const packageName = readName(p, "package_name", false);
  const dates = readDates(p, location, now);
  const priceMinor = readPrice(p, location);
  const lines: LineCells[] = [];
  const itemRows = new Map<string, number>();
  for (const row of p.rows) {
    const line = readLine(p, row, template, catalog);
    if (!line) continue;
    const earlier = itemRows.get(line.item.id);
    if (earlier !== undefined) {
      p.error(row.row, "item", `"${line.item.name}" is already a line of this package (row ${earlier})`);
      continue;
    }
    itemRows.set(line.item.id, row.row);
    lines.push(line);
  }
  if (!customer || !location || template === false || !dates || priceMinor === null) return null;
  if (lines.length !== p.rows.length) return null;
  const name =
    packageName ??
    template?.name ??
    lines.map((l) => (lines.length === 1 ? `${l.total}× ${l.item.name}` : l.item.name)).join(" + ");
  return { rows: p, customer, template, name: name.slice(0, 200), location, priceMinor, ...dates, lines };
}

/** The key a package is known by in the business: its package_ref, or a hash of what it is. */
function keyOf(p: ReadPackage, seen: Map<string, number>): string {
  if (p.rows.ref !== null) return `ref:${p.rows.ref}`;
  const digest = createHash("sha256")
    .update(
      JSON.stringify([
        p.customer.key,
        p.template?.id ?? null,
        p.name,
        p.location.id,
        p.priceMinor,
        p.purchasedOn,
        p.expiresOn,
        p.lines.map((l) => [l.item.id, l.total, l.used]),
      ]),
    )
    .digest("base64url");
  // Two identical packages in one file (bought the same day) are two packages: the second is #2.
  const n = (seen.get(digest) ?? 0) + 1;
  seen.set(digest, n);
  return `row:${digest}#${n}`;
}

function customersOf(read: ReadPackage[], errors: RowError[]): Map<string, CustomerCells> {
  const customers = new Map<string, CustomerCells>();
  for (const p of read) {
    const known = customers.get(p.customer.key);
    if (!known) customers.set(p.customer.key, p.customer);
    else if (nameKey(known.name) !== nameKey(p.customer.name)) {
      const by = p.customer.email ? "e-mail" : "phone number";
      errors.push({
        row: p.customer.row,
        column: "customer_name",
        message: `"${p.customer.name}" has the ${by} that row ${known.row} gives to "${known.name}": one ${by}, one customer`,
      });
    }
  }
  return customers;
}

/** What phoneKey drops, as a PostgreSQL regular expression: all but the digits and a leading +. */
const PHONE_NOISE = "(?!^\\+)[^0-9]";

/** Customers of the business with these e-mails or phone numbers: the oldest one of each. */
async function existingCustomers(
  db: Executor,
  businessId: string,
  customers: CustomerCells[],
): Promise<Map<string, string>> {
  const emails = customers.filter((c) => c.email !== null).map((c) => c.email!);
  const phones = customers.filter((c) => c.email === null).map((c) => phoneKey(c.phone!));
  const found = new Map<string, string>();
  if (emails.length > 0) {
    const rows = await sql<{ key: string; id: string }>`
      SELECT DISTINCT ON (lower(email)) lower(email) AS key, id FROM customers
       WHERE business_id = ${businessId} AND lower(email) = ANY (${emails}::text[])
       ORDER BY lower(email), created_at, id`.execute(db);
    for (const r of rows.rows) found.set(r.key, r.id);
  }
  if (phones.length > 0) {
    const rows = await sql<{ key: string; id: string }>`
      SELECT DISTINCT ON (k) k AS key, id FROM (
        SELECT regexp_replace(phone, ${PHONE_NOISE}, '', 'g') AS k, id, created_at FROM customers
         WHERE business_id = ${businessId} AND phone IS NOT NULL) c
       WHERE k = ANY (${phones}::text[])
       ORDER BY k, created_at, id`.execute(db);
    for (const r of rows.rows) found.set(`phone:${r.key}`, r.id);
  }
  return found;
}

async function importedKeys(db: Executor, businessId: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await sql<{ import_key: string }>`
    SELECT import_key FROM customer_packages
     WHERE business_id = ${businessId} AND import_key = ANY (${keys}::text[])`.execute(db);
  return new Set(rows.rows.map((r) => r.import_key));
}

function plannedLines(p: ReadPackage): PlannedLine[] {
  const lines = p.lines.map((l) => ({
    row: l.row,
    itemId: l.item.id,
    itemKind: l.item.kind,
    itemName: l.item.name,
    retailPriceMinor: l.item.prices[p.location.currency] ?? 0,
    total: l.total,
    used: l.used,
  }));
  const shares = allocatePackagePrice(
    p.priceMinor,
    lines.map((l) => ({ retailPriceMinor: l.retailPriceMinor, credits: l.total })),
  );
  return lines.map((l, i) => ({ ...l, valueMinor: shares[i]! }));
}

export async function planImport(
  db: Executor,
  businessId: string,
  csv: string,
  now: Temporal.Instant,
): Promise<ImportPlan> {
  const file = readImportFile(csv);
  if (file.errors.length > 0)
    return { rows: file.rows.length, errors: file.errors, packages: [], customers: [] };
  const errors: RowError[] = [];
  const catalog = await loadCatalog(db, businessId);
  const read = groupRows(file.rows, errors)
    .map((p) => readPackage(p, catalog, now))
    .filter((p): p is ReadPackage => p !== null);
  const cells = customersOf(read, errors);
  if (errors.length > 0) {
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { rows: file.rows.length, errors, packages: [], customers: [] };
  }
  const existing = await existingCustomers(db, businessId, [...cells.values()]);
  const customers = new Map<string, PlannedCustomer>();
  for (const c of cells.values()) customers.set(c.key, { ...c, existingId: existing.get(c.key) ?? null });
  const seen = new Map<string, number>();
  const keys = read.map((p) => keyOf(p, seen));
  const imported = await importedKeys(db, businessId, keys);
  const packages = read.map((p, i): PlannedPackage => {
    const zone = p.location.time_zone;
    const expiry = fromExpiryDate(p.expiresOn, zone);
    return {
      key: keys[i]!,
      ref: p.rows.ref,
      rows: p.rows.rows.map((r) => r.row),
      customer: customers.get(p.customer.key)!,
      template: p.template,
      name: p.name,
      kind: p.template?.kind ?? (p.lines.length === 1 ? "course" : "package"),
      location: p.location,
      priceMinor: p.priceMinor,
      purchasedOn: p.purchasedOn,
      // The hour of purchase is not in the file: the start of that day, so that FIFO (L8) puts it
      // before everything sold later that day, and every service that day may use it.
      purchasedAt: Temporal.PlainDate.from(p.purchasedOn).toZonedDateTime({ timeZone: zone }).toInstant(),
      expiresOn: expiry.expiresOn,
      expiresAt: expiry.expiresAt,
      lines: plannedLines(p),
      alreadyImported: imported.has(keys[i]!),
    };
  });
  return { rows: file.rows.length, errors: [], packages, customers: [...customers.values()] };
}

/** What the free credits of a planned line owe (R1), by the rule of credit value. */
export const owedValueOf = (l: PlannedLine) => creditRangeValue(l.valueMinor, l.total, l.used, l.total);
