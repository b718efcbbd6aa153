// O5, O6: import of packages from another system (dry run, then all or nothing), and the exports:
// everything of the business as a ZIP of CSVs, one customer's data as JSON.
import { PassThrough, Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { businessArchive, customerExport } from "../../app/data/export-data.js";
import { MAX_IMPORT_ROWS } from "../../app/data/import-file.js";
import {
  dryRunImport,
  type ImportInput,
  type ImportProgress,
  importPackages,
} from "../../app/data/import-packages.js";
import { withIdempotency } from "../../app/idempotency.js";
import { ctxOf } from "../auth.js";
import { errorBody, toAppError } from "../errors.js";
import { claimOf, mutation, sendJson } from "../mutation.js";
import { customerParams, name, refusals } from "../schemas.js";

/** 10,000 packages are ≈2 MB of CSV; the limit leaves room for MAX_IMPORT_ROWS long rows. */
export const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;

const importBody = z.strictObject({
  csv: z
    .string()
    .min(1, "must not be empty")
    .max(IMPORT_BODY_LIMIT, "is too large")
    .describe(
      `The file's text (UTF-8): a header row, then one row per package line, at most ${MAX_IMPORT_ROWS} rows. ` +
        "Columns: package_ref, customer_name, customer_email, customer_phone, template, item, package_name, " +
        "credits_total, credits_used, price_paid, purchase_date, expiry_date, location.",
    ),
  fileName: name.optional(),
});

const rowError = z
  .object({
    row: z.number().int().nullable(),
    column: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: "ImportRowError" });

const importReport = z
  .object({
    dryRun: z.boolean(),
    imported: z.boolean(),
    importId: z.string().nullable(),
    fileName: z.string().nullable(),
    rows: z.number().int(),
    errorCount: z.number().int(),
    errors: z.array(rowError),
    summary: z.object({
      packages: z.number().int(),
      toCreate: z.number().int(),
      alreadyImported: z.number().int(),
      lines: z.number().int(),
      customersNew: z.number().int(),
      customersExisting: z.number().int(),
      byCurrency: z.array(
        z.object({
          currency: z.string(),
          packages: z.number().int(),
          pricePaidMinor: z.number().int(),
          owedCredits: z.number().int(),
          owedMinor: z.number().int(),
        }),
      ),
    }),
    packages: z.array(
      z.object({
        rows: z.array(z.number().int()),
        ref: z.string().nullable(),
        customerName: z.string(),
        customerEmail: z.string().nullable(),
        customerPhone: z.string().nullable(),
        newCustomer: z.boolean(),
        name: z.string(),
        templateName: z.string().nullable(),
        locationName: z.string(),
        currency: z.string(),
        priceMinor: z.number().int(),
        purchasedOn: z.string(),
        expiresOn: z.string().nullable(),
        status: z.enum(["create", "already_imported"]),
        lines: z.array(z.object({ itemName: z.string(), total: z.number().int(), used: z.number().int() })),
      }),
    ),
  })
  .meta({ id: "ImportReport" });

const records = z.array(z.record(z.string(), z.unknown()));
const customerExportSchema = z
  .object({
    exportedAt: z.string(),
    business: z.object({ id: z.string(), name: z.string() }),
    customer: z.record(z.string(), z.unknown()),
    packages: records,
    packageLines: records,
    movements: records,
    packageRefunds: records,
    storeCredit: records,
    storeCreditMovements: records,
    tickets: records,
    ticketLines: records,
    payments: records,
    appointments: records,
    appointmentServices: records,
    classEnrolments: records,
    onlineBookingRequests: records,
    activity: records,
  })
  .meta({ id: "CustomerExport" });

const NDJSON = "application/x-ndjson";

/**
 * The import, answering its progress as it goes: one JSON line per batch written
 * ({"type":"progress","done","total"}), then {"type":"result","result":…}. Refusals found before
 * the first line (a row in error, a role) answer as every error does; a failure after it is a
 * last line {"type":"error","error":{code,message}}, and the import's transaction is rolled back.
 * With an Idempotency-Key the result is stored, and a retry answers it as its one line.
 */
async function importWithProgress(
  app: App,
  request: FastifyRequest,
  reply: FastifyReply,
  input: ImportInput,
) {
  const ctx = ctxOf(app, request);
  const claim = claimOf(request, ctx, 200);
  const stream = new PassThrough();
  let started = false;
  const open = () => {
    if (started) return;
    started = true;
    reply.header("content-type", `${NDJSON}; charset=utf-8`).header("cache-control", "no-store").send(stream);
  };
  const line = (value: unknown) => {
    open();
    stream.write(`${JSON.stringify(value)}\n`);
  };
  const onProgress = async (progress: ImportProgress) => {
    line({ type: "progress", ...progress });
    // let the line leave before the next batch takes the event loop (PGlite runs in this thread)
    await new Promise((resolve) => setImmediate(resolve));
  };
  let body: string;
  try {
    if (claim) {
      const stored = await withIdempotency(
        app.database.db,
        claim.businessId,
        claim.key,
        claim.hash,
        async (tx) => ({
          status: 200,
          body: JSON.stringify(await importPackages(ctx, input, tx, onProgress)),
        }),
      );
      if (!started) reply.header("idempotent-replayed", String(stored.replayed));
      body = stored.body;
    } else {
      body = JSON.stringify(await importPackages(ctx, input, app.database.db, onProgress));
    }
  } catch (error) {
    if (!started) throw error;
    const known = toAppError(error);
    if (!known) request.log.error({ error }, "import failed after it began answering");
    const e = known
      ? errorBody(known.code, known.message, known.field).error
      : errorBody("internal_error", "The import failed; nothing was imported.").error;
    stream.end(`${JSON.stringify({ type: "error", error: e })}\n`);
    return reply;
  }
  open();
  stream.end(`{"type":"result","result":${body}}\n`);
  return reply;
}

export function dataRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["data"];

  r.post(
    "/api/v1/imports/dry-run",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Check an import file (O5; manager/owner): what it would create and every row's errors " +
          "(row, column, why). Writes nothing.",
        body: importBody,
        response: {
          200: importReport,
          400: refusals[400],
          401: refusals[401],
          403: refusals[403],
          409: refusals[409],
        },
      },
    },
    async (req) => dryRunImport(ctxOf(app, req), req.body),
  );

  r.post(
    "/api/v1/imports",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Import customers and their packages from another system (O5; manager/owner): all or " +
          "nothing, and a package already imported (same package_ref, or the same row) is not " +
          `created again. With Accept: ${NDJSON} the answer streams its progress as JSON lines.`,
        body: importBody,
        response: {
          200: importReport,
          400: refusals[400],
          401: refusals[401],
          403: refusals[403],
          409: refusals[409],
        },
      },
    },
    async (req, reply) => {
      if (req.headers.accept?.includes(NDJSON)) return importWithProgress(app, req, reply, req.body);
      return mutation(app, req, reply, (ctx, db) => importPackages(ctx, req.body, db));
    },
  );

  r.get(
    "/api/v1/exports/business.zip",
    {
      schema: {
        tags,
        summary:
          "Every record of the business as CSV files in one ZIP archive (O6; owner). Password and " +
          "token hashes are left out; texts are formula-safe.",
        produces: ["application/zip"],
        response: {
          200: {
            description: "a ZIP archive of CSV files",
            content: {
              "application/zip": { schema: z.string().describe("a ZIP archive of CSV files (binary)") },
            },
          },
          401: refusals[401],
          403: refusals[403],
        },
      },
    },
    async (req, reply) => {
      const chunks = businessArchive(ctxOf(app, req));
      const first = await chunks.next(); // a refusal answers before the download starts
      async function* all() {
        try {
          for (let next = first; !next.done; next = await chunks.next()) yield next.value;
        } finally {
          await chunks.return(undefined);
        }
      }
      const day = new Date().toISOString().slice(0, 10);
      return (
        reply
          .header("content-type", "application/zip")
          .header("content-disposition", `attachment; filename="carnet-export-${day}.zip"`)
          .header("cache-control", "no-store")
          // the stream's chunks are the archive the schema declares (its type knows no streams)
          .send(Readable.from(all()) as unknown as string)
      );
    },
  );

  r.get(
    "/api/v1/customers/:customerId/export",
    {
      schema: {
        tags: ["customers"],
        summary:
          "Everything Carnet holds about one customer, as JSON (O6, a privacy request; manager/owner): " +
          "profile, packages, movements, tickets, appointments, enrolments, activity.",
        params: customerParams,
        response: { 200: customerExportSchema, ...refusals },
      },
    },
    async (req, reply) => {
      const data = await customerExport(ctxOf(app, req), req.params.customerId);
      return sendJson(
        reply
          .header("content-disposition", `attachment; filename="customer-${req.params.customerId}.json"`)
          .header("cache-control", "no-store"),
        200,
        JSON.stringify(data, null, 2),
      );
    },
  );
}
