// O5: bring customers and the packages they hold in another system. The dry run answers what the
// file would create and every row's errors, writing nothing; the import writes it all or nothing,
// in one transaction, and creates nothing for a package whose key an earlier import stored.
//
// Imported packages enter the ledger as sold ones do, with their own purchase and expiry instants:
// each line gets an `import` movement (its credits) and, when some were used there, an
// `import_used` one, in the same transaction as the line and its counters (migration 0017 says
// why two). Written set-based, a few statements per batch of packages (unnest of arrays), so that
// 10,000 packages take seconds on the embedded database (bench/import.ts).
import { createHash, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import { invalid } from "../../domain/errors.js";
import { instantIso } from "../../domain/validity.js";
import { logActivity } from "../activity.js";
import { actorStaffId, authorize, type Ctx, type Executor, inTransaction } from "../context.js";
import { type RowError, shownError } from "./import-file.js";
import { type ImportPlan, owedValueOf, type PlannedPackage, planImport } from "./import-plan.js";

export interface ImportInput {
  csv: string;
  fileName?: string | undefined;
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface PackagePreview {
  rows: number[];
  ref: string | null;
  customerName: string;
  customerEmail: string | null;
  customerPhone: string | null;
  newCustomer: boolean;
  name: string;
  templateName: string | null;
  locationName: string;
  currency: string;
  priceMinor: number;
  purchasedOn: string;
  expiresOn: string | null;
  status: "create" | "already_imported";
  lines: Array<{ itemName: string; total: number; used: number }>;
}

export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  /** the activity log's entry of this import names it (details.importId) */
  importId: string | null;
  fileName: string | null;
  rows: number;
  errorCount: number;
  /** the first MAX_ERRORS_SHOWN errors, in row order */
  errors: RowError[];
  summary: {
    packages: number;
    toCreate: number;
    alreadyImported: number;
    lines: number;
    customersNew: number;
    customersExisting: number;
    /** of the packages to create, per currency: what was paid, and what their free credits owe (R1) */
    byCurrency: Array<{
      currency: string;
      packages: number;
      pricePaidMinor: number;
      owedCredits: number;
      owedMinor: number;
    }>;
  };
  /** the first MAX_PACKAGES_SHOWN packages of the file */
  packages: PackagePreview[];
}

export const MAX_ERRORS_SHOWN = 1000;
export const MAX_PACKAGES_SHOWN = 200;

export async function dryRunImport(ctx: Ctx, input: ImportInput): Promise<ImportReport> {
  authorize(ctx, "import_data");
  const now = ctx.clock();
  const plan = await planImport(ctx.database.db, ctx.actor.businessId, input.csv, now);
  return reportOf(plan, input, now, { dryRun: true, importId: null });
}

export async function importPackages(
  ctx: Ctx,
  input: ImportInput,
  db: Executor = ctx.database.db,
  onProgress?: (progress: ImportProgress) => Promise<void> | void,
): Promise<ImportReport> {
  authorize(ctx, "import_data");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    // One import at a time per business: the second finds the first's keys and customers.
    await sql`SELECT pg_advisory_xact_lock(727017, hashtext(${businessId}))`.execute(tx);
    const plan = await planImport(tx, businessId, input.csv, now);
    if (plan.errors.length > 0) throw rowsInvalid(plan.errors);
    const todo = plan.packages.filter((p) => !p.alreadyImported);
    const importId = randomUUID();
    await onProgress?.({ done: 0, total: todo.length });
    const writer = new ImportWriter(tx, ctx, importId, input.fileName ?? null, now);
    if (todo.some((p) => !p.template)) await writer.findOrMakeHolder();
    const size = Math.min(1000, Math.max(100, Math.ceil(todo.length / 20)));
    for (let start = 0; start < todo.length; start += size) {
      await writer.write(todo.slice(start, start + size));
      // The session's cached plans of the foreign-key checks and of the line trigger
      // (carnet_line_copies_package) were made when these tables were small, as a sequential scan
      // of customer_packages; kept, every line written scans every package, and the time per
      // batch grows with the packages already written (10,000 packages on PGlite, which has no
      // autovacuum to refresh them, on a busy 2-core machine: 76 s, against 17 s with this).
      // ANALYZE after the first batch replans them as index lookups (it may run in a
      // transaction, and counts this transaction's own rows).
      if (start === 0 && todo.length > size) await sql`ANALYZE customer_packages, package_lines`.execute(tx);
      await onProgress?.({ done: Math.min(todo.length, start + size), total: todo.length });
    }
    const report = reportOf(plan, input, now, { dryRun: false, importId });
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: actorStaffId(ctx),
      locationId: ctx.actor.locationId,
      action: "import_packages",
      details: {
        importId,
        fileName: input.fileName ?? null,
        fileSha256: createHash("sha256").update(input.csv).digest("hex"),
        rows: plan.rows,
        packagesCreated: report.summary.toCreate,
        alreadyImported: report.summary.alreadyImported,
        customersCreated: writer.customersCreated,
      },
    });
    return report;
  });
}

function rowsInvalid(errors: RowError[]) {
  const first = shownError(errors[0]!);
  const where = [first.row !== null ? `row ${first.row}` : null, first.column].filter(Boolean).join(", ");
  return invalid(
    "import_rows_invalid",
    `The file has ${errors.length} error(s); nothing was imported. Run the dry run to see them all. ` +
      `First: ${where ? `${where}: ` : ""}${first.message}`,
    "csv",
  );
}

/** Writes planned packages in batches, inside the import's transaction. */
class ImportWriter {
  private holderId: string | null = null;
  private readonly customerIds = new Map<string, string>();
  customersCreated = 0;
  private readonly at: string;
  private readonly actor: string | null;

  constructor(
    private readonly tx: Executor,
    private readonly ctx: Ctx,
    private readonly importId: string,
    private readonly fileName: string | null,
    now: Temporal.Instant,
  ) {
    this.at = instantIso(now);
    this.actor = actorStaffId(ctx);
  }

  private get businessId() {
    return this.ctx.actor.businessId;
  }

  /** The business's template of packages imported by their items alone, made once. */
  async findOrMakeHolder() {
    const found = await this.tx
      .selectFrom("package_templates")
      .select("id")
      .where("business_id", "=", this.businessId)
      .where("holds_imports", "=", true)
      .executeTakeFirst();
    this.holderId =
      found?.id ??
      (
        await this.tx
          .insertInto("package_templates")
          .values({
            business_id: this.businessId,
            kind: "package",
            name: "Imported packages",
            prices: JSON.stringify({}),
            validity_kind: "none",
            active: false,
            holds_imports: true,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
  }

  async write(batch: PlannedPackage[]) {
    await this.writeCustomers(batch);
    const ids = batch.map(() => randomUUID());
    await this.writePackages(batch, ids);
    await this.writeLines(batch, ids);
  }

  /** The customers this batch is the first to need, created; the others already exist. */
  private async writeCustomers(batch: PlannedPackage[]) {
    const fresh = new Map<string, PlannedPackage["customer"]>();
    for (const { customer } of batch) {
      if (this.customerIds.has(customer.key)) continue;
      const id = customer.existingId ?? randomUUID();
      this.customerIds.set(customer.key, id);
      if (!customer.existingId) fresh.set(id, customer);
    }
    if (fresh.size === 0) return;
    const list = [...fresh];
    await sql`
      INSERT INTO customers (business_id, id, name, email, phone, created_at)
      SELECT ${this.businessId}::uuid, t.id::uuid, t.name, t.email, t.phone, ${this.at}::timestamptz
        FROM unnest(${list.map(([id]) => id)}::text[], ${list.map(([, c]) => c.name)}::text[],
                    ${list.map(([, c]) => c.email)}::text[], ${list.map(([, c]) => c.phone)}::text[])
          AS t(id, name, email, phone)`.execute(this.tx);
    this.customersCreated += list.length;
  }

  private async writePackages(batch: PlannedPackage[], ids: string[]) {
    const column = <T>(f: (p: PlannedPackage, i: number) => T) => batch.map(f);
    const details = column((p) =>
      JSON.stringify({
        importId: this.importId,
        fileName: this.fileName,
        ref: p.ref,
        rows: p.rows,
        name: p.name,
        priceMinor: p.priceMinor,
        currency: p.location.currency,
        purchasedOn: p.purchasedOn,
        expiresOn: p.expiresOn,
      }),
    );
    await sql`
      WITH t AS (
        SELECT * FROM unnest(
          ${ids}::text[], ${column((p) => this.customerIds.get(p.customer.key)!)}::text[],
          ${column((p) => p.template?.id ?? this.holderId)}::text[], ${column((p) => p.name)}::text[],
          ${column((p) => p.kind)}::text[], ${column((p) => p.location.id)}::text[],
          ${column((p) => p.location.time_zone)}::text[], ${column((p) => p.location.currency)}::text[],
          ${column((p) => String(p.priceMinor))}::text[],
          ${column((p) => p.template?.commission_basis ?? "item_retail_price")}::text[],
          ${column((p) => String(p.template?.online_bookable ?? false))}::text[],
          ${column((p) => (p.template?.locationIds.length ? `{${p.template.locationIds.join(",")}}` : null))}::text[],
          ${column((p) => JSON.stringify({ kind: p.expiresOn ? "fixed_date" : "none", count: null, date: p.expiresOn }))}::text[],
          ${column((p) => instantIso(p.purchasedAt))}::text[], ${column((p) => p.expiresOn)}::text[],
          ${column((p) => (p.expiresAt ? instantIso(p.expiresAt) : null))}::text[],
          ${column((p) => p.key)}::text[], ${details}::text[]
        ) WITH ORDINALITY AS t(id, customer_id, template_id, name, kind, location_id, time_zone, currency,
               price_minor, commission_basis, online_bookable, redeemable, validity, purchased_at, expires_on,
               expires_at, import_key, details, ord)
      ), p AS (
        INSERT INTO customer_packages (business_id, id, customer_id, template_id, name, kind, location_id,
               time_zone, currency, price_minor, commission_basis, online_bookable, redeemable_location_ids,
               validity, purchased_at, expires_on, expires_at, sold_by, import_key, created_at)
        SELECT ${this.businessId}::uuid, id::uuid, customer_id::uuid, template_id::uuid, name, kind,
               location_id::uuid, time_zone, currency, price_minor::bigint, commission_basis,
               online_bookable::boolean, redeemable::uuid[], validity::jsonb, purchased_at::timestamptz,
               expires_on::date, expires_at::timestamptz, NULL, import_key, ${this.at}::timestamptz
          FROM t
        RETURNING id
      )
      INSERT INTO activity_log (business_id, occurred_at, actor_staff_id, location_id, action, customer_id,
             package_id, details)
      SELECT ${this.businessId}::uuid, ${this.at}::timestamptz, ${this.actor}::uuid, t.location_id::uuid,
             'import', t.customer_id::uuid, t.id::uuid, t.details::jsonb
        FROM t JOIN p ON p.id = t.id::uuid
       ORDER BY t.ord`.execute(this.tx);
  }

  /** The lines with their counters, and their import movements, in one statement. */
  private async writeLines(batch: PlannedPackage[], ids: string[]) {
    const lines = batch.flatMap((p, i) =>
      p.lines.map((l, position) => ({ ...l, position, packageId: ids[i]!, pkg: p })),
    );
    const column = <T>(f: (l: (typeof lines)[number]) => T) => lines.map(f);
    await sql`
      WITH l AS (
        INSERT INTO package_lines (business_id, package_id, customer_id, position, item_id, item_kind,
               item_name, retail_price_minor, granted, value_minor, total, used)
        SELECT ${this.businessId}::uuid, package_id::uuid, customer_id::uuid, position::int, item_id::uuid,
               item_kind, item_name, retail::bigint, total::int, value::bigint, total::int, used::int
          FROM unnest(
            ${column((l) => l.packageId)}::text[],
            ${column((l) => this.customerIds.get(l.pkg.customer.key)!)}::text[],
            ${column((l) => String(l.position))}::text[], ${column((l) => l.itemId)}::text[],
            ${column((l) => l.itemKind)}::text[], ${column((l) => l.itemName)}::text[],
            ${column((l) => String(l.retailPriceMinor))}::text[], ${column((l) => String(l.total))}::text[],
            ${column((l) => String(l.valueMinor))}::text[], ${column((l) => String(l.used))}::text[]
          ) AS t(package_id, customer_id, position, item_id, item_kind, item_name, retail, total, value, used)
        RETURNING business_id, id, package_id, customer_id, package_location_id, total, used
      )
      INSERT INTO movements (business_id, package_id, line_id, customer_id, kind, quantity, value_minor,
             occurred_at, actor_staff_id, location_id, total_after, used_after, booked_after)
      SELECT business_id, package_id, id, customer_id, kind, quantity, 0, ${this.at}::timestamptz,
             ${this.actor}::uuid, package_location_id, total, used_after, 0
        FROM (SELECT l.*, 'import' AS kind, l.total AS quantity, 0 AS used_after, 1 AS step FROM l
              UNION ALL
              SELECT l.*, 'import_used', l.used, l.used, 2 FROM l WHERE l.used > 0) m
       ORDER BY package_id, id, step`.execute(this.tx);
  }
}

function previewOf(p: PlannedPackage): PackagePreview {
  return {
    rows: p.rows,
    ref: p.ref,
    customerName: p.customer.name,
    customerEmail: p.customer.email,
    customerPhone: p.customer.phone,
    newCustomer: p.customer.existingId === null,
    name: p.name,
    templateName: p.template?.name ?? null,
    locationName: p.location.name,
    currency: p.location.currency,
    priceMinor: p.priceMinor,
    purchasedOn: p.purchasedOn,
    expiresOn: p.expiresOn,
    status: p.alreadyImported ? "already_imported" : "create",
    lines: p.lines.map((l) => ({ itemName: l.itemName, total: l.total, used: l.used })),
  };
}

function byCurrency(todo: PlannedPackage[], now: Temporal.Instant): ImportReport["summary"]["byCurrency"] {
  const sums = new Map<string, ImportReport["summary"]["byCurrency"][number]>();
  for (const p of todo) {
    const currency = p.location.currency;
    const s = sums.get(currency) ?? {
      currency,
      packages: 0,
      pricePaidMinor: 0,
      owedCredits: 0,
      owedMinor: 0,
    };
    s.packages += 1;
    s.pricePaidMinor += p.priceMinor;
    // an expired package owes nothing (R1): its free credits are written off at import
    if (!p.expiresAt || p.expiresAt.epochMilliseconds >= now.epochMilliseconds) {
      for (const l of p.lines) {
        s.owedCredits += l.total - l.used;
        s.owedMinor += owedValueOf(l);
      }
    }
    sums.set(currency, s);
  }
  return [...sums.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

function reportOf(
  plan: ImportPlan,
  input: ImportInput,
  now: Temporal.Instant,
  how: { dryRun: boolean; importId: string | null },
): ImportReport {
  const todo = plan.packages.filter((p) => !p.alreadyImported);
  const needed = new Set(todo.map((p) => p.customer.key));
  const customers = plan.customers.filter((c) => needed.has(c.key));
  return {
    dryRun: how.dryRun,
    imported: !how.dryRun,
    importId: how.importId,
    fileName: input.fileName ?? null,
    rows: plan.rows,
    errorCount: plan.errors.length,
    errors: plan.errors.slice(0, MAX_ERRORS_SHOWN).map(shownError),
    summary: {
      packages: plan.packages.length,
      toCreate: todo.length,
      alreadyImported: plan.packages.length - todo.length,
      lines: todo.reduce((n, p) => n + p.lines.length, 0),
      customersNew: customers.filter((c) => c.existingId === null).length,
      customersExisting: customers.filter((c) => c.existingId !== null).length,
      byCurrency: byCurrency(todo, now),
    },
    packages: plan.packages.slice(0, MAX_PACKAGES_SHOWN).map(previewOf),
  };
}
