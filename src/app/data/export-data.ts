// O6: a business takes all its data with it (one ZIP of CSV files, one per table), and a customer
// gets what Carnet holds about them on request (privacy law: one JSON document). Secrets (password
// and token hashes) are never in either; every text field of the CSVs is formula-safe by the same
// rule as the balances CSV (src/domain/csv-cell.ts). Both are recorded in the activity log.

import { Zip, ZipDeflate } from "fflate";
import { type RawBuilder, sql } from "kysely";
import { csvField } from "../../domain/csv-cell.js";
import { notFound } from "../../domain/errors.js";
import { instantIso } from "../../domain/validity.js";
import { logAdminAction } from "../activity.js";
import { authorize, type Ctx, type Executor } from "../context.js";
import { plainValue, type Row, rowsOf, tableShape } from "./export-rows.js";

/** The files of the archive: each a table, with what it holds in the archive's README. */
const ARCHIVE: Array<{ file: string; table: string; about: string }> = [
  { file: "business.csv", table: "businesses", about: "the business and its settings" },
  { file: "locations.csv", table: "locations", about: "locations, their time zone and currency" },
  { file: "location_opening_hours.csv", table: "location_opening_hours", about: "opening hours" },
  { file: "staff.csv", table: "staff", about: "staff members and their roles (no passwords)" },
  { file: "staff_working_hours.csv", table: "staff_working_hours", about: "working hours" },
  { file: "commission_rates.csv", table: "commission_rates", about: "commission rates (basis points)" },
  { file: "customers.csv", table: "customers", about: "customers" },
  { file: "items.csv", table: "items", about: "services, products, class types; prices per currency" },
  { file: "package_templates.csv", table: "package_templates", about: "what the business sells" },
  { file: "template_items.csv", table: "template_items", about: "the items of each template" },
  { file: "template_locations.csv", table: "template_locations", about: "where a template is redeemable" },
  { file: "packages.csv", table: "customer_packages", about: "packages customers bought or brought" },
  { file: "package_lines.csv", table: "package_lines", about: "each package's items and counters" },
  { file: "movements.csv", table: "movements", about: "the ledger: every change of credits" },
  { file: "package_refunds.csv", table: "package_refunds", about: "refunded packages" },
  { file: "store_credit.csv", table: "store_credit_accounts", about: "store-credit balances" },
  { file: "store_credit_movements.csv", table: "store_credit_movements", about: "the store-credit ledger" },
  { file: "tickets.csv", table: "tickets", about: "tickets of the till" },
  { file: "ticket_lines.csv", table: "ticket_lines", about: "their lines" },
  { file: "payments.csv", table: "ticket_payments", about: "their payments (negative: paid back)" },
  { file: "appointments.csv", table: "appointments", about: "appointments" },
  { file: "appointment_services.csv", table: "appointment_services", about: "their services" },
  { file: "class_sessions.csv", table: "class_sessions", about: "class sessions" },
  { file: "class_enrolments.csv", table: "class_enrolments", about: "who enrolled in which" },
  { file: "online_booking_requests.csv", table: "online_booking_requests", about: "online booking requests" },
  { file: "activity.csv", table: "activity_log", about: "the activity log" },
  { file: "webhook_endpoints.csv", table: "webhook_endpoints", about: "webhook endpoints (no secrets)" },
  { file: "calendar_feeds.csv", table: "calendar_feeds", about: "who has a calendar feed link (no tokens)" },
];

/** A value as a CSV field: numbers as they are, texts formula-safe, JSON for lists and objects. */
function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return csvField(JSON.stringify(plainValue(value)));
  return csvField(value);
}

const csvLine = (values: unknown[]) => `${values.map(csvValue).join(",")}\r\n`;

const README = (exportedAt: string, files: string[]) =>
  [
    "Carnet: every record of the business, one CSV file per table.",
    `Exported at ${exportedAt} (UTC).`,
    "",
    "Money is in minor units of the currency named beside it (HUF and USD: hundredths).",
    "Instants are ISO 8601 in UTC; dates (expires_on, service_date) are local dates of the location.",
    "Lists and objects are JSON. A ' before = + - @ at the start of a text keeps spreadsheets",
    "from running it as a formula. Password and token hashes are not exported.",
    "",
    ...ARCHIVE.filter((a) => files.includes(a.file)).map((a) => `${a.file}: ${a.about}`),
    "",
  ].join("\r\n");

const encoder = new TextEncoder();

/**
 * The archive in chunks as it is written: one table at a time, a page of rows at a time, so that
 * memory stays flat whatever the business's size. On a PostgreSQL server every table is read in one
 * read-only snapshot; on the embedded database, which has one session for everyone, page by page
 * (a movement written during the download may be in it or not).
 */
export async function* businessArchive(ctx: Ctx): AsyncGenerator<Uint8Array> {
  authorize(ctx, "export_business_data");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  await logAdminAction(ctx.database.db, ctx, "export_business", {});
  const snapshot =
    ctx.database.backend === "postgres"
      ? await ctx.database.db
          .startTransaction()
          .setIsolationLevel("repeatable read")
          .setAccessMode("read only")
          .execute()
      : null;
  const db: Executor = snapshot ?? ctx.database.db;
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else out.push(chunk);
  });
  const drain = function* () {
    if (failure) throw failure;
    yield* out.splice(0);
  };
  const mtime = new Date(now.epochMilliseconds);
  try {
    const files: string[] = [];
    for (const entry of ARCHIVE) {
      const shape = await tableShape(db, entry.table);
      if (!shape) continue;
      files.push(entry.file);
      const file = new ZipDeflate(entry.file, { level: 6 });
      file.mtime = mtime;
      zip.add(file);
      file.push(encoder.encode(csvLine(shape.columns)));
      for await (const rows of rowsOf(db, shape, businessId)) {
        file.push(encoder.encode(rows.map((r) => csvLine(shape.columns.map((c) => r[c]))).join("")));
        yield* drain();
      }
      file.push(new Uint8Array(0), true);
      yield* drain();
    }
    const readme = new ZipDeflate("README.txt", { level: 6 });
    readme.mtime = mtime;
    zip.add(readme);
    readme.push(encoder.encode(README(instantIso(now), files)), true);
    zip.end();
    yield* drain();
  } finally {
    await snapshot?.rollback().execute();
  }
}

/** The customer's rows of a table, by a column that names them. */
async function customerRows(
  db: Executor,
  businessId: string,
  table: string,
  where: RawBuilder<unknown>,
): Promise<Row[]> {
  const shape = await tableShape(db, table);
  if (!shape) return [];
  const rows: Row[] = [];
  for await (const page of rowsOf(db, shape, businessId, where)) {
    for (const r of page)
      rows.push(Object.fromEntries(shape.columns.map((c) => [c, plainValue(r[c]) ?? null])));
  }
  return rows;
}

export interface CustomerExport {
  exportedAt: string;
  business: { id: string; name: string };
  customer: Row;
  packages: Row[];
  packageLines: Row[];
  movements: Row[];
  packageRefunds: Row[];
  storeCredit: Row[];
  storeCreditMovements: Row[];
  tickets: Row[];
  ticketLines: Row[];
  payments: Row[];
  appointments: Row[];
  appointmentServices: Row[];
  classEnrolments: Row[];
  onlineBookingRequests: Row[];
  activity: Row[];
}

/** Everything Carnet holds about one customer (O6), as a privacy request asks for it. */
export async function customerExport(ctx: Ctx, customerId: string): Promise<CustomerExport> {
  authorize(ctx, "export_customer_data");
  const db = ctx.database.db;
  const businessId = ctx.actor.businessId;
  const [customer] = await customerRows(db, businessId, "customers", sql`id = ${customerId}::uuid`);
  if (!customer) throw notFound("customer", "customerId");
  const business = await db
    .selectFrom("businesses")
    .select(["id", "name"])
    .where("id", "=", businessId)
    .executeTakeFirstOrThrow();
  const byCustomer = sql`customer_id = ${customerId}::uuid`;
  const rows = (table: string, where: RawBuilder<unknown> = byCustomer) =>
    customerRows(db, businessId, table, where);
  const ofTickets = sql`ticket_id IN (SELECT id FROM tickets WHERE business_id = ${businessId}::uuid AND ${byCustomer})`;
  const email = typeof customer.email === "string" ? customer.email : null;
  const result: CustomerExport = {
    exportedAt: instantIso(ctx.clock()),
    business,
    customer,
    packages: await rows("customer_packages"),
    packageLines: await rows("package_lines"),
    movements: await rows("movements"),
    packageRefunds: await rows("package_refunds"),
    storeCredit: await rows("store_credit_accounts"),
    storeCreditMovements: await rows("store_credit_movements"),
    tickets: await rows("tickets"),
    ticketLines: await rows("ticket_lines", ofTickets),
    payments: await rows("ticket_payments", ofTickets),
    appointments: await rows("appointments"),
    appointmentServices: await rows(
      "appointment_services",
      sql`appointment_id IN (SELECT id FROM appointments WHERE business_id = ${businessId}::uuid AND ${byCustomer})`,
    ),
    classEnrolments: await rows("class_enrolments"),
    // Asked for on the public page with the customer's address, before there was a customer.
    onlineBookingRequests: email
      ? await rows("online_booking_requests", sql`lower(email) = ${email.toLowerCase()}`)
      : [],
    activity: await rows("activity_log"),
  };
  await logAdminAction(db, ctx, "export_customer", { name: customer.name }, customerId);
  return result;
}
